"""Officer records (officers.py): every field checked with a message for the clerk, duplicates named,
moves and departures kept as history, leaving cancels live cards, 年度考核."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop_app.core.errors import NotFound, ValidationError
from desktop_app.core.id_card import id_check_character
from desktop_app.core.models import AnnualAppraisal, AuditLog, Officer, OfficerChange
from desktop_app.core.personnel import certificates as cs
from desktop_app.core.personnel import dictionaries
from desktop_app.core.personnel import officers as of
from desktop_app.core.units import UnitInput, create_unit, retire_unit

D = dt.date
TODAY = dt.date.today()


def id_number(born: str = "19850315", seq: int = 123, area: str = "640303") -> str:
    first17 = f"{area}{born}{seq:03d}"
    return first17 + id_check_character(first17)


@pytest.fixture
def units(session):
    return (create_unit(UnitInput("红寺堡区综合执法局", "enforcement", "综合执法局")),
            create_unit(UnitInput("红寺堡区大河乡人民政府", "township", "大河乡")))


@pytest.fixture
def unit(units):
    return units[0]


def data(unit, **kw) -> of.OfficerInput:
    values = {"unit_id": unit.id, "name": "马建军", "id_number": id_number(), "category": "参照公务员法管理",
              "law_field": "城市管理", "phone": "13909531234"}
    values.update(kw)
    return of.OfficerInput(**values)


def refused(unit, **kw) -> dict[str, str]:
    """The per-field messages when creating an officer with these values fails; nothing is written."""
    before = Officer.select().count()
    with pytest.raises(of.OfficerErrors) as excinfo:
        of.create_officer(data(unit, **kw))
    assert Officer.select().count() == before
    return {e.field: e.message for e in excinfo.value.errors}


def audit_entries(entity: str) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.entity == entity).order_by(AuditLog.id))


# ---------------------------------------------------------------------------------------------------------
# 公民身份号码 and what is derived from it


def test_a_valid_officer_is_saved_with_derived_gender_and_birth(unit):
    person = of.create_officer(data(unit), on_date=D(2016, 3, 1))
    assert (person.gender, person.birth_date, person.id_number) == ("男", D(1985, 3, 15), "640303198503151232")
    assert person.status == "在职" and person.on_enforcement_post and person.phone == "13909531234"
    [change] = of.history(person.id)
    assert (change.kind, change.on_date, change.to_unit_id) == ("登记", D(2016, 3, 1), unit.id)
    [entry] = audit_entries("officer")
    assert entry.summary == "登记执法人员：马建军" and entry.unit_id == unit.id
    assert json.loads(entry.changes)["公民身份号码"] == [None, "640303198503151232"]


def test_wrong_check_character_is_refused(unit):
    bad = id_number()[:17] + "3"
    found = refused(unit, id_number=bad)
    assert found == {"id_number": f"身份证号码“{bad}”校验位不符：末位应为“2”，现为“3”，请核对是否抄错。"}


def test_lower_case_x_is_accepted_and_stored_upper_case(unit):
    number = id_number(born="19780808", seq=121, area="640324")
    assert number == "64032419780808121X"  # shared/domain.md §6 example
    person = of.create_officer(data(unit, id_number=" 64032419780808121x "))
    assert person.id_number == number and person.gender == "男" and person.birth_date == D(1978, 8, 8)


def test_fifteen_digit_number_is_upgraded(unit):
    person = of.create_officer(data(unit, id_number="640303850315123"))
    assert person.id_number == "640303198503151232" and person.birth_date == D(1985, 3, 15)


def test_full_width_digits_are_accepted(unit):
    person = of.create_officer(data(unit, id_number="６４０３０３１９８５０３１５１２３２"))
    assert person.id_number == "640303198503151232"


def test_female_derived_from_the_seventeenth_digit(unit):
    person = of.create_officer(data(unit, name="李娜", id_number="110105199001010029"))
    assert (person.gender, person.birth_date) == ("女", D(1990, 1, 1))


@pytest.mark.parametrize("typed", ["男", "男性", " 男 "])
def test_gender_typed_and_agreeing_is_kept(unit, typed):
    assert of.create_officer(data(unit, gender=typed)).gender == "男"


def test_gender_mismatch_is_refused_with_the_reason(unit):
    found = refused(unit, gender="女")
    assert found == {"gender": "性别“女”与身份证号码不符（号码第 17 位表示男性）。"}
    assert refused(unit, gender="未知") == {"gender": "性别“未知”无效，应为“男”或“女”。"}


def test_birth_date_is_cross_checked(unit):
    found = refused(unit, birth_date="1985-03-16")
    assert found == {"birth_date": "出生日期 1985-03-16 与身份证号码中的 1985-03-15 不符。"}
    assert "birth_date" in refused(unit, birth_date=D(1985, 4, 1))  # another month
    assert refused(unit, birth_date="1985年3月")["birth_date"].startswith("出生日期“1985年3月”不完整")


@pytest.mark.parametrize("typed", ["1985-03-15", "1985年3月15日", "19850315", D(1985, 3, 15), 31121,
                                   D(1985, 3, 1)])  # 31121 = Excel serial; day 1 = a roster's 出生年月
def test_birth_date_agreeing_in_any_form_is_accepted(unit, typed):
    assert of.create_officer(data(unit, birth_date=typed)).birth_date == D(1985, 3, 15)


def test_every_bad_field_is_reported_at_once(unit):
    found = refused(unit, name="", id_number="12345", category="临时工", phone="abc")
    assert set(found) == {"name", "id_number", "category", "phone"}
    assert found["name"] == "姓名不能为空。"
    assert found["id_number"] == "身份证号码应为 18 位（旧号码 15 位），“12345”为 5 位。"


@pytest.mark.parametrize("name", ["张3", "管理员" * 11])
def test_names_that_are_not_names(unit, name):
    assert "不像人名" in refused(unit, name=name)["name"]


def test_unit_must_exist_and_be_active(units):
    unit, township = units
    retire_unit(township.id, D(2024, 1, 1))
    assert refused(unit, unit_id=township.id) == {"unit_id": "单位“红寺堡区大河乡人民政府”已撤销，不能再登记人员。"}
    assert refused(unit, unit_id=None) == {"unit_id": "请选择所在单位。"}
    assert refused(unit, unit_id=9999) == {"unit_id": "单位（编号 9999）不存在。"}


# ---------------------------------------------------------------------------------------------------------
# duplicates and dictionaries


def test_duplicate_id_number_is_refused_naming_the_existing_officer(unit):
    first = of.create_officer(data(unit))
    with pytest.raises(of.OfficerErrors) as excinfo:
        of.create_officer(data(unit, name="马建君", id_number="640303850315123"))  # same person, old form
    [duplicate] = excinfo.value.errors
    assert isinstance(duplicate, of.DuplicateOfficer) and duplicate.officer_id == first.id
    assert duplicate.field == "id_number"
    assert duplicate.message == ("身份证号码 640303198503151232 已登记为“马建军”（红寺堡区综合执法局，在职），"
                                 "同一人不能重复登记。")
    assert Officer.select().count() == 1


def test_duplicate_is_found_even_after_the_first_left(unit):
    first = of.create_officer(data(unit))
    of.set_status(first.id, "退休", D(2024, 1, 1))
    with pytest.raises(of.OfficerErrors) as excinfo:
        of.create_officer(data(unit))
    assert "（红寺堡区综合执法局，退休）" in excinfo.value.errors[0].message


def test_editing_an_officer_does_not_clash_with_itself(unit):
    person = of.create_officer(data(unit))
    edited = of.update_officer(person.id, data(unit, post="中队长", phone="0953-5012345"))
    assert (edited.post, edited.phone) == ("中队长", "0953-5012345")
    [_, update] = audit_entries("officer")
    assert json.loads(update.changes) == {"职务/职级": ["", "中队长"], "联系电话": ["13909531234", "0953-5012345"]}
    other = of.create_officer(data(unit, name="杨帆", id_number=id_number(seq=135)))
    with pytest.raises(of.OfficerErrors) as excinfo:
        of.update_officer(other.id, data(unit, name="杨帆"))
    assert excinfo.value.errors[0].officer_id == person.id


def test_unknown_dictionary_values_are_refused_with_the_choices(unit):
    found = refused(unit, category="临时工", law_field="城管")
    assert found["category"].startswith("人员类别“临时工”不在字典中。可选：行政编制公务员、参照公务员法管理、事业编制、工勤、")
    assert found["law_field"].startswith("执法领域“城管”不在字典中。可选：市场监管、")
    assert found["law_field"].endswith("（可在“执法人员 → 字典”中添加）。")


def test_a_retired_dictionary_value_stays_acceptable(unit):
    """An officer recorded with a value the clerk later dropped from the dictionary can still be saved."""
    person = of.create_officer(data(unit, law_field="城市管理"))
    kept = [(v, 0) for v in dictionaries.values(dictionaries.LAW_FIELD) if v != "城市管理"]
    dictionaries.set_values(dictionaries.LAW_FIELD, kept + [("城市管理和综合执法", 0)])
    assert "城市管理" not in dictionaries.values(dictionaries.LAW_FIELD)
    assert of.update_officer(person.id, data(unit, law_field="城市管理", post="科员")).law_field == "城市管理"
    assert of.create_officer(data(unit, name="杨帆", id_number=id_number(seq=135),
                                  law_field="城市管理和综合执法")).law_field == "城市管理和综合执法"


def test_empty_dictionary_fields_are_allowed(unit):
    person = of.create_officer(data(unit, category="", law_field=""))
    assert (person.category, person.law_field) == ("", "")


# ---------------------------------------------------------------------------------------------------------
# phone numbers


@pytest.mark.parametrize("typed, stored", [
    ("13909531234", "13909531234"),
    ("139 0953 1234", "13909531234"),
    ("139-0953-1234", "13909531234"),
    ("１３９０９５３１２３４", "13909531234"),
    ("0953-5012345", "0953-5012345"),
    ("(0953)5012345", "(0953)5012345"),
    ("（0953）5012345", "(0953)5012345"),
    ("5012345", "5012345"),
    ("", ""),
])
def test_phone_numbers_accepted(unit, typed, stored):
    assert of.clean_phone(typed) == stored
    assert of.create_officer(data(unit, phone=typed)).phone == stored


@pytest.mark.parametrize("typed, message", [
    ("1390953123", "联系电话“1390953123”不是 11 位手机号码（现为 10 位）。"),
    ("139095312345", "联系电话“139095312345”不是 11 位手机号码（现为 12 位）。"),
    ("139O9531234", "联系电话“139O9531234”含有数字和连字符以外的字符。"),
    ("电话13909531234", "联系电话“电话13909531234”含有数字和连字符以外的字符。"),
    ("12345", "联系电话“12345”不是 11 位手机号码（现为 5 位）。"),  # only digits: the length is what is wrong
    ("0953", "联系电话“0953”位数不对（4 位数字），请核对。"),
    ("0953-", "联系电话“0953-”位数不对（4 位数字），请核对。"),
])
def test_phone_numbers_refused(unit, typed, message):
    with pytest.raises(ValidationError) as excinfo:
        of.clean_phone(typed)
    assert excinfo.value.message == message
    assert refused(unit, phone=typed) == {"phone": message}


# ---------------------------------------------------------------------------------------------------------
# moving between units


def test_move_keeps_history_and_certificates(units):
    unit, township = units
    person = of.create_officer(data(unit), on_date=D(2015, 1, 1))
    card = cs.register_existing(person.id, cs.CertificateInput(number="6403032100001", issued_on=D(2021, 3, 1),
                                                               valid_until=D(2026, 2, 28)))
    moved = of.move_officer(person.id, township.id, D(2023, 4, 1), "工作调动", "红组干〔2023〕12号")
    assert moved.unit_id == township.id and Officer.get_by_id(person.id).unit_id == township.id
    kinds = [(c.kind, c.on_date, c.from_unit_id, c.to_unit_id, c.doc_number) for c in of.history(person.id)]
    assert kinds == [("登记", D(2015, 1, 1), None, unit.id, ""),
                     ("调动", D(2023, 4, 1), unit.id, township.id, "红组干〔2023〕12号")]
    entry = audit_entries("officer")[-1]
    assert entry.summary == "调动：马建军 → 红寺堡区大河乡人民政府" and entry.unit_id == township.id
    assert json.loads(entry.changes) == {"单位": ["红寺堡区综合执法局", "红寺堡区大河乡人民政府"]}
    assert cs.state_of(card, D(2023, 4, 1)).state == cs.VALID  # the card goes with the officer
    assert card.officer_id == person.id and card.events.count() == 1
    # a later move is added, not overwritten
    of.move_officer(person.id, unit.id, D(2024, 2, 1))
    assert [c.kind for c in of.history(person.id)] == ["登记", "调动", "调动"]
    assert OfficerChange.select().where(OfficerChange.officer == person.id).count() == 3


def test_dates_may_come_as_datetimes(units):
    unit, township = units
    person = of.create_officer(data(unit), on_date=D(2015, 1, 1))
    of.move_officer(person.id, township.id, dt.datetime(2023, 4, 1, 8, 0))
    of.set_status(person.id, "调离", dt.datetime(2024, 1, 2, 17, 45))
    assert [(c.kind, c.on_date) for c in of.history(person.id)][1:] == [("调动", D(2023, 4, 1)),
                                                                        ("调离", D(2024, 1, 2))]
    assert Officer.get_by_id(person.id).status_date == D(2024, 1, 2)


def test_move_refusals(units):
    unit, township = units
    person = of.create_officer(data(unit), on_date=D(2015, 1, 1))
    with pytest.raises(ValidationError, match="马建军已在“红寺堡区综合执法局”"):
        of.move_officer(person.id, unit.id, D(2023, 1, 1))
    with pytest.raises(ValidationError, match="晚于今天"):
        of.move_officer(person.id, township.id, TODAY + dt.timedelta(days=1))
    retire_unit(township.id, D(2024, 1, 1))
    with pytest.raises(ValidationError, match="请选择一个现有的单位"):
        of.move_officer(person.id, township.id, D(2023, 1, 1))
    of.set_status(person.id, "调离", D(2023, 6, 1))
    other = create_unit(UnitInput("红寺堡区水务局", "enforcement"))
    with pytest.raises(ValidationError, match="马建军已调离，不能调动"):
        of.move_officer(person.id, other.id, D(2023, 7, 1))
    assert [c.kind for c in of.history(person.id)] == ["登记", "调离"]
    with pytest.raises(NotFound):
        of.move_officer(99999, other.id, D(2023, 7, 1))


# ---------------------------------------------------------------------------------------------------------
# leaving: 调离/退休/辞职/死亡 and back


def card(number: str, issued: D, until: D, kind: str = "law") -> cs.CertificateInput:
    return cs.CertificateInput(kind=kind, number=number, issued_on=issued, valid_until=until)


def test_leaving_cancels_every_live_card(unit):
    person = of.create_officer(data(unit), on_date=D(2010, 1, 1))
    cs.add_exam(person.id, D(2014, 5, 1), score=80, passed=True)
    expired = cs.register_existing(person.id, card("E-1", D(2015, 1, 1), D(2019, 12, 31)))
    valid = cs.register_existing(person.id, card("V-1", D(2021, 1, 1), D(2025, 12, 31)))
    applied = cs.apply_for(person.id, "supervision", D(2023, 1, 5))
    revoked = cs.register_existing(person.id, card("R-1", D(2021, 1, 1), D(2025, 12, 31)))
    cs.add_event(revoked.id, "revoke", D(2022, 1, 1), reason="出借、转借证件")
    renewed_from = cs.register_existing(person.id, card("N-1", D(2016, 1, 1), D(2020, 12, 31)))
    cs.renew(renewed_from.id, card("N-2", D(2020, 12, 1), D(2025, 11, 30)))
    of.set_status(person.id, "退休", D(2023, 3, 1), reason="达到法定退休年龄", doc_number="红人社〔2023〕4号")
    states = {c.number or "申领": cs.state_of(c, D(2023, 3, 1)) for c in Officer.get_by_id(person.id).certificates}
    assert {k: s.state for k, s in states.items()} == {
        "E-1": cs.CANCELLED, "V-1": cs.CANCELLED, "申领": cs.CANCELLED, "R-1": cs.REVOKED, "N-1": cs.RENEWED,
        "N-2": cs.CANCELLED}
    assert {states[k].reason for k in ("E-1", "V-1", "申领", "N-2")} == {"退休"}
    assert cs.state_of(valid, D(2023, 2, 28)).state == cs.VALID  # history before the date stays
    assert cs.state_of(expired, D(2023, 2, 28)).state == cs.EXPIRED
    assert cs.state_of(applied, D(2023, 2, 28)).state == cs.APPLIED
    person = Officer.get_by_id(person.id)
    assert (person.status, person.status_date) == ("退休", D(2023, 3, 1))
    last = of.history(person.id)[-1]
    assert (last.kind, last.on_date, last.reason, last.doc_number) == ("退休", D(2023, 3, 1), "达到法定退休年龄",
                                                                       "红人社〔2023〕4号")


def test_leaving_without_cancelling_when_asked(unit):
    person = of.create_officer(data(unit), on_date=D(2010, 1, 1))
    valid = cs.register_existing(person.id, card("V-1", D(2021, 1, 1), D(2025, 12, 31)))
    of.set_status(person.id, "调离", D(2023, 3, 1), cancel_certificates=False)
    assert cs.state_of(valid, D(2023, 3, 1)).state == cs.VALID
    assert [e.kind for e in valid.events] == ["issue"]


def test_leaving_is_all_or_nothing(unit):
    """A departure dated before a card's last change cannot cancel it: nothing at all is recorded."""
    person = of.create_officer(data(unit), on_date=D(2010, 1, 1))
    valid = cs.register_existing(person.id, card("V-1", D(2021, 1, 1), D(2025, 12, 31)))
    cs.add_event(valid.id, "review_pass", D(2023, 3, 1))
    changes, audit = OfficerChange.select().count(), AuditLog.select().count()
    with pytest.raises(ValidationError, match="早于该证上一次变动"):
        of.set_status(person.id, "辞职", D(2023, 1, 1))
    assert Officer.get_by_id(person.id).status == "在职"
    assert (OfficerChange.select().count(), AuditLog.select().count()) == (changes, audit)
    assert cs.state_of(valid, D(2023, 3, 1)).state == cs.VALID


