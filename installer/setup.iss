; 执法质量台账 — Inno Setup 6 script (Chinese wizard, per-user install, no admin rights needed).
;
; Built by installer\build.ps1 after PyInstaller has produced dist\desktop_app\ (do not run by hand without it):
;     ISCC.exe /DAppVersion=0.1.0 installer\setup.iss      →  dist\installer\执法质量台账安装程序-0.1.0.exe
;
; What the clerk sees (first install): 选择安装模式 (只为我安装 is the default, no administrator needed) → 选择目标位置
; (%LOCALAPPDATA%\Programs\执法质量台账) → 选择附加任务 (桌面快捷方式) → 准备安装 → 安装 → 完成 (运行执法质量台账).
; Upgrading: the same AppId finds the old installation, the folder page is skipped, a running copy is closed first,
; the files are replaced in place; the data folder is never touched, and the program migrates the database (backup
; first) the next time it opens it.
;
; The data (database, backups, attachments, logs) lives in %LOCALAPPDATA%\desktop_app (desktop_app\paths.py:
; platformdirs user_data_path("desktop_app", appauthor=False, roaming=False)), outside {app}: the uninstaller
; removes only what it installed and keeps that folder; it says so at the end.

#ifndef AppVersion
  #error 没有指定版本号：请用 installer\build.ps1 构建，或在命令行加 /DAppVersion=x.y.z
#endif

#define AppName "执法质量台账"
#define AppExeName "desktop_app.exe"
#define BundleDir "..\dist\desktop_app"
#define DataFolder "desktop_app"
; desktop_app\ui\app.py APP_MUTEX: the running program holds it
#define AppMutexName "desktop_app_zhifa_taizhang"

; The Simplified Chinese messages. Newer Inno Setup 6 releases ship Languages\ChineseSimplified.isl; older 6.x
; releases only have it as an unofficial translation (Languages\Unofficial\, or a download from
; https://jrsoftware.org/files/istrans/ — save it as installer\ChineseSimplified.isl). Without any of them the
; wizard falls back to English rather than failing the build (build.ps1 prints a warning then).
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ChineseMessages "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(CompilerPath) + "Languages\Unofficial\ChineseSimplified.isl")
  #define ChineseMessages "compiler:Languages\Unofficial\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseMessages AddBackslash(SourcePath) + "ChineseSimplified.isl"
#else
  #pragma warning "找不到 ChineseSimplified.isl：安装向导将显示英文。请把简体中文语言文件放到 installer\ChineseSimplified.isl。"
  #define ChineseMessages "compiler:Default.isl"
#endif

[Setup]
; Fixed forever: the same AppId lets a newer installer find and replace an older installation in place.
AppId={{7A015D6D-00E4-4741-AA90-FE02DE298D56}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
AppComments=县级司法局提升行政执法质量三年行动离线台账
; per user by default (%LOCALAPPDATA%\Programs\执法质量台账); the first page offers 为所有用户安装 to an administrator
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
OutputDir=..\dist\installer
OutputBaseFilename={#AppName}安装程序-{#AppVersion}
SetupIconFile=..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; Qt 6 needs 64-bit Windows 10 or later
MinVersion=10.0
#if Ver >= EncodeVer(6, 3, 0)
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
#else
ArchitecturesAllowed=x64
ArchitecturesInstallIn64BitMode=x64
#endif
; A running copy: AppMutex makes Setup and the uninstaller ask for it to be closed; CloseApplications also lets the
; Restart Manager close it (the program then makes its exit backup and releases its database lock).
AppMutex={#AppMutexName}
CloseApplications=yes
CloseApplicationsFilter=*.exe,*.dll,*.pyd
RestartApplications=no
SetupLogging=yes
ShowLanguageDialog=no

[Languages]
Name: "chinesesimp"; MessagesFile: "{#ChineseMessages}"

[Messages]
SetupAppRunningError=执法质量台账正在运行。%n%n请先关闭它（关闭时会自动备份数据），然后点“确定”继续，或点“取消”退出安装。
UninstallAppRunningError=执法质量台账正在运行。%n%n请先关闭它，然后点“确定”继续，或点“取消”退出卸载。

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; an upgrade replaces the whole bundle: no library of the previous version may linger beside the new ones
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Comment: "县级司法局提升行政执法质量三年行动离线台账"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  { the data folder is not the installer's to delete: say where it stays }
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent() then
  begin
    DataDir := ExpandConstant('{localappdata}\{#DataFolder}');
    MsgBox('已卸载执法质量台账的程序文件。' + #13#10#13#10 +
      '您的数据没有删除，仍保存在：' + #13#10 + DataDir + #13#10 +
      '（数据库、备份、附件和日志）。' + #13#10#13#10 +
      '重新安装后会继续使用这些数据；如确定不再需要，可以手动删除这个文件夹。', mbInformation, MB_OK);
  end;
end;
