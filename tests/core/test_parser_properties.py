"""Properties of the pasted-list parser (`preview_from_text`), checked with hypothesis against the demo
county: whatever is pasted it fails only with a message for the clerk and never writes; valid names and
credit codes come through exactly; and what the preview calls new is exactly what the commit can add.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from desktop_app.core.credit_code import CHARSET, make_credit_code
from desktop_app.core.db import db
from desktop_app.core.errors import AppError
from desktop_app.core.models import Unit
from desktop_app.core.name_index import build_index
from desktop_app.core.text_norm import match_key
from desktop_app.core.unit_bulk import HEADERS, KIND_WORDS, commit_preview, preview_from_text
from desktop_app.core.units import UnitInput, create_unit, retire_unit

hsettings = settings(deadline=None, max_examples=60,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)

# Pasted text as clerks produce it and worse: tabs, CR/LF, full-width and odd spaces, header and kind
# words, separators, code characters, control characters and anything else hypothesis likes.
_WORDS = [w for words in HEADERS.values() for w in words] + [w for ws in KIND_WORDS.values() for w in ws] + [
    "司法局", "红寺堡区", "各乡镇〔街道〕", "12640303456789126L", "12640303456789126M", "、", "，", "；", "/",
    "\t", "\t\t", "\n", "\r\n", "\r", "\u3000", "\u2028", "\x85", "\x00", " ", "（", "）", "等", "ＡＢ１２"]
_PIECES = st.one_of(st.sampled_from(_WORDS), st.text(max_size=8), st.text(CJK, max_size=6),
                    st.text(alphabet=CHARSET + "IOSVZ-abc ", min_size=15, max_size=20))
PASTED = st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=40).map("".join))


def register_keys() -> set[str]:
    return set(build_index())


def total_changes() -> int:
    return db.execute_sql("SELECT total_changes()").fetchone()[0]


def table_counts() -> dict[str, int]:
    tables = [r[0] for r in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchall()]
    return {t: db.execute_sql(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@hsettings
@given(text=PASTED)
@example(text="单位名称\t类别\n\t\t\t\t\t\t\t\t")
@example(text="司法局\t不存在的类别\t\t\t、、，\t不存在的分组")
@example(text="\x00\r\n\u2028红寺堡区\t\t\tIOSVZ")
def test_any_pasted_text_gives_a_preview_or_an_app_error_and_never_writes(demo_session, text):
    before, changes = table_counts(), total_changes()
    try:
        preview = preview_from_text(text)
    except AppError:
        pass
    else:
        for row in preview.rows:
            assert row.line >= 1
            assert all(isinstance(message, str) and message for message in row.errors)
            assert not (row.ok and not row.data.name), row
    assert total_changes() == changes, "a preview wrote to the database"
    assert table_counts() == before


UNIT_NAMES = st.lists(st.text(CJK, min_size=1, max_size=20).map(lambda body: body + "局"),
                      min_size=1, max_size=15, unique_by=match_key)


@hsettings
@given(names=UNIT_NAMES)
def test_valid_unit_names_round_trip(demo_session, names):
    taken = register_keys()
    names = [n for n in names if match_key(n) not in taken]
    units, changes = Unit.select().count(), total_changes()
    preview = preview_from_text("\n".join(names))
    assert [row.data.name for row in preview.rows] == names
    assert [row.line for row in preview.rows] == list(range(1, len(names) + 1))
    for row in preview.rows:
        assert row.ok, (row.data.name, row.errors, row.skip_reason)
        assert row.data.kind == ("justice" if row.data.name.endswith("司法局") else "enforcement")
    assert (preview.new_count, preview.error_count) == (len(names), 0)
    assert Unit.select().count() == units and total_changes() == changes


def _present(code: str, style: str) -> str:
    """The code as clerks paste it: as is, lower case, in groups with spaces, or in full-width letters."""
    if style == "lower":
        return code.lower()
    if style == "spaced":
        return " ".join(code[i:i + 6] for i in range(0, 18, 6))
    if style == "full-width":
        return "".join(chr(ord(c) + 0xFEE0) for c in code)
    return code


CODED_ROWS = st.lists(
    st.tuples(st.text(CJK, min_size=2, max_size=12).map(lambda body: body + "监督所"),
              st.text(alphabet=CHARSET, min_size=17, max_size=17).map(make_credit_code),
              st.sampled_from(["plain", "lower", "spaced", "full-width"])),
    min_size=1, max_size=10, unique_by=(lambda r: match_key(r[0]), lambda r: r[1]))


@hsettings
@given(rows=CODED_ROWS)
def test_tab_separated_rows_with_valid_credit_codes_validate(demo_session, rows):
    taken = register_keys()
    codes = {c for (c,) in Unit.select(Unit.credit_code).where(Unit.credit_code.is_null(False)).tuples()}
    rows = [r for r in rows if match_key(r[0]) not in taken and r[1] not in codes]
    text = "\n".join(f"{name}\t\t\t{_present(code, style)}" for name, code, style in rows)
    preview = preview_from_text(text)
    assert len(preview.rows) == len(rows)
    for row, (name, code, _style) in zip(preview.rows, rows):
        assert row.ok, (name, code, row.errors, row.skip_reason)
        assert (row.data.name, row.data.credit_code, row.data.kind) == (name, code, "enforcement")
    assert (preview.new_count, preview.error_count) == (len(rows), 0)


def commit_and_roll_back(preview) -> int:
    """commit_preview for real (its own safety backup and transaction), inside an outer transaction that
    is rolled back, so every example starts from the same register."""
    with db.atomic() as outer:
        try:
            return commit_preview(preview, skip_invalid=True)
        finally:
            outer.rollback()


def assert_commit_adds_what_the_preview_promised(preview) -> None:
    units = Unit.select().count()
    promised = [row.data.name for row in preview.rows if row.ok]
    try:
        added = commit_and_roll_back(preview)
    except AppError as exc:
        pytest.fail(f"the preview called {len(promised)} rows new without error, "
                    f"but the commit refused the whole import: {exc}")
    assert added == len(promised)
    assert Unit.select().count() == units  # rolled back


# rows of (name, short name, aliases) mixing fresh names with names the demo register already uses
_REGISTER_NAMES = st.sampled_from(["司法局", "审计局", "区政府", "编办", "人社局", "各乡镇", "红寺堡区教育局"])
_FRESH = st.text(CJK, min_size=1, max_size=3)
_NAME = st.one_of(st.text(CJK, min_size=1, max_size=110), _REGISTER_NAMES).map(lambda n: n + "局")
BULK_ROWS = st.lists(st.tuples(_NAME, st.one_of(st.just(""), _FRESH, _REGISTER_NAMES),
                               st.lists(st.one_of(_FRESH, _REGISTER_NAMES), max_size=3)),
                     min_size=1, max_size=8)


@hsettings
@given(rows=BULK_ROWS)
@example(rows=[("测" * 100 + "局", "", [])])  # 101 characters: the commit refuses names over 100
def test_what_the_preview_calls_new_the_commit_adds(demo_session, rows):
    text = "\n".join(f"{name}\t\t{short}\t\t{'、'.join(aliases)}" for name, short, aliases in rows)
    assert_commit_adds_what_the_preview_promised(preview_from_text(text))


def test_alias_of_a_retired_unit_is_caught_by_the_preview(demo_session):
    """Aliases stay reserved after their unit is retired (the commit refuses them), so the preview must
    flag such a row instead of calling it new."""
    retired = create_unit(UnitInput("红寺堡区临时指挥部", "other", aliases=["临时办"]))
    retire_unit(retired.id)
    preview = preview_from_text("红寺堡区应急指挥中心\t\t\t\t临时办")
    assert_commit_adds_what_the_preview_promised(preview)
