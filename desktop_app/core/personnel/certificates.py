"""A certificate's lifecycle (shared/domain.md §2.3): every change is an event; the status on any date is
replayed from the events up to that date, so a report “截至 2024-12-31” stays right years later.

申领 → 申领中 → 发证 → 有效 ⇄ 暂扣 (暂扣期满 → 恢复); 年审 通过 / 不通过 (→ 暂扣); 换证 closes the old card
(已换证) and issues a new number; 收回; 注销 (with a reason). 过期 is not an event: a live card past its
有效期至 is 过期 from the next day on.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.core import audit
from desktop_app.core.dates import parse_date
from desktop_app.core.db import db
from desktop_app.core.errors import NotFound, ValidationError
from desktop_app.core.models import CERT_KINDS, Certificate, CertificateEvent, Officer, QualificationExam, now
from desktop_app.core.personnel import dictionaries
from desktop_app.core.personnel.officers import get_officer
from desktop_app.core.settings import get_setting
from desktop_app.core.text_norm import clean_display

EVENTS = {"apply": "申领", "issue": "发证", "review_pass": "年审通过", "review_fail": "年审不通过",
          "renew": "换证", "suspend": "暂扣", "restore": "恢复", "revoke": "收回", "cancel": "注销"}

APPLIED, VALID, SUSPENDED, REVOKED, CANCELLED, RENEWED, EXPIRED = (
    "申领中", "有效", "暂扣", "收回", "注销", "已换证", "过期")
NONE = "未发证"
STATES = (APPLIED, VALID, SUSPENDED, EXPIRED, REVOKED, CANCELLED, RENEWED)

RESULT = {"apply": APPLIED, "issue": VALID, "review_pass": VALID, "review_fail": SUSPENDED, "renew": RENEWED,
          "suspend": SUSPENDED, "restore": VALID, "revoke": REVOKED, "cancel": CANCELLED}
# The states (after expiry is applied) each event may start from; None is a card with no event yet.
ALLOWED_FROM: dict[str, tuple] = {
    "apply": (None,),
    "issue": (None, APPLIED),
    "review_pass": (VALID,),
    "review_fail": (VALID,),
    "renew": (VALID, EXPIRED),
    "suspend": (VALID,),
    "restore": (SUSPENDED,),
    "revoke": (VALID, SUSPENDED),
    "cancel": (APPLIED, VALID, SUSPENDED, EXPIRED, REVOKED),
}
NEEDS_REASON = {"review_fail", "suspend", "revoke", "cancel"}
CANCEL_REASONS = ("调离", "退休", "辞职", "不再从事执法", "期满未换证", "遗失", "死亡", "开除/辞退",
                  "刑事处罚", "处分", "换发新证", "其他")
SUSPEND_REASONS = ("出借、转借证件", "超越职权或违反程序造成后果", "吃拿卡要、故意刁难", "被投诉查实",
                   "正接受审查", "年审不合格", "培训学时不足", "其他")


@dataclass(frozen=True)
class CertState:
    state: str
    since: dt.date | None = None  # date of the event that set it (expiry: the day after 有效期至)
    until: dt.date | None = None  # end of a 暂扣 period
    reason: str = ""

    @property
    def live(self) -> bool:
        """Still to be dealt with: counts against 持证 rules and may be cancelled."""
        return self.state in (APPLIED, VALID, SUSPENDED, EXPIRED)

    @property
    def valid(self) -> bool:
        return self.state == VALID


def expiry_applied(state: str, valid_until: dt.date | None, on_date: dt.date) -> str:
    if state in (VALID, SUSPENDED) and valid_until is not None and valid_until < on_date:
        return EXPIRED
    return state


def replay(events: list[tuple[str, dt.date, str, dt.date | None]], valid_until: dt.date | None,
           on_date: dt.date) -> CertState:
    """events: (kind, on_date, reason, until) in order. The state at the end of `on_date`."""
    current = CertState(NONE)
    for kind, day, reason, until in events:
        if day > on_date:
            break
        current = CertState(RESULT[kind], day, until if RESULT[kind] == SUSPENDED else None, reason)
    final = expiry_applied(current.state, valid_until, on_date)
    if final == EXPIRED and current.state != EXPIRED:
        return CertState(EXPIRED, valid_until + dt.timedelta(days=1), None, "")
    return current


def _events(cert_id: int) -> list[tuple]:
    return [(e.kind, e.on_date, e.reason, e.until) for e in CertificateEvent.select().where(
        CertificateEvent.certificate == cert_id).order_by(CertificateEvent.on_date, CertificateEvent.id)]


def state_of(cert: Certificate | int, on_date: dt.date | None = None) -> CertState:
    cert = cert if isinstance(cert, Certificate) else get_certificate(cert)
    return replay(_events(cert.id), cert.valid_until, on_date or dt.date.today())


def get_certificate(cert_id: int) -> Certificate:
    cert = Certificate.get_or_none(Certificate.id == cert_id)
    if cert is None:
        raise NotFound(f"找不到编号为 {cert_id} 的证件。")
    return cert


def _date(value: dt.date | str | None, label: str, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationError(f"请填写{label}。", label)
        return None
    return parse_date(value, field=label)  # also turns a datetime (an Excel cell) into a date


def _not_future(day: dt.date, label: str) -> None:
    if day > dt.date.today():
        raise ValidationError(f"{label} {day:%Y-%m-%d} 晚于今天。", label)


def _clean_number(number: str, cert_id: int | None = None) -> str:
    text = "".join(clean_display(str(number or "")).split()).upper()
    if not text:
        raise ValidationError("请填写证号。", "number")
    if len(text) > 40:
        raise ValidationError(f"证号“{text[:40]}…”过长。", "number")
    clash = Certificate.get_or_none((Certificate.number == text) & (Certificate.id != (cert_id or 0)))
    if clash is not None:
        holder = Officer.get_by_id(clash.officer_id)
        raise ValidationError(f"证号 {text} 已属于“{holder.name}”的证件，证号不能重复。", "number")
    return text


def can_hold(officer: Officer) -> str | None:
    """Why this officer may not be issued a certificate, or None."""
    if officer.status != "在职":
        return f"{officer.name}已{officer.status}，不能申领或换发证件。"
    if officer.category in dictionaries.auxiliary_categories():
        return f"{officer.name}是{officer.category}（执法辅助人员），不能持有行政执法证件。"
    return None


def exam_ok(officer_id: int, on_date: dt.date) -> bool:
    return QualificationExam.select().where(
        (QualificationExam.officer == officer_id) & (QualificationExam.on_date <= on_date)
        & ((QualificationExam.passed == True) | (QualificationExam.exempt == True))).exists()


def _live_same_kind(officer_id: int, kind: str, on_date: dt.date, except_id: int | None = None) -> Certificate | None:
    for cert in Certificate.select().where((Certificate.officer == officer_id) & (Certificate.kind == kind)
                                           & (Certificate.id != (except_id or 0))):
        if state_of(cert, on_date).state in (APPLIED, VALID, SUSPENDED):
            return cert
    return None


def _record_event(cert: Certificate, kind: str, day: dt.date, reason: str = "", doc_number: str = "",
                  until: dt.date | None = None) -> CertificateEvent:
    event = CertificateEvent.create(certificate=cert.id, kind=kind, on_date=day, reason=reason,
                                    doc_number=doc_number, until=until, entered_by=audit.current_actor(),
                                    entered_at=now())
    officer = Officer.get_by_id(cert.officer_id)
    after = {"证件": f"{CERT_KINDS[cert.kind]} {cert.number or '（未编号）'}", "变动": EVENTS[kind],
             "日期": day, "原因": reason, "文号": doc_number}
    if until:
        after["暂扣至"] = until
    audit.record("create", "certificate", cert.id, None, after,
                 summary=f"{EVENTS[kind]}：{officer.name} {cert.number or ''}".strip(), unit_id=officer.unit_id)
    return event


def _check_sequence(cert: Certificate, kind: str, day: dt.date) -> CertState:
    events = _events(cert.id)
    if events and day < events[-1][1]:
        raise ValidationError(f"{EVENTS[kind]}日期 {day:%Y-%m-%d} 早于该证上一次变动"
                              f"（{EVENTS[events[-1][0]]}，{events[-1][1]:%Y-%m-%d}），请按时间顺序登记。", "on_date")
    current = replay(events, cert.valid_until, day)
    if (None if current.state == NONE else current.state) not in ALLOWED_FROM[kind]:  # None: no event yet
        shown = current.state if current.state != NONE else "尚未发证"
        allowed = "、".join(s or "未登记" for s in ALLOWED_FROM[kind])
        raise ValidationError(f"证件 {cert.number or ''} 当前为“{shown}”，不能{EVENTS[kind]}"
                              f"（只有“{allowed}”的证件可以{EVENTS[kind]}）。", "kind")
    return current


def default_valid_until(issued: dt.date) -> dt.date:
    """发证日期 plus the term in 设置 less a day (2022-11-01 → 2027-10-31); the clerk can change it."""
    years = int(get_setting("cert_valid_years") or 5)
    try:
        return issued.replace(year=issued.year + years) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return issued.replace(year=issued.year + years, day=28)


def default_issuer() -> str:
    issuer = (get_setting("cert_issuer") or "").strip()
    if issuer:
        return issuer
    county = get_setting("county_name")
    return f"{county}人民政府" if county else ""


@dataclass
class CertificateInput:
    kind: str = "law"
    number: str = ""
    issuer: str = ""
    issued_on: dt.date | str | None = None
    valid_until: dt.date | str | None = None
    law_field: str = ""
    region: str = ""
    note: str = ""


def _clean_card(data: CertificateInput, cert_id: int | None = None) -> dict:
    if data.kind not in CERT_KINDS:
        raise ValidationError(f"证件种类“{data.kind}”无效。", "kind")
    issued = _date(data.issued_on, "发证日期")
    until = _date(data.valid_until, "有效期至")
    if until <= issued:
        raise ValidationError(f"有效期至 {until:%Y-%m-%d} 应晚于发证日期 {issued:%Y-%m-%d}。", "valid_until")
    return {"kind": data.kind, "number": _clean_number(data.number, cert_id), "issuer": clean_display(data.issuer),
            "issued_on": issued, "valid_until": until, "law_field": clean_display(data.law_field),
            "region": clean_display(data.region), "note": clean_display(data.note)}


def apply_for(officer_id: int, kind: str = "law", on_date: dt.date | str | None = None,
              law_field: str = "", region: str = "", doc_number: str = "") -> Certificate:
    """申领: a card without a number yet; refused for 辅助人员, people who left, or without a passed exam."""
    officer = get_officer(officer_id)
    day = _date(on_date, "申领日期", required=False) or dt.date.today()
    _not_future(day, "申领日期")
    why = can_hold(officer)
    if why:
        raise ValidationError(why, "officer")
    if not exam_ok(officer.id, day):
        raise ValidationError(f"{officer.name}没有通过资格考试（或免试）的记录，不能申领证件。"
                              "请先登记资格考试。", "exam")
    clash = _live_same_kind(officer.id, kind, day)
    if clash is not None:
        raise ValidationError(f"{officer.name}已有{CERT_KINDS[kind]} {clash.number or '（申领中）'}，"
                              "不能重复申领；到期请办理换证。", "kind")
    with db.atomic():
        cert = Certificate.create(officer=officer.id, kind=kind, law_field=clean_display(law_field),
                                  region=clean_display(region), created_at=now())
        _record_event(cert, "apply", day, doc_number=clean_display(doc_number))
    return cert


def issue(cert_id: int, data: CertificateInput, doc_number: str = "") -> Certificate:
    """发证 for a card 申领中: the number, issuer and validity are known now."""
    cert = get_certificate(cert_id)
    values = _clean_card(CertificateInput(**{**data.__dict__, "kind": cert.kind}), cert.id)
    _not_future(values["issued_on"], "发证日期")
    officer = Officer.get_by_id(cert.officer_id)
    why = can_hold(officer)
    if why:
        raise ValidationError(why, "officer")
    with db.atomic():
        _check_sequence(cert, "issue", values["issued_on"])
        for key, value in values.items():
            setattr(cert, key, value)
        cert.save()
        _record_event(cert, "issue", values["issued_on"], doc_number=clean_display(doc_number))
    return cert


def register_existing(officer_id: int, data: CertificateInput, doc_number: str = "",
                      reason: str = "登记已有证件") -> Certificate:
    """A card issued before the app was used (roster import, first entry). No exam gate: the card exists;
    if its holder should not have it, the warnings say so."""
    values = _clean_card(data)
    _not_future(values["issued_on"], "发证日期")
    with db.atomic():
        cert = Certificate.create(officer=officer_id, created_at=now(), **values)
        _record_event(cert, "issue", values["issued_on"], reason=reason, doc_number=clean_display(doc_number))
    return cert


def update_card(cert_id: int, data: CertificateInput) -> Certificate:
    """Correct the card's data (a typo in 有效期至 …); not a lifecycle change, but audited."""
    cert = get_certificate(cert_id)
    values = _clean_card(CertificateInput(**{**data.__dict__, "kind": cert.kind}), cert.id)
    labels = {"number": "证号", "issuer": "发证机关", "issued_on": "发证日期", "valid_until": "有效期至",
              "law_field": "执法类别", "region": "执法区域", "note": "备注"}
    with db.atomic():
        before = {labels[k]: getattr(cert, k) for k in labels}
        for key, value in values.items():
            setattr(cert, key, value)
        cert.save()
        officer = Officer.get_by_id(cert.officer_id)
        audit.record("update", "certificate", cert.id, before, {labels[k]: getattr(cert, k) for k in labels},
                     summary=f"修改证件信息：{officer.name} {cert.number}", unit_id=officer.unit_id)
    return cert


