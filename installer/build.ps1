<#
.SYNOPSIS
  一条命令构建执法质量台账的 Windows 安装程序。

.DESCRIPTION
  在项目根目录的 PowerShell 中运行：

      powershell -ExecutionPolicy Bypass -File installer\build.ps1

  依次：读取版本号（desktop_app\__init__.py）→ 创建虚拟环境 build\venv-win 并安装 .[build] →
  PyInstaller 按 installer\desktop_app.spec 打包到 dist\desktop_app\ → 运行打包后程序的 --smoke-test 自检 →
  Inno Setup（ISCC.exe /DAppVersion=版本号）生成 dist\installer\执法质量台账安装程序-版本号.exe。
  任何一步失败都立即停止，并以非零退出码结束。

  构建电脑需要：64 位 Windows 10/11，Python 3.11 或 3.12（python.org 安装包，含 py 启动器），Inno Setup 6。
  pip 需要能访问软件包源（或用 PIP_INDEX_URL / PIP_FIND_LINKS 指向内网源或离线 wheel 文件夹）。

.PARAMETER Python
  用来创建虚拟环境的 python.exe；默认依次尝试 py -3.12、py -3.11、python。

.PARAMETER Iscc
  Inno Setup 的 ISCC.exe；默认在 PATH 和 Inno Setup 6 的常见安装位置中查找。

.PARAMETER Fresh
  删除并重新创建虚拟环境（默认重用已有的 build\venv-win）。

.PARAMETER SkipInstaller
  只打包和自检，不生成安装程序（没有安装 Inno Setup 时用）。
