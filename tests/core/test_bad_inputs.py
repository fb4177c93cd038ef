"""The corpus of bad inputs (tests/bad_inputs, see its README): every file gets a clear Chinese message
that names it, as an AppError and never as another exception, nothing is written, and it is quick."""
from __future__ import annotations

import importlib.util
import io
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core import file_checks
from desktop_app.core.docx_reader import read_docx_paragraphs, read_docx_tables
from desktop_app.core.errors import AppError
from desktop_app.core.file_checks import OLE2_MAGIC, ZIP_MAGIC
from desktop_app.core.models import Unit
from desktop_app.core.tabular import read_xlsx_rows
from desktop_app.core.unit_bulk import commit_preview, preview_from_xlsx

CORPUS = Path(__file__).resolve().parent.parent / "bad_inputs"
TIME_LIMIT = 5.0  # seconds per file; each takes well under half a second here

_spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
make_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_corpus)

# file → phrases its message must contain, for the unit importer (.xlsx reader) and the .docx reader
XLSX_EXPECTED = {
    "truncated.xlsx": ["不完整或已损坏"],
    "truncated.docx": ["不完整或已损坏"],
    "encrypted.xlsx": ["已加密（设置了打开密码）", "另存为", ".xlsx"],
    "old_format.xls": ["旧版 Excel/WPS", "另存为", ".xlsx"],
    "wps.et": ["旧版 Excel/WPS", "另存为", ".xlsx"],
    "csv_renamed.xlsx": ["不是有效的 .xlsx 文件", "文本/CSV 文件", "另存为"],
    "empty_sheet.xlsx": ["工作表是空的"],
    "blank_formatted_100k.xlsx": ["工作表是空的"],
    "huge_cell.xlsx": ["第 2 行 C 列的内容过长（超过 32767 个字符）"],
    "zip_bomb.docx": ["异常庞大", "拒绝读取"],
    "not_a_zip.docx": ["不是有效的 .xlsx 文件", "无法识别"],
    "tasks.docx": ["是 Word 文档", "不是 Excel 工作簿"],
}
DOCX_EXPECTED = {
    "truncated.docx": ["不完整或已损坏", ".docx"],
    "truncated.xlsx": ["不完整或已损坏"],
    "zip_bomb.docx": ["异常庞大", "拒绝读取"],
    "not_a_zip.docx": ["不是有效的 .docx 文件", "无法识别"],
    "encrypted.xlsx": ["已加密（设置了打开密码）", ".docx"],
    "old_format.xls": ["旧版 Excel/WPS 表格", "不是 Word 文档"],
    "wps.et": ["旧版 Excel/WPS 表格", "不是 Word 文档"],
    "csv_renamed.xlsx": ["文本/CSV 文件", ".docx"],
    "units.xlsx": ["是 Excel 工作簿", "不是 Word 文档"],
    "empty_sheet.xlsx": ["是 Excel 工作簿"],
    "blank_formatted_100k.xlsx": ["是 Excel 工作簿"],
    "huge_cell.xlsx": ["是 Excel 工作簿"],
    "absurd_dates.xlsx": ["是 Excel 工作簿"],
    "ids_as_floats.xlsx": ["是 Excel 工作簿"],
}
# Read successfully by the .xlsx reader; what the unit importer does with them is tested below.
XLSX_READABLE = {"units.xlsx", "absurd_dates.xlsx", "ids_as_floats.xlsx"}
DOCX_READABLE = {"tasks.docx"}


def corpus_files() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.suffix not in (".py", ".md") and p.is_file())


def unit_count() -> int:
    return Unit.select().count()


def app_error(call, *args) -> tuple[AppError, float]:
    """Run `call(*args)`, which must raise AppError (any other exception fails the test)."""
    start = time.perf_counter()
    with pytest.raises(AppError) as excinfo:
        call(*args)
    return excinfo.value, time.perf_counter() - start


def test_the_corpus_is_complete_and_small():
    names = set(corpus_files())
    assert names == set(XLSX_EXPECTED) | set(DOCX_EXPECTED) | XLSX_READABLE | DOCX_READABLE
    assert "README.md" in {p.name for p in CORPUS.iterdir()}
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert all(name in readme for name in names), "every corpus file is described in README.md"
    assert sum((CORPUS / n).stat().st_size for n in names) < 3 * 1024 * 1024


