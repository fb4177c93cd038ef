"""Generated files name the program and its version (desktop_app.__version__) in their document properties."""
from __future__ import annotations

from desktop_app import APP_NAME, __version__


def test_docx_properties_carry_the_version(tmp_path):
    from docx import Document

    from desktop_app.core import docx_style as ds

    doc = ds.new_document(ds.DocFonts())
    ds.add_title(doc, "测试文件", ds.DocFonts())
    path = tmp_path / "t.docx"
    doc.save(str(path))
    properties = Document(str(path)).core_properties
    assert properties.author == f"{APP_NAME} {__version__}"
    assert properties.last_modified_by == f"{APP_NAME} {__version__}"
    assert __version__ in properties.comments
    assert properties.created.year >= 2024  # not python-docx's template date (2013)


def test_xlsx_creator_carries_the_version(tmp_path):
    from openpyxl import load_workbook

    from desktop_app.core import xlsx_style as xs

    book = xs.new_workbook("表")
    path = xs.save_workbook(book, tmp_path / "t.xlsx")
    assert load_workbook(path).properties.creator == f"{APP_NAME} {__version__}"