#>
[CmdletBinding()]
param(
    [string]$Python = "",
    [string]$Iscc = "",
    [switch]$Fresh,
    [switch]$SkipInstaller
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
try { [Console]::OutputEncoding = [System.Text.Encoding]::UTF8 } catch { }  # python and ISCC print Chinese
$env:PYTHONIOENCODING = "utf-8"
$env:PYTHONUTF8 = "1"
$started = Get-Date

function Write-Step([string]$Text) {
    Write-Host ""
    Write-Host "==================== $Text ====================" -ForegroundColor Cyan
}

function Stop-Build([string]$Text) {
    Write-Host ""
    Write-Host "构建失败：$Text" -ForegroundColor Red
    exit 1
}

function Invoke-Native([string]$What, [string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) {
        Stop-Build "$What 失败（退出码 $LASTEXITCODE）。请查看上面的输出。"
    }
}

$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root

# ------------------------------------------------------------------------------------------------------------------
Write-Step "1/5 读取版本号"
$init = Get-Content -Raw -Encoding UTF8 (Join-Path $Root "desktop_app\__init__.py")
if ($init -notmatch '(?m)^__version__ = "([^"]+)"') {
    Stop-Build "在 desktop_app\__init__.py 中找不到 __version__ = `"x.y.z`"。"
}
$Version = $Matches[1]
Write-Host "版本：$Version"

# ------------------------------------------------------------------------------------------------------------------
Write-Step "2/5 虚拟环境与依赖"
function Test-Python([string[]]$Command) {
    try {
        $exe = $Command[0]
        $rest = @($Command | Select-Object -Skip 1)
        $out = & $exe @rest -c "import sys; print('%d.%d' % sys.version_info[:2]); print(sys.maxsize > 2**32)" 2>$null
        if ($LASTEXITCODE -ne 0 -or -not $out) { return $null }
        $lines = @($out)
        if ($lines[1] -ne "True") { return $null }  # 32-bit Python cannot build the 64-bit program
        if ([version]$lines[0] -lt [version]"3.11") { return $null }
        return $lines[0]
    } catch {
        return $null
    }
}

$pythonCommand = $null
if ($Python) {
    if (-not (Test-Python @($Python))) { Stop-Build "$Python 不是 64 位的 Python 3.11 或更高版本。" }
    $pythonCommand = @($Python)
} else {
    foreach ($candidate in @(@("py", "-3.12"), @("py", "-3.11"), @("python"))) {
        if (Test-Python $candidate) { $pythonCommand = $candidate; break }
    }
    if (-not $pythonCommand) {
        Stop-Build "没有找到 64 位的 Python 3.11 或 3.12。请从 python.org 安装（勾选“py launcher”），或用 -Python 指定 python.exe。"
    }
}
Write-Host "Python：$($pythonCommand -join ' ')（$(Test-Python $pythonCommand)）"

$Venv = Join-Path $Root "build\venv-win"
$VenvPython = Join-Path $Venv "Scripts\python.exe"
if ($Fresh -and (Test-Path $Venv)) {
    Write-Host "删除旧的虚拟环境：$Venv"
    Remove-Item -Recurse -Force $Venv
}
if (-not (Test-Path $VenvPython)) {
    $venvArguments = @($pythonCommand | Select-Object -Skip 1) + @("-m", "venv", $Venv)
    Invoke-Native "创建虚拟环境" $pythonCommand[0] $venvArguments
}
Invoke-Native "安装依赖（pip install .[build]）" $VenvPython @("-m", "pip", "install", "--disable-pip-version-check",
    "--progress-bar", "off", ".[build]")

# ------------------------------------------------------------------------------------------------------------------
Write-Step "3/5 PyInstaller 打包"
$Bundle = Join-Path $Root "dist\desktop_app"
$Exe = Join-Path $Bundle "desktop_app.exe"
Invoke-Native "PyInstaller 打包" $VenvPython @("-m", "PyInstaller", "--noconfirm", "--clean", "--distpath", "dist",
    "--workpath", "build\pyinstaller", "installer\desktop_app.spec")
if (-not (Test-Path $Exe)) { Stop-Build "打包后没有找到 $Exe。" }
$bundleBytes = (Get-ChildItem -Recurse -File $Bundle | Measure-Object -Sum Length).Sum
Write-Host ("打包完成：{0}（{1:N0} MB）" -f $Bundle, ($bundleBytes / 1MB))

# ------------------------------------------------------------------------------------------------------------------
Write-Step "4/5 自检（打包后的程序 --smoke-test）"
# desktop_app.exe is a windowed program: started with `&` PowerShell would not wait for it, and it has no console,
# so it runs through Start-Process with its output redirected to files. A window flashes for a moment: that is the
# real Windows platform plugin being checked (set QT_QPA_PLATFORM=offscreen beforehand to avoid it).
$smokeOut = Join-Path $env:TEMP "desktop_app-smoke-stdout.txt"
$smokeErr = Join-Path $env:TEMP "desktop_app-smoke-stderr.txt"
$smokeStarted = Get-Date
$process = Start-Process -FilePath $Exe -ArgumentList "--smoke-test" -Wait -PassThru `
    -RedirectStandardOutput $smokeOut -RedirectStandardError $smokeErr
$smokeSeconds = ((Get-Date) - $smokeStarted).TotalSeconds
$stdout = if (Test-Path $smokeOut) { Get-Content -Raw -Encoding UTF8 $smokeOut } else { "" }
$stderr = if (Test-Path $smokeErr) { Get-Content -Raw -Encoding UTF8 $smokeErr } else { "" }
if ($stdout) { Write-Host $stdout.Trim() }
if ($process.ExitCode -ne 0) {
    if ($stderr) { Write-Host $stderr.Trim() -ForegroundColor Yellow }
    Stop-Build "打包后的程序自检没有通过（退出码 $($process.ExitCode)）。"
}
Write-Host ("自检通过，从启动到退出 {0:N1} 秒。" -f $smokeSeconds) -ForegroundColor Green

# ------------------------------------------------------------------------------------------------------------------
if ($SkipInstaller) {
    Write-Host ""
    Write-Host "已按 -SkipInstaller 跳过安装程序。打包结果：$Bundle" -ForegroundColor Green
    exit 0
}
Write-Step "5/5 Inno Setup 生成安装程序"
if (-not $Iscc) {
    $found = Get-Command "ISCC.exe" -ErrorAction SilentlyContinue
    $candidates = @()
    if ($found) { $candidates += $found.Path }
    foreach ($base in @(${env:ProgramFiles(x86)}, $env:ProgramFiles, (Join-Path $env:LOCALAPPDATA "Programs"))) {
        if ($base) { $candidates += (Join-Path $base "Inno Setup 6\ISCC.exe") }
    }
    $Iscc = $candidates | Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $Iscc) {
        Stop-Build "没有找到 Inno Setup 6 的 ISCC.exe。请从 https://jrsoftware.org/isdl.php 安装 Inno Setup 6，或用 -Iscc 指定路径。"
    }
}
Write-Host "ISCC：$Iscc"
$isccDir = Split-Path -Parent $Iscc
$chinese = @((Join-Path $isccDir "Languages\ChineseSimplified.isl"),
             (Join-Path $isccDir "Languages\Unofficial\ChineseSimplified.isl"),
             (Join-Path $PSScriptRoot "ChineseSimplified.isl")) | Where-Object { Test-Path $_ } | Select-Object -First 1
if (-not $chinese) {
    Write-Host ("警告：找不到简体中文语言文件 ChineseSimplified.isl，安装向导将显示英文。" +
        "可从 https://jrsoftware.org/files/istrans/ 下载，保存为 installer\ChineseSimplified.isl 后重新构建。") `
        -ForegroundColor Yellow
}
Invoke-Native "Inno Setup 编译" $Iscc @("/DAppVersion=$Version", (Join-Path $PSScriptRoot "setup.iss"))

$Setup = Join-Path $Root ("dist\installer\执法质量台账安装程序-{0}.exe" -f $Version)
if (-not (Test-Path $Setup)) { Stop-Build "没有找到生成的安装程序 $Setup。" }
$minutes = ((Get-Date) - $started).TotalMinutes
Write-Host ""
Write-Host ("完成：{0}（{1:N1} MB），共用时 {2:N1} 分钟。" -f $Setup, ((Get-Item $Setup).Length / 1MB), $minutes) `
    -ForegroundColor Green
Write-Host "把这个文件拷到办公电脑上双击即可安装（不需要管理员权限，也不需要联网）。"