def test_every_corpus_file_has_a_case():
    for name in corpus_files():
        assert name in XLSX_EXPECTED or name in XLSX_READABLE, name
        assert name in DOCX_EXPECTED or name in DOCX_READABLE, name


@pytest.mark.parametrize("name", sorted(XLSX_EXPECTED))
def test_unit_importer_refuses_bad_file(demo_session, name):
    before = unit_count()
    error, seconds = app_error(preview_from_xlsx, CORPUS / name)
    message = str(error)
    assert name in message, message
    for phrase in XLSX_EXPECTED[name]:
        assert phrase in message, f"{phrase!r} not in {message!r}"
    assert "Traceback" not in message
    assert unit_count() == before
    assert seconds < TIME_LIMIT, f"{name}: {seconds:.1f} s"


@pytest.mark.parametrize("name", sorted(DOCX_EXPECTED))
def test_docx_reader_refuses_bad_file(name):
    for read in (read_docx_paragraphs, read_docx_tables):
        error, seconds = app_error(read, CORPUS / name)
        message = str(error)
        assert name in message, message
        for phrase in DOCX_EXPECTED[name]:
            assert phrase in message, f"{phrase!r} not in {message!r}"
        assert seconds < TIME_LIMIT, f"{name}: {seconds:.1f} s"


def test_zip_bomb_is_refused_without_inflating_it(monkeypatch):
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    for read in (read_docx_paragraphs, read_xlsx_rows):
        error, seconds = app_error(read, CORPUS / "zip_bomb.docx")
        assert "约 299 MB" in str(error)
        assert seconds < 1.0
    assert opened == []


def test_good_control_file_imports(demo_session):
    before = unit_count()
    preview = preview_from_xlsx(CORPUS / "units.xlsx")
    assert [r.data.name for r in preview.rows if r.ok] == [u[0] for u in make_corpus.GOOD_UNITS]
    assert commit_preview(preview) == len(make_corpus.GOOD_UNITS)
    assert unit_count() == before + len(make_corpus.GOOD_UNITS)
    unit = Unit.get(Unit.name == "测试县城关镇人民政府")
    assert (unit.kind, unit.short_name) == ("township", "城关镇")


def test_ids_stored_as_numbers_are_caught_and_nothing_is_written(demo_session):
    before = unit_count()
    preview = preview_from_xlsx(CORPUS / "ids_as_floats.xlsx")
    assert preview.error_count == 3 and preview.new_count == 0
    for row in preview.rows:
        assert len(row.errors) == 1
        assert f"“ids_as_floats.xlsx”第 {row.line} 行 D 列" in row.errors[0]
        assert "E+17" in row.errors[0]  # shown as Excel shows the rounded number, never as 18 digits
    with pytest.raises(AppError) as excinfo:
        commit_preview(preview)
    assert "3 行存在错误" in str(excinfo.value)
    assert unit_count() == before
    rows = read_xlsx_rows(CORPUS / "ids_as_floats.xlsx")
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"]  # 序号 1.0 → “1”
    assert [r[3] for r in rows[1:]] == ["1.16403E+17", "1.16403E+17", "9.16403007123457E+17"]


def test_absurd_dates_are_read_as_text_and_import_nothing_wrong(demo_session):
    """The unit importer has no date column: it must take the names and kinds and nothing else."""
    rows = read_xlsx_rows(CORPUS / "absurd_dates.xlsx")
    dates = [r[2] for r in rows[1:]]
    assert dates[:2] == ["2024年13月", "0000-00-00"]
    assert all(isinstance(d, str) and d for d in dates)  # out-of-range serials do not crash the reader
    preview = preview_from_xlsx(CORPUS / "absurd_dates.xlsx")
    assert preview.error_count == 0 and preview.new_count == 5
    for row in preview.rows:
        fields = [row.data.name, row.data.short_name, row.data.credit_code or "", *row.data.aliases, *row.groups]
        assert not any(d in f for d in dates for f in fields if f)
    before = unit_count()
    assert commit_preview(preview) == 5
    assert unit_count() == before + 5
    assert Unit.get(Unit.name == "测试县审计局").kind == "enforcement"


