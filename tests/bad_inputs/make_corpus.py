"""Regenerate the corpus of bad (and two good) input files in this folder.

    python tests/bad_inputs/make_corpus.py

Deterministic: running it again gives the same content (zip timestamps are fixed). What each file
is and the message it must get are listed in README.md; tests/core/test_bad_inputs.py checks them.
Only openpyxl, python-docx and the standard library are used; the password-protected workbook is a
hand-built OLE2 compound file, which is what Excel writes for an encrypted .xlsx (real encryption
would need a library we do not ship).
"""
from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED_TIME = (2024, 6, 15, 9, 30, 0)

GOOD_UNITS = [  # (单位名称, 类别, 简称) for units.xlsx, the control that must import
    ("测试县档案局", "行政执法部门", "档案局"),
    ("测试县供销合作社联合社", "其他", "供销社"),
    ("测试县城关镇人民政府", "乡镇/街道", "城关镇"),
]

# ------------------------------------------------------------------------------ raw .xlsx / .docx

_CONTENT_TYPES_XLSX = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>')
_ROOT_RELS_XLSX = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'styles" Target="styles.xml"/></Relationships>')
_STYLES = (  # style 1: yellow fill and thin borders, as a clerk formats a whole block of rows
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/></patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/>'
    '</border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="2" borderId="1" xfId="0" applyFill="1" applyBorder="1"/></cellXfs>'
    '</styleSheet>')


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _zip_write(archive: zipfile.ZipFile, name: str, data: bytes | str) -> None:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data, compresslevel=9)