def add_event(cert_id: int, kind: str, on_date: dt.date | str | None = None, reason: str = "",
              doc_number: str = "", until: dt.date | str | None = None) -> CertificateEvent:
    """年审 通过/不通过, 暂扣 (with its end date), 恢复, 收回, 注销. 申领/发证/换证 have their own calls."""
    if kind not in ("review_pass", "review_fail", "suspend", "restore", "revoke", "cancel"):
        raise ValidationError(f"变动“{EVENTS.get(kind, kind)}”不能这样登记。", "kind")
    cert = get_certificate(cert_id)
    day = _date(on_date, "日期", required=False) or dt.date.today()
    _not_future(day, f"{EVENTS[kind]}日期")
    reason = clean_display(reason)
    if kind in NEEDS_REASON and not reason:
        raise ValidationError(f"{EVENTS[kind]}须注明原因。", "reason")
    end = _date(until, "暂扣截止日期", required=False)
    if kind == "suspend":
        if end is None:
            raise ValidationError("暂扣须注明期限（暂扣至哪一天）。", "until")
        if end <= day:
            raise ValidationError(f"暂扣截止日期 {end:%Y-%m-%d} 应晚于暂扣日期 {day:%Y-%m-%d}。", "until")
    with db.atomic():
        _check_sequence(cert, kind, day)
        return _record_event(cert, kind, day, reason, clean_display(doc_number), end if kind == "suspend" else None)