def test_absurd_dates_get_a_message_from_the_date_parser():
    from desktop_app.core.dates import parse_date

    rows = read_xlsx_rows(CORPUS / "absurd_dates.xlsx")
    for text in (r[2] for r in rows[1:]):
        with pytest.raises(AppError) as excinfo:
            parse_date(text, field="成立日期")
        assert "成立日期" in str(excinfo.value)


def test_every_corpus_file_through_both_readers_gives_app_error_or_rows():
    """Whatever the extension, each reader either reads a file or refuses it with a message naming it."""
    for name in corpus_files():
        for read, readable in ((read_xlsx_rows, XLSX_READABLE), (read_docx_paragraphs, DOCX_READABLE)):
            if name in readable:
                assert isinstance(read(CORPUS / name), list)
                continue
            try:
                result = read(CORPUS / name)
            except AppError as exc:
                assert name in str(exc)
            else:  # only an empty or blank sheet reads as no rows
                assert read is read_xlsx_rows and result == [], (name, result)


# ---------------------------------------------------------------------- .xlsx: content, not extension

@pytest.mark.parametrize("suffix", [".xls", ".et", ".XLSX", ""])
def test_a_real_workbook_is_read_whatever_its_extension(tmp_path, suffix):
    path = tmp_path / f"单位名单{suffix}"
    shutil.copy(CORPUS / "units.xlsx", path)
    assert read_xlsx_rows(path)[1] == list(make_corpus.GOOD_UNITS[0])


def test_unrecognised_ole2_file_gets_the_combined_message(tmp_path):
    path = tmp_path / "来历不明.xlsx"
    path.write_bytes(OLE2_MAGIC + b"\x00" * 2048)  # no readable directory
    message = str(app_error(read_xlsx_rows, path)[0])
    assert "来历不明.xlsx" in message
    assert "已加密（设置了打开密码）或是旧版 Excel/WPS 格式" in message and "另存为 .xlsx" in message


def test_old_word_document(tmp_path):
    path = tmp_path / "任务清单.doc"
    make_corpus.write_ole2(path, [("WordDocument", b"\xec\xa5" + b"\x00" * 100)])
    message = str(app_error(read_docx_paragraphs, path)[0])
    assert "任务清单.doc" in message and "旧版 Word/WPS 文档" in message and "另存为” .docx" in message
    message = str(app_error(read_xlsx_rows, path)[0])
    assert "不是 Excel 工作簿" in message