def write_raw_xlsx(path: Path, data_rows: list[list[str]], blank_rows: int = 0,
                   dimension: str | None = None, shared_strings: bool = False) -> None:
    """An .xlsx written by hand, the way Excel saves a sheet whose clerk formatted rows far below the
    data: `data_rows` from row 1 (inline strings, or in sharedStrings.xml as Excel does), then
    `blank_rows` rows that carry a fill and borders (row style and two styled cells) but no value.
    Fast enough to use inside a test, and unlike openpyxl it does not cut text at 32,767 characters."""
    strings: list[str] = []

    def cell(ref: str, text: str) -> str:
        if shared_strings:
            strings.append(text)
            return f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{_escape(text)}</t></is></c>'

    parts = [('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')]
    last_row = len(data_rows) + blank_rows
    parts.append(f'<dimension ref="{dimension or f"A1:E{max(last_row, 1)}"}"/><sheetData>')
    for number, values in enumerate(data_rows, start=1):
        cells = "".join(cell(f"{chr(65 + i)}{number}", v) for i, v in enumerate(values) if v)
        parts.append(f'<row r="{number}">{cells}</row>')
    for number in range(len(data_rows) + 1, last_row + 1):
        parts.append(f'<row r="{number}" spans="1:5" s="1" customFormat="1">'
                     f'<c r="A{number}" s="1"/><c r="B{number}" s="1"/></row>')
    parts.append("</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w") as archive:
        content_types, workbook_rels = _CONTENT_TYPES_XLSX, _WORKBOOK_RELS
        if shared_strings:
            content_types = content_types.replace("</Types>", (
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
            workbook_rels = workbook_rels.replace("</Relationships>", (
                '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
            items = "".join(f"<si><t>{_escape(text)}</t></si>" for text in strings)
            _zip_write(archive, "xl/sharedStrings.xml", (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
                f'openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
                f'uniqueCount="{len(strings)}">{items}</sst>'))
        _zip_write(archive, "[Content_Types].xml", content_types)
        _zip_write(archive, "_rels/.rels", _ROOT_RELS_XLSX)
        _zip_write(archive, "xl/workbook.xml", _WORKBOOK)
        _zip_write(archive, "xl/_rels/workbook.xml.rels", workbook_rels)
        _zip_write(archive, "xl/styles.xml", _STYLES)
        _zip_write(archive, "xl/worksheets/sheet1.xml", "".join(parts))


_CONTENT_TYPES_DOCX = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>')
_ROOT_RELS_DOCX = _ROOT_RELS_XLSX.replace("xl/workbook.xml", "word/document.xml")


def write_zip_bomb_docx(path: Path, unpacked_mb: int = 300) -> None:
    """A well-formed .docx whose document.xml is `unpacked_mb` MB of one repeated paragraph: it packs
    to well under 1 MB (deflate tops out near 1000:1) and would take python-docx minutes and gigabytes."""
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.'
            b'openxmlformats.org/wordprocessingml/2006/main"><w:body>')
    paragraph = "<w:p><w:r><w:t>重点任务：按时完成。</w:t></w:r></w:p>".encode()
    tail = b"</w:body></w:document>"
    block = paragraph * (1024 * 1024 // len(paragraph))
    with zipfile.ZipFile(path, "w") as archive:
        _zip_write(archive, "[Content_Types].xml", _CONTENT_TYPES_DOCX)
        _zip_write(archive, "_rels/.rels", _ROOT_RELS_DOCX)
        info = zipfile.ZipInfo("word/document.xml", FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as member:
            member.write(head)
            for _ in range(unpacked_mb):
                member.write(block)
            member.write(tail)


# -------------------------------------------------------------------------------- OLE2 (MS-CFB)

FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def write_ole2(path: Path, streams: list[tuple[str, bytes]]) -> None:
    """A minimal but valid compound file (version 3, 512-byte sectors): one FAT sector, one directory
    sector (up to 3 streams), every stream padded to at least 4096 bytes so that none belongs in the
    mini stream. Enough for any reader to list the streams, as Excel/WPS and our checks do."""
    assert 1 <= len(streams) <= 3
    streams = [(name, data + b"\x00" * max(0, 4096 - len(data))) for name, data in streams]
    fat = [FATSECT, ENDOFCHAIN]
    starts = []
    for _, data in streams:
        count = -(-len(data) // 512)
        starts.append(len(fat))
        fat.extend(range(len(fat) + 1, len(fat) + count))
        fat.append(ENDOFCHAIN)
    assert len(fat) <= 128, "streams too large for one FAT sector"
    fat += [FREESECT] * (128 - len(fat))

    def entry(name: str, kind: int, colour: int, left: int, right: int, child: int, start: int,
              size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB3I", len(encoded), kind, colour, left, right, child)
                + b"\x00" * 16 + struct.pack("<I", 0) + b"\x00" * 16 + struct.pack("<IQ", start, size))

    # Directory: root → first stream; the others hang to the right (names ordered by length, then
    # upper-case), black root of the tree, red children: a valid red-black tree for up to 3 entries.
    order = sorted(range(len(streams)), key=lambda i: (len(streams[i][0]), streams[i][0].upper()))
    entries = [entry("Root Entry", 5, 1, NOSTREAM, NOSTREAM, order[len(order) // 2] + 1, ENDOFCHAIN, 0)]
    middle = order[len(order) // 2]
    for index, (name, data) in enumerate(streams):
        left = right = NOSTREAM
        if index == middle:
            left = order[0] + 1 if len(order) > 1 and order[0] != middle else NOSTREAM
            right = order[-1] + 1 if len(order) > 1 and order[-1] != middle else NOSTREAM
        entries.append(entry(name, 2, 1 if index == middle else 0, left, right, NOSTREAM, starts[index],
                             len(data)))
    while len(entries) < 4:
        entries.append(b"\x00" * 64 + struct.pack("<HBB3I", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM) + b"\x00" * 48)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<109I", 0, *([FREESECT] * 108)))
    assert len(header) == 512
    body = struct.pack("<128I", *fat) + b"".join(entries)
    body += b"".join(data + b"\x00" * (-len(data) % 512) for _, data in streams)
    path.write_bytes(header + body)


def _biff_record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _biff8_workbook_stream() -> bytes:
    """The start of a BIFF8 Workbook stream (BOF, CODEPAGE 936 for GBK, EOF), as in any .xls/.et."""
    return (_biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x2775, 0x07CD, 0, 0x0206))
            + _biff_record(0x0042, struct.pack("<H", 936)) + _biff_record(0x000A, b""))


def _encryption_info() -> bytes:
    """Agile encryption (version 4.4), as Excel 2010+ writes for a workbook with an open password."""
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption xmlns="http://schemas.'
           'microsoft.com/office/2006/encryption" xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor'
           '/password"><keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
           'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/>'
           '<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
           '<p:encryptedKey spinCount="100000" saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
           'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"/></keyEncryptor>'
           '</keyEncryptors></encryption>')
    return struct.pack("<HHI", 4, 4, 0x40) + xml.encode("utf-8")


# ------------------------------------------------------------------------------------------ corpus

def _xlsx_bytes(build) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    build(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_times(buffer.getvalue())


def _fixed_times(zip_bytes: bytes) -> bytes:
    """The same zip with fixed timestamps (openpyxl and python-docx stamp the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-06-15T09:30:00Z", data)
            _zip_write(target, info.filename, data)
    return out.getvalue()


def _units_sheet(sheet) -> None:
    sheet.append(["单位名称", "类别", "简称"])
    for row in GOOD_UNITS:
        sheet.append(list(row))


def _absurd_dates_sheet(sheet) -> None:
    sheet.append(["单位名称", "类别", "成立日期", "备注"])
    sheet.append(["测试县审计局", "行政执法部门", "2024年13月", "月份不存在"])
    sheet.append(["测试县统计局", "行政执法部门", "0000-00-00", "全零日期"])
    sheet.append(["测试县医疗保障局", "行政执法部门", 99999999, "日期格式的数字，超出 Excel 日期上限"])
    sheet.append(["测试县人民防空办公室", "其他", -1, "日期格式的负数"])
    sheet.append(["测试县地震局", "其他", 1e308, "日期格式的极大数"])
    for row in range(4, 7):
        sheet.cell(row, 3).number_format = "yyyy-mm-dd"


def _ids_as_floats_sheet(sheet) -> None:
    sheet.append(["序号", "单位名称", "类别", "统一社会信用代码"])
    # Excel keeps 15 significant digits: an 18-digit code typed without a leading ' loses its last three.
    sheet.append([1.0, "测试县水务局", "行政执法部门", 116403000000000000.0])
    sheet.append([2.0, "测试县交通运输局", "行政执法部门", 1.16403E+17])
    sheet.append([3.0, "测试县民政局", "行政执法部门", 916403007123456789.0])


def huge_text(chars: int = 10_000_000) -> str:
    """`chars` characters (10 MB) of a log pasted into one cell by mistake."""
    line = "log line 0000: the whole export was pasted into one cell by mistake\n"
    return (line * (chars // len(line) + 1))[:chars]


def _tasks_docx() -> bytes:
    """A small good task list: a title, a paragraph Word split into many runs, a table with merged
    cells. The control for read_docx_paragraphs / read_docx_tables."""
    import docx

    document = docx.Document()
    document.add_heading("2024年法治政府建设重点任务", level=1)
    paragraph = document.add_paragraph()
    for piece in ("一、", "完善", "行政", "执法", "程序", "（牵头单位：", "测试县司法局", "）"):
        paragraph.add_run(piece).bold = piece.startswith("测试")
    table = document.add_table(rows=3, cols=3)
    for row, values in enumerate([("序号", "任务", "责任单位"), ("1", "规范执法文书", "测试县司法局"),
                                  ("2", "开展案卷评查", "")]):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    table.cell(1, 2).merge(table.cell(2, 2))  # 责任单位 merged downwards over rows 1-2
    document.add_paragraph("二、加强执法监督。")
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_times(buffer.getvalue())


def make_corpus(folder: Path = HERE) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20240615)
    files: dict[str, bytes | None] = {}

    units = _xlsx_bytes(_units_sheet)
    tasks = _tasks_docx()
    files["units.xlsx"] = units
    files["tasks.docx"] = tasks
    files["truncated.xlsx"] = units[: len(units) // 2]
    files["truncated.docx"] = tasks[: len(tasks) // 2]
    files["encrypted.xlsx"] = None
    write_ole2(folder / "encrypted.xlsx", [
        ("EncryptionInfo", _encryption_info()),
        ("EncryptedPackage", struct.pack("<Q", 6144) + rng.randbytes(8184)),
    ])
    files["old_format.xls"] = None
    write_ole2(folder / "old_format.xls", [("Workbook", _biff8_workbook_stream())])
    files["wps.et"] = None
    write_ole2(folder / "wps.et", [("Workbook", _biff8_workbook_stream()),
                                   ("\x05SummaryInformation", b"\xfe\xff\x00\x00")])
    files["csv_renamed.xlsx"] = "单位名称,类别,简称\r\n测试县档案局,行政执法部门,档案局\r\n".encode("gbk")
    files["empty_sheet.xlsx"] = _xlsx_bytes(lambda sheet: None)
    files["blank_formatted_100k.xlsx"] = None
    write_raw_xlsx(folder / "blank_formatted_100k.xlsx", [], blank_rows=100_000)
    files["absurd_dates.xlsx"] = _xlsx_bytes(_absurd_dates_sheet)
    files["ids_as_floats.xlsx"] = _xlsx_bytes(_ids_as_floats_sheet)
    files["huge_cell.xlsx"] = None  # openpyxl would cut the text to 32,767 characters
    write_raw_xlsx(folder / "huge_cell.xlsx", [["单位名称", "类别", "备注"], ["测试县商务局", "行政执法部门", huge_text()]],
                   shared_strings=True)
    files["zip_bomb.docx"] = None
    write_zip_bomb_docx(folder / "zip_bomb.docx")
    files["not_a_zip.docx"] = b"\x89PNG\r\n\x1a\n" + rng.randbytes(2040)  # a picture renamed .docx
    for name, data in files.items():
        if data is not None:
            (folder / name).write_bytes(data)
    return {name: (folder / name).stat().st_size for name in files}


if __name__ == "__main__":
    sizes = make_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    for name, size in sizes.items():
        print(f"{size:>10,}  {name}")
    print(f"{sum(sizes.values()):>10,}  total")