def test_back_in_service(unit):
    person = of.create_officer(data(unit), on_date=D(2010, 1, 1))
    of.set_status(person.id, "调离", D(2022, 3, 1))
    with pytest.raises(ValidationError, match="已经是“调离”"):
        of.set_status(person.id, "调离", D(2022, 4, 1))
    back = of.set_status(person.id, "在职", D(2023, 3, 1), reason="调回")
    assert (back.status, back.status_date) == ("在职", None)
    assert [c.kind for c in of.history(person.id)] == ["登记", "调离", "恢复在职"]
    with pytest.raises(ValidationError, match="在职状态“休假”无效"):
        of.set_status(person.id, "休假", D(2023, 4, 1))


def test_left_officers_are_kept_not_deleted(unit):
    person = of.create_officer(data(unit))
    of.set_status(person.id, "死亡", D(2023, 3, 1))
    assert Officer.get_by_id(person.id).status == "死亡"
    assert [e.summary for e in audit_entries("officer")] == ["登记执法人员：马建军", "死亡：马建军"]


# ---------------------------------------------------------------------------------------------------------
# 年度考核


def test_appraisal_is_recorded_and_replaced(unit):
    person = of.create_officer(data(unit))
    of.set_appraisal(person.id, 2023, "称职")
    of.set_appraisal(person.id, 2024, "优秀", "嘉奖")
    of.set_appraisal(person.id, 2023, "基本称职", "复核后更正")
    rows = {(a.year, a.result, a.note) for a in AnnualAppraisal.select().where(AnnualAppraisal.officer == person.id)}
    assert rows == {(2023, "基本称职", "复核后更正"), (2024, "优秀", "嘉奖")}
    entries = audit_entries("appraisal")
    assert [e.action for e in entries] == ["create", "create", "update"]
    assert json.loads(entries[-1].changes) == {"结果": ["称职", "基本称职"]}
    assert entries[-1].summary == "年度考核：马建军 2023 年 基本称职"