def renew(cert_id: int, data: CertificateInput, doc_number: str = "") -> Certificate:
    """换证: the old card is closed (已换证) and a new one with a new number is issued the same day."""
    old = get_certificate(cert_id)
    # the old card is left out of the clash check so that reusing its number gets the message below
    values = _clean_card(CertificateInput(**{**data.__dict__, "kind": old.kind}), old.id)
    day = values["issued_on"]
    _not_future(day, "换证日期")
    officer = Officer.get_by_id(old.officer_id)
    why = can_hold(officer)
    if why:
        raise ValidationError(why, "officer")
    if values["number"] == old.number:
        raise ValidationError("换证须使用新的证号。", "number")
    with db.atomic():
        _check_sequence(old, "renew", day)
        new = Certificate.create(officer=officer.id, created_at=now(), **values)
        _record_event(old, "renew", day, reason=f"换发新证 {new.number}", doc_number=clean_display(doc_number))
        _record_event(new, "issue", day, reason=f"换证（原证 {old.number}）", doc_number=clean_display(doc_number))
        old.replaced_by = new.id
        old.save()
    return new


def timeline(officer_id: int) -> list[tuple[Certificate, CertificateEvent]]:
    """Every event of every certificate of one officer, oldest first."""
    query = (CertificateEvent.select(CertificateEvent, Certificate).join(Certificate)
             .where(Certificate.officer == officer_id)
             .order_by(CertificateEvent.on_date, CertificateEvent.id))
    return [(event.certificate, event) for event in query]


def add_exam(officer_id: int, on_date: dt.date | str, score: float | None = None, passed: bool = False,
             exempt: bool = False, note: str = "") -> QualificationExam:
    day = _date(on_date, "考试日期")
    _not_future(day, "考试日期")
    if score is not None and not 0 <= float(score) <= 100:
        raise ValidationError(f"考试成绩 {score} 应在 0 到 100 之间。", "score")
    officer = Officer.get_by_id(officer_id)
    with db.atomic():
        exam = QualificationExam.create(officer=officer.id, on_date=day, score=score, passed=passed or exempt,
                                        exempt=exempt, note=clean_display(note))
        result = "免试（法律职业资格）" if exempt else ("通过" if passed else "未通过")
        audit.record("create", "exam", exam.id, None, {"日期": day, "成绩": score, "结果": result},
                     summary=f"资格考试：{officer.name} {result}", unit_id=officer.unit_id)
    return exam
