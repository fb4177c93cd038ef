"""公民身份号码 (GB 11643): the clerk's typing is normalised, mistakes and Excel damage are caught and explained."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.errors import ValidationError
from desktop_app.core.id_card import (
    WEIGHTS,
    IdNumber,
    id_check_character,
    is_valid_id_number,
    mask_id_number,
    mask_phone,
    validate_id_number,
)

hsettings = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300)

# domain.md §6; the last one is the standard's own example
VALID = [
    ("640303198503151232", dt.date(1985, 3, 15), "男"),
    ("110105199001010029", dt.date(1990, 1, 1), "女"),
    ("64032419780808121X", dt.date(1978, 8, 8), "男"),
    ("11010519491231002X", dt.date(1949, 12, 31), "女"),
]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]  # as printed in the standard


def oracle_check(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def refusal(value, **kwargs) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(value, **kwargs)
    assert excinfo.value.field == "id_number"
    return str(excinfo.value)


def with_check(first17: str) -> str:
    return first17 + oracle_check(first17)


def test_weights_are_the_printed_ones():
    assert WEIGHTS == ID_WEIGHTS


@pytest.mark.parametrize("number, born, gender", VALID)
def test_domain_examples(number, born, gender):
    assert validate_id_number(number) == IdNumber(number, born, gender, number[:6], False)
    assert id_check_character(number[:17]) == number[17]
    assert is_valid_id_number(number)


@pytest.mark.parametrize("typed", [
    "64032419780808121x", " 64032419780808121X\t", "\u300064032419780808121X\u3000", "640324 19780808 121X",
    "６４０３２４１９７８０８０８１２１Ｘ", "６４０３２４１９７８０８０８１２１ｘ", "'64032419780808121X",
])
def test_typing_variants_are_normalised(typed):
    assert validate_id_number(typed).number == "64032419780808121X"


def test_fifteen_digits_are_upgraded():
    result = validate_id_number("640303850315123")
    assert result == IdNumber("640303198503151232", dt.date(1985, 3, 15), "男", "640303", True)
    assert validate_id_number("６４０３０３ ８５０３１５ １２３").number == "640303198503151232"


def test_wrong_check_character_says_what_it_should_be():
    message = refusal("640324197808081211")
    assert "校验位不符：末位应为“X”，现为“1”，请核对是否抄错" in message
    assert "末位应为“2”，现为“X”" in refusal("64030319850315123x")


@pytest.mark.parametrize("text", ["64030319850315123", "6403031985031512321", "1", "6403038503151"])
def test_wrong_length_says_how_many(text):
    message = refusal(text)
    assert "应为 18 位（旧号码 15 位）" in message and f"为 {len(text)} 位" in message


@pytest.mark.parametrize("text, bad", [
    ("64030319850315123A", "A"), ("6403031985O3151232", "O"), ("64030X198503151232", "X"),
    ("64030385031512X", "X"), ("640303-98503151232", "-"),
])
def test_non_digits_are_named(text, bad):
    message = refusal(text)
    assert "不允许的字符" in message and f"：{bad}（" in message


@pytest.mark.parametrize("birth, detail", [
    ("19850230", "1985年2月没有 30 日"), ("19851301", "月份应在 1–12 之间"), ("19850100", "日应在 1–31 之间"),
    ("19000229", "1900年2月没有 29 日"),
])
def test_impossible_birth_date(birth, detail):
    message = refusal(with_check("640303" + birth + "123"))
    assert "出生日期" in message and detail in message


def test_birth_before_1900_or_in_the_future():
    assert "出生年份 1899 早于 1900 年" in refusal(with_check("640303189912311230"[:17]))
    assert "晚于今天" in refusal(with_check("64030329990101123"))
    tomorrow = with_check("64030320240102123")
    assert "晚于今天" in refusal(tomorrow, today=dt.date(2024, 1, 1))
    assert validate_id_number(tomorrow, today=dt.date(2024, 1, 2)).birth_date == dt.date(2024, 1, 2)


@pytest.mark.parametrize("cell", [6.40303198503151e+17, 640303198503151232, 640303850315123, 6.4e17,
                                  float("nan"), "6.40303198503151E+17", "6.40303198503151e+17"])
def test_number_cells_are_refused_with_an_explanation(cell):
    message = refusal(cell)
    assert "被存成了数字" in message and "丢失" in message and "“文本”后重新录入" in message


def test_number_cell_message_shows_the_cell_as_excel_does():
    assert "“6.40303198503151e+17”" in refusal(6.40303198503151e+17)


@pytest.mark.parametrize("value, detail", [
    (None, "为空"), ("", "为空"), ("\u3000 ", "为空"), (True, "是/否"), (b"\xff", "不是文本"), ([1], "不是文本"),
])
def test_other_refusals(value, detail):
    assert detail in refusal(value)


def test_id_check_character_refuses_bad_input():
    for bad in ["1" * 16, "1" * 18, "6403031985031512X", "６" * 17, ""]:
        with pytest.raises(ValueError):
            id_check_character(bad)


def test_masks():
    assert mask_id_number("640303198503151232") == "6403**********1232"
    assert mask_id_number("64032419780808121x") == "6403**********121X"
    assert mask_id_number("640303850315123") == "6403*******5123"
    assert mask_id_number("12345") == "*****"
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("139 1234 5678") == "139****5678"
    assert mask_phone("1234") == "****"


anything = st.one_of(st.text(), st.binary(), st.integers(), st.floats(), st.none(), st.booleans())
id_like = st.text(alphabet="0123456789xX０１Ｘ \u3000'.E+-", min_size=13, max_size=21)


@hsettings
@given(st.one_of(anything, id_like, st.text(min_size=500, max_size=3000)))
def test_nothing_but_validation_error_escapes(value):
    try:
        result = validate_id_number(value)
    except ValidationError as exc:
        assert exc.message
    else:
        assert isinstance(value, (str, bytes)) and len(result.number) == 18
        assert result.number[17] == oracle_check(result.number[:17])


def test_numbers_never_validate():
    assert not is_valid_id_number(640303198503151232) and not is_valid_id_number(6.40303198503151e+17)


birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today())
prefixes = st.builds(lambda area, born, seq: f"{area:06d}{born:%Y%m%d}{seq:03d}",
                     st.integers(0, 999_999), birth_dates, st.integers(0, 999))


@hsettings
@given(prefixes)
def test_prefix_plus_check_validates(first17):
    number = first17 + id_check_character(first17)
    assert number[17] == oracle_check(first17)
    result = validate_id_number(number)
    assert result.number == number and not result.upgraded_from_15
    assert result.birth_date.strftime("%Y%m%d") == first17[6:14]
    assert result.gender == ("男" if int(first17[16]) % 2 else "女")
    assert validate_id_number(number.lower()).number == number
    assert mask_id_number(number) == number[:4] + "*" * 10 + number[-4:]


@hsettings
@given(prefixes, st.integers(0, 17), st.integers(1, 10))
def test_any_single_character_change_is_rejected(first17, position, shift):
    number = first17 + id_check_character(first17)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    current = alphabet.index(number[position])
    replacement = alphabet[(current + shift) % len(alphabet)]
    if replacement == number[position]:
        return  # shift 10 over ten digits is a no-op
    changed = number[:position] + replacement + number[position + 1:]
    assert not is_valid_id_number(changed)


@hsettings
@given(st.integers(0, 999_999), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
       st.integers(0, 999))
def test_fifteen_digit_upgrade_round_trip(area, born, seq):
    old = f"{area:06d}{born:%y%m%d}{seq:03d}"
    result = validate_id_number(old)
    first17 = f"{area:06d}{born:%Y%m%d}{seq:03d}"
    assert result.number == first17 + oracle_check(first17) and result.upgraded_from_15
    assert result.birth_date == born