def test_appraisal_refusals(unit):
    person = of.create_officer(data(unit))
    with pytest.raises(ValidationError, match="考核结果“良好”无效"):
        of.set_appraisal(person.id, 2023, "良好")
    with pytest.raises(ValidationError, match=f"考核年度 {TODAY.year + 1} 无效"):
        of.set_appraisal(person.id, TODAY.year + 1, "称职")
    with pytest.raises(ValidationError, match="考核年度 1989 无效"):
        of.set_appraisal(person.id, 1989, "称职")
    with pytest.raises(NotFound):
        of.set_appraisal(99999, 2023, "称职")
    assert AnnualAppraisal.select().count() == 0


# ---------------------------------------------------------------------------------------------------------
# the demo county's roster


def test_demo_roster_looks_like_a_county(demo_session):
    from collections import Counter

    from desktop_app.core.id_card import validate_id_number
    from desktop_app.core.models import Unit

    officers = list(Officer.select())
    assert 570 <= len(officers) <= 630
    by_unit = Counter(o.unit_id for o in officers)
    kinds = {u.id: u.kind for u in Unit.select()}
    assert all(5 <= n <= 70 for n in by_unit.values())
    assert all(5 <= by_unit[uid] <= 12 for uid, kind in kinds.items() if kind == "township")
    assert max(by_unit.values()) >= 50
    aux = [o for o in officers if o.category in dictionaries.auxiliary_categories()]
    assert 0.05 <= len(aux) / len(officers) <= 0.12
    assert sum(o.on_enforcement_post for o in aux) < len(aux) / 3
    ethnicity = Counter(o.ethnicity for o in officers)
    assert ethnicity.most_common(2)[0][0] == "汉族" and ethnicity["回族"] >= len(officers) * 0.2
    assert {o.status for o in officers} == {"在职", "退休", "调离", "辞职"}
    fields = set(dictionaries.values(dictionaries.LAW_FIELD))
    for person in officers:
        parsed = validate_id_number(person.id_number)
        assert parsed.number == person.id_number and person.id_number.startswith("6403")
        assert (person.gender, person.birth_date) == (parsed.gender, parsed.birth_date)
        assert 1964 <= person.birth_date.year <= 2000 and person.law_field in fields
        assert of.clean_phone(person.phone) == person.phone
        # what was bulk-inserted is exactly what the form would save
        assert of.clean_officer(of.input_from(person), person.id) == {
            k: getattr(person, k) for k in of.clean_officer(of.input_from(person), person.id)}
    registered = {c.officer_id for c in OfficerChange.select().where(OfficerChange.kind == "登记")}
    assert registered == {o.id for o in officers}
    years = Counter(a.year for a in AnnualAppraisal.select())
    assert sorted(years) == [TODAY.year - 2, TODAY.year - 1]
    assert all(a.result in of.APPRAISAL_RESULTS for a in AnnualAppraisal.select())