@pytest.mark.parametrize(("content", "phrase"), [
    (b"", "空文件"),
    ("<html><body><table><tr><td>单位名称</td></tr></table></body></html>".encode(), "网页（HTML）文件"),
    (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "Excel 2003 XML"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF 文件"),
    ("\ufeff单位名称,类别\n".encode("utf-8"), "文本/CSV 文件"),
    ("单位名称\t类别\n".encode("utf-16"), "文本/CSV 文件"),
])
def test_files_that_are_not_workbooks(tmp_path, content, phrase):
    path = tmp_path / "导出.xlsx"
    path.write_bytes(content)
    message = str(app_error(read_xlsx_rows, path)[0])
    assert "导出.xlsx" in message and phrase in message, message


def test_missing_file_and_folder(tmp_path):
    assert "找不到文件“没有.xlsx”" in str(app_error(read_xlsx_rows, tmp_path / "没有.xlsx")[0])
    (tmp_path / "文件夹.xlsx").mkdir()
    assert "文件夹" in str(app_error(read_xlsx_rows, tmp_path / "文件夹.xlsx")[0])


def test_other_zips(tmp_path):
    inner = tmp_path / "打包.xlsx"
    with zipfile.ZipFile(inner, "w") as archive:
        archive.write(CORPUS / "units.xlsx", "名单/单位名单.xlsx")
    assert "请先解压" in str(app_error(read_xlsx_rows, inner)[0])
    ods = tmp_path / "表格.xlsx"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    assert "OpenDocument 表格（.ods）" in str(app_error(read_xlsx_rows, ods)[0])
    parts_missing = tmp_path / "缺部件.xlsx"
    with zipfile.ZipFile(parts_missing, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    assert "不完整或已损坏（缺少必要的组成部分）" in str(app_error(read_xlsx_rows, parts_missing)[0])
    locked = tmp_path / "加密压缩.xlsx"
    data = bytearray((CORPUS / "units.xlsx").read_bytes())
    position = data.find(b"PK\x01\x02")
    while position >= 0:  # the “encrypted” flag in every central directory entry, which zipfile reads
        data[position + 8] |= 1
        position = data.find(b"PK\x01\x02", position + 4)
    locked.write_bytes(bytes(data))
    assert "已加密" in str(app_error(read_xlsx_rows, locked)[0])


def test_many_members_and_large_totals_are_refused(tmp_path, monkeypatch):
    many = tmp_path / "很多.xlsx"
    with zipfile.ZipFile(many, "w") as archive:
        for i in range(10_001):
            archive.writestr(f"xl/{i}.xml", "")
    assert "10001 个内部文件" in str(app_error(read_xlsx_rows, many)[0])
    big = tmp_path / "很大.xlsx"
    monkeypatch.setattr(file_checks, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive:  # 3 × 1 MB, each only 70:1
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(3):
            archive.writestr(f"xl/media/{i}.bin", bytes(range(70)) * (1024 * 1024 // 70))
    message = str(app_error(read_xlsx_rows, big)[0])
    assert "很大.xlsx" in message and "异常庞大" in message and "超过 2 MB" in message


# ------------------------------------------------------------------------ .xlsx: rows, cells, numbers

def test_data_then_100k_blank_formatted_rows_is_fast(tmp_path):
    path = tmp_path / "单位名单.xlsx"
    make_corpus.write_raw_xlsx(path, [["单位名称", "类别"], ["测试县档案局", "部门"]], blank_rows=100_000)
    start = time.perf_counter()
    rows = read_xlsx_rows(path)
    assert time.perf_counter() - start < 2.0
    assert rows == [["单位名称", "类别"], ["测试县档案局", "部门"]]


def test_data_after_a_long_blank_gap_is_not_lost(tmp_path):
    path = tmp_path / "有空行.xlsx"
    data = [["单位名称"], ["甲单位"]] + [[]] * 2500 + [["乙单位"]]
    make_corpus.write_raw_xlsx(path, data, blank_rows=50_000, shared_strings=True)
    rows = read_xlsx_rows(path)
    assert len(rows) == 2503 and rows[1] == ["甲单位"] and rows[2502] == ["乙单位"]
    assert not any(any(r) for r in rows[2:2502])


def test_a_false_dimension_does_not_pad_rows(tmp_path):
    path = tmp_path / "尺寸.xlsx"
    make_corpus.write_raw_xlsx(path, [["单位名称"], ["甲单位"]], dimension="A1:XFD1048576")
    start = time.perf_counter()
    assert read_xlsx_rows(path) == [["单位名称"], ["甲单位"]]
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("shared", [False, True])
def test_cell_at_the_limit_is_read_one_over_is_refused(tmp_path, shared):
    path = tmp_path / "长.xlsx"
    make_corpus.write_raw_xlsx(path, [["单位名称", "备注"], ["甲单位", "字" * 32_767]], shared_strings=shared)
    assert len(read_xlsx_rows(path)[1][1]) == 32_767
    make_corpus.write_raw_xlsx(path, [["单位名称", "备注"], ["甲单位"], ["乙单位", "字" * 32_768]],
                               shared_strings=shared)
    message = str(app_error(read_xlsx_rows, path)[0])
    assert "“长.xlsx”第 3 行 B 列的内容过长（超过 32767 个字符）" in message


def test_cell_text_shows_numbers_as_excel_does():
    from desktop_app.core.tabular import cell_text

    assert cell_text(3.0) == "3"
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(640303198503151234.0) == "6.40303198503151E+17"
    assert cell_text(999_999_999_999_999.0) == "999999999999999"
    assert cell_text(640303198503151234) == "640303198503151234"  # an int read from the file is exact
    assert cell_text(-2.5) == "-2.5"


# ------------------------------------------------------------------------------------------- .docx

def test_good_docx_paragraphs_and_tables():
    paragraphs = read_docx_paragraphs(CORPUS / "tasks.docx")
    assert paragraphs[:2] == ["2024年法治政府建设重点任务", "一、完善行政执法程序（牵头单位：测试县司法局）"]
    assert paragraphs[-1] == "二、加强执法监督。"
    assert "规范执法文书" in paragraphs  # table cells are paragraphs too, in order
    assert paragraphs.index("规范执法文书") < paragraphs.index("二、加强执法监督。")
    assert read_docx_tables(CORPUS / "tasks.docx") == [[
        ["序号", "任务", "责任单位"],
        ["1", "规范执法文书", "测试县司法局"],
        ["2", "开展案卷评查", "测试县司法局"],  # merged downwards: each row gets the text
    ]]


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def write_docx(path: Path, body: str) -> None:
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W} {MC}>'
                f"<w:body>{body}</w:body></w:document>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", make_corpus._CONTENT_TYPES_DOCX)
        archive.writestr("_rels/.rels", make_corpus._ROOT_RELS_DOCX)
        archive.writestr("word/document.xml", document)


def test_docx_text_as_word_shows_it(tmp_path):
    path = tmp_path / "清单.docx"
    write_docx(path, (
        # one paragraph in many runs, a hyperlink, a tracked insertion and deletion, a field
        '<w:p><w:r><w:t>一、</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">规范 </w:t></w:r>'
        '<w:hyperlink><w:r><w:t>执法</w:t></w:r></w:hyperlink><w:ins><w:r><w:t>程序</w:t></w:r></w:ins>'
        '<w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:tab/><w:t>完</w:t><w:br/><w:t>成</w:t></w:r></w:p>'
        # a text box, as Word writes it: once in mc:Choice and again in mc:Fallback
        '<w:p><w:r><w:t>见框内</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<w:txbxContent><w:p><w:r><w:t>框内文字</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>'
        '<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>框内文字</w:t></w:r></w:p></w:txbxContent></w:pict>'
        '</mc:Fallback></mc:AlternateContent></w:r></w:p>'
        # a content control around a paragraph, an empty paragraph
        '<w:sdt><w:sdtContent><w:p><w:r><w:t>控件中的段落</w:t></w:r></w:p></w:sdtContent></w:sdt><w:p/>'
        # a table: a row starting one column late, a cell spanning two columns, a nested table
        '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>B</w:t></w:r></w:p>'
        '</w:tc><w:tc><w:p><w:r><w:t>C</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>'
        '<w:p><w:r><w:t>跨两列</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内层</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc>'
        '<w:tc><w:tcPr><w:gridSpan w:val="999999999"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>'
    ))
    assert read_docx_paragraphs(path) == [
        "一、规范 执法程序1\t完\n成", "见框内", "框内文字", "控件中的段落", "",
        "A", "B", "C", "跨两列", "内层", "", "",
    ]
    [table] = read_docx_tables(path)
    assert table[0] == ["A", "B", "C"] + [""] * 62
    assert table[1][:3] == ["", "跨两列", "跨两列"]
    assert table[2][0] == "内层" and len(table[2]) == 65  # gridSpan is capped, not trusted


def test_docx_that_is_not_a_plain_document(tmp_path):
    path = tmp_path / "模板.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", make_corpus._CONTENT_TYPES_DOCX.replace(
            "wordprocessingml.document.main+xml", "wordprocessingml.template.main+xml"))
        archive.writestr("_rels/.rels", make_corpus._ROOT_RELS_DOCX)
        archive.writestr("word/document.xml", f"<w:document {W}><w:body/></w:document>")
    message = str(app_error(read_docx_paragraphs, path)[0])
    assert "模板.docx" in message and "不是普通的 Word 文档" in message


def test_docx_with_broken_xml(tmp_path):
    path = tmp_path / "坏.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", make_corpus._CONTENT_TYPES_DOCX)
        archive.writestr("_rels/.rels", make_corpus._ROOT_RELS_DOCX)
        archive.writestr("word/document.xml", f"<w:document {W}><w:body><w:p>")
    message = str(app_error(read_docx_paragraphs, path)[0])
    assert "坏.docx" in message and "不完整或已损坏" in message


# --------------------------------------------------------------------------------------- hypothesis

def _read_bytes(read, suffix: str, data: bytes):
    """Write `data` to a fresh file and read it: the result must be a list, or an AppError is raised."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"随机{suffix}"
        path.write_bytes(data)
        try:
            result = read(path)
        except AppError as exc:
            assert path.name in str(exc)
            return None
        assert isinstance(result, list)
        return result


PREFIXES = st.sampled_from([b"", ZIP_MAGIC, OLE2_MAGIC, b"PK\x05\x06", "单位名称,".encode("gbk"), b"\xef\xbb\xbf"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=PREFIXES, data=st.binary(max_size=4096))
def test_xlsx_reader_on_arbitrary_bytes_raises_only_app_error(prefix, data):
    result = _read_bytes(read_xlsx_rows, ".xlsx", prefix + data)
    assert result is None or all(isinstance(c, str) for r in result for c in r)


def _mutations(original: bytes):
    return st.tuples(
        st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)), min_size=1, max_size=8),
        st.one_of(st.none(), st.integers(0, len(original))),
    )


UNITS_BYTES = (CORPUS / "units.xlsx").read_bytes()
TASKS_BYTES = (CORPUS / "tasks.docx").read_bytes()


def _mutate(original: bytes, mutation) -> bytes:
    changes, cut = mutation
    data = bytearray(original)
    for offset, value in changes:
        data[offset] = value
    return bytes(data[:cut] if cut is not None else data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutation=_mutations(UNITS_BYTES))
def test_xlsx_reader_on_damaged_workbooks_raises_only_app_error(mutation):
    _read_bytes(read_xlsx_rows, ".xlsx", _mutate(UNITS_BYTES, mutation))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutation=_mutations(TASKS_BYTES))
def test_docx_reader_on_damaged_documents_raises_only_app_error(mutation):
    data = _mutate(TASKS_BYTES, mutation)
    _read_bytes(read_docx_paragraphs, ".docx", data)
    _read_bytes(read_docx_tables, ".docx", data)


@settings(max_examples=150, deadline=None)
@given(prefix=PREFIXES, data=st.binary(max_size=2048))
def test_docx_reader_on_arbitrary_bytes_raises_only_app_error(prefix, data):
    _read_bytes(read_docx_paragraphs, ".docx", prefix + data)


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info.filename)) for info in archive.infolist()]


XML_TOKENS = [b"<", b">", b"/", b'"', b"&", b"&#0;", b"\x00", b"\xff", b'r="A1"', b'r="XFD1048576"',
              b'<row r="1048576">', b"<v>1e400</v>", b"<v>99999999999</v>", b't="s"', b't="d"', b't="e"',
              b's="999"', b'<!DOCTYPE x [<!ENTITY a "aaaa">]>', b'w:val="99999"', b'w:val="-5"', b"<w:vMerge/>",
              b"<w:tbl><w:tr><w:tc>", b"</w:tc></w:tr></w:tbl>"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from([".xlsx", ".docx"]), data=st.data())
def test_readers_on_damaged_xml_inside_a_sound_zip_raise_only_app_error(which, data):
    """Mutations of the XML inside a zip that is itself intact reach openpyxl/python-docx and lxml."""
    members = _members(UNITS_BYTES if which == ".xlsx" else TASKS_BYTES)
    xml_members = [i for i, (name, _) in enumerate(members) if name.endswith((".xml", ".rels"))]
    for _ in range(data.draw(st.integers(1, 3))):
        index = data.draw(st.sampled_from(xml_members))
        name, content = members[index]
        start = data.draw(st.integers(0, len(content)))
        end = data.draw(st.integers(start, min(len(content), start + 40)))
        token = data.draw(st.one_of(st.sampled_from(XML_TOKENS), st.binary(max_size=6)))
        members[index] = (name, content[:start] + token + content[end:])
    if data.draw(st.booleans()):
        members.pop(data.draw(st.integers(0, len(members) - 1)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    readers = [read_xlsx_rows] if which == ".xlsx" else [read_docx_paragraphs, read_docx_tables]
    for read in readers:
        _read_bytes(read, which, buffer.getvalue())
