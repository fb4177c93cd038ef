"""统一社会信用代码 (GB 32100-2015): the clerk's typing is normalised, mistakes are caught and explained."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.credit_code import (
    CHARSET,
    is_valid_credit_code,
    make_credit_code,
    validate_credit_code,
)
from desktop_app.core.errors import ValidationError

# The autouse data-dir fixture is harmless to share between examples.
hsettings = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300)

VALID = ["116403030123456715", "12640303456789126L", "91640300MA7ABC1244", "91350100M000100Y43"]
ALLOWED = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 table: digits and capitals except I O S V Z


def test_charset_is_the_standard_one():
    assert CHARSET == ALLOWED and len(CHARSET) == 31


@pytest.mark.parametrize("code", VALID)
def test_valid_samples(code):
    assert validate_credit_code(code) == code
    assert is_valid_credit_code(code)


@pytest.mark.parametrize("code", VALID)
def test_wrong_check_character_names_the_expected_one(code):
    wrong = next(c for c in "0123456789AB" if c != code[-1])
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code[:-1] + wrong)
    message = str(excinfo.value)
    assert f"“{code[-1]}”" in message, message
    assert f"“{wrong}”" in message
    assert excinfo.value.field == "credit_code"


@pytest.mark.parametrize("text", [VALID[2][:17], VALID[2] + "0", "", "9164"])
def test_wrong_length_says_18(text):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(text)
    assert "18 位" in str(excinfo.value)
    assert f"为 {len(text)} 位" in str(excinfo.value)


@pytest.mark.parametrize("bad", list("IOSVZ"))
def test_letters_never_used_are_named(bad):
    code = VALID[2][:10] + bad + VALID[2][11:]
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    message = str(excinfo.value)
    assert f"字符：{bad}" in message and "不使用" in message


def test_lower_case_is_accepted_and_upper_cased():
    assert validate_credit_code("91640300ma7abc1244") == "91640300MA7ABC1244"
    assert validate_credit_code("12640303456789126l") == "12640303456789126L"


@pytest.mark.parametrize("typed", [
    "９１６４０３００ＭＡ７ＡＢＣ１２４４",  # full-width, as some input methods type it
    "9164 0300 MA7A BC12 44",
    "91640300\u3000MA7ABC1244",  # ideographic space copied from Word
    " 91640300-MA7ABC124-4\t",
    "９１６４０３００ｍａ７ａｂｃ１２４４",
])
def test_full_width_and_spaces_are_normalised(typed):
    assert validate_credit_code(typed) == "91640300MA7ABC1244"


@hsettings
@given(st.text())
def test_arbitrary_text_fails_only_with_validation_error(text):
    try:
        result = validate_credit_code(text)
    except ValidationError as exc:
        assert str(exc)
    else:
        assert len(result) == 18 and set(result) <= set(ALLOWED)


@hsettings
@given(st.text(alphabet=ALLOWED + ALLOWED.lower() + "IOSVZ ０１ＡＺ　-", min_size=15, max_size=21))
def test_code_like_text_fails_only_with_validation_error(text):
    try:
        validate_credit_code(text)
    except ValidationError:
        pass


seventeen = st.text(alphabet=ALLOWED, min_size=17, max_size=17)


@hsettings
@given(seventeen)
def test_made_codes_validate(first17):
    code = make_credit_code(first17)
    assert code[:17] == first17 and len(code) == 18
    assert validate_credit_code(code) == code
    assert validate_credit_code(code.lower()) == code


@hsettings
@given(seventeen, st.integers(0, 17), st.integers(1, 30))
def test_any_single_character_change_is_rejected(first17, position, shift):
    code = make_credit_code(first17)
    replacement = ALLOWED[(ALLOWED.index(code[position]) + shift) % 31]
    changed = code[:position] + replacement + code[position + 1:]
    assert changed != code
    assert not is_valid_credit_code(changed)


@pytest.mark.parametrize("bad", ["I" * 17, "1" * 16, "9164030" + "O" * 10])
def test_make_credit_code_refuses_bad_input(bad):
    with pytest.raises(ValueError):
        make_credit_code(bad)