def test_same_seed_gives_the_same_roster_and_cards(tmp_path):
    from desktop_app.core.demo import populate_demo
    from desktop_app.core.models import Certificate, CertificateEvent, QualificationExam
    from desktop_app.core.session import open_session

    def build(name: str, seed: int):
        session = open_session(tmp_path / name)
        try:
            populate_demo(seed=seed, today=min(D(2026, 3, 1), TODAY))
            return ([(o.name, o.id_number, o.unit_id, o.status, o.category, o.phone, o.is_legal_reviewer)
                     for o in Officer.select().order_by(Officer.id)],
                    [(c.officer_id, c.number, c.issued_on, c.valid_until, c.replaced_by_id)
                     for c in Certificate.select().order_by(Certificate.id)],
                    [(e.certificate_id, e.kind, e.on_date, e.reason, e.until)
                     for e in CertificateEvent.select().order_by(CertificateEvent.id)],
                    [(x.officer_id, x.on_date, x.score, x.passed) for x in QualificationExam.select()],
                    [(c.officer_id, c.kind, c.on_date, c.to_unit_id) for c in OfficerChange.select()])
        finally:
            session.close()

    first, again, other = build("a.sqlite", 2026), build("b.sqlite", 2026), build("c.sqlite", 2027)
    assert first == again
    assert first[0] != other[0]
