"""The demo county's 执法人员与证件: about 600 officers in the enforcement departments, the townships and the
司法局, entered through the same services the clerk uses (create_officer, add_exam, apply_for/issue,
register_existing, add_event, renew, move_officer, set_status, set_appraisal).

Everything is dated relative to `ctx.today`, so whenever the demo is generated it has cards expiring within
30/90/180 days, cards expired and not renewed, a 暂扣 past its period, and the handful of rule violations the
warnings exist for (an auxiliary holding a card, an officer on a post without one, a retired officer whose
card was never cancelled, two valid cards at once, two units short of 法制审核人员).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from desktop_app.core import audit
from desktop_app.core.id_card import id_check_character
from desktop_app.core.models import AnnualAppraisal, Officer, OfficerChange, QualificationExam, now
from desktop_app.core.personnel import certificates as cs
from desktop_app.core.personnel import officers as of

# (unit short name, headcount, law fields drawn from, issuing authority of its cards)
COUNTY_GOV = "吴忠市红寺堡区人民政府"
CITY_GOV = "吴忠市人民政府"
OLD_ISSUER = "宁夏回族自治区人民政府法制办公室"  # provincial cards before the national style (2021)
TOWNSHIP_FIELD = "乡镇（街道）综合执法"
STAFF: list[tuple[str, int, tuple[str, ...], str]] = [
    ("司法局", 16, ("司法行政",), COUNTY_GOV),
    ("市场监督管理分局", 60, ("市场监管",), CITY_GOV),
    ("综合执法局", 62, ("城市管理",), COUNTY_GOV),
    ("住房城乡建设和交通局", 50, ("交通运输", "交通运输", "住房城乡建设"), COUNTY_GOV),
    ("农业农村局", 40, ("农业",), COUNTY_GOV),
    ("生态环境分局", 34, ("生态环境",), CITY_GOV),
    ("自然资源分局", 30, ("自然资源",), CITY_GOV),
    ("卫生健康局", 28, ("卫生健康",), COUNTY_GOV),
    ("税务局", 28, ("税务",), "国家税务总局宁夏回族自治区税务局"),
    ("应急管理局", 28, ("应急管理",), COUNTY_GOV),
    ("文化旅游广电局", 24, ("文化市场",), COUNTY_GOV),
    ("林业和草原局", 20, ("林业草原",), COUNTY_GOV),
    ("水务局", 18, ("水利",), COUNTY_GOV),
    ("公安分局", 16, ("公安",), CITY_GOV),
    ("消防救援大队", 14, ("应急管理",), "宁夏回族自治区消防救援总队"),
    ("人力资源和社会保障局", 12, ("人力资源社会保障",), COUNTY_GOV),
    ("教育局", 12, ("教育",), COUNTY_GOV),
    ("烟草专卖局", 9, ("其他",), "宁夏回族自治区烟草专卖局"),
    ("医疗保障局", 9, ("其他",), COUNTY_GOV),
    ("民政局", 8, ("民政",), COUNTY_GOV),
    ("工业信息化和商务局", 8, ("其他",), COUNTY_GOV),
    ("发展和改革局", 7, ("其他",), COUNTY_GOV),
    ("财政局", 6, ("其他",), COUNTY_GOV),
    ("统计局", 5, ("其他",), COUNTY_GOV),
    ("退役军人事务局", 5, ("其他",), COUNTY_GOV),
    ("气象局", 5, ("其他",), "宁夏回族自治区气象局"),
    ("红寺堡镇", 12, (TOWNSHIP_FIELD,), COUNTY_GOV),
    ("太阳山镇", 10, (TOWNSHIP_FIELD,), COUNTY_GOV),
    ("新庄集乡", 9, (TOWNSHIP_FIELD,), COUNTY_GOV),
    ("大河乡", 8, (TOWNSHIP_FIELD,), COUNTY_GOV),
    ("柳泉乡", 7, (TOWNSHIP_FIELD,), COUNTY_GOV),
]
TOWNSHIPS = ("红寺堡镇", "太阳山镇", "新庄集乡", "大河乡", "柳泉乡")
# Units whose 法制审核人员 stay below the 5 % line, for the warning to find.
SHORT_OF_REVIEWERS = {"住房城乡建设和交通局": 1, "大河乡": 0}
# Categories per kind of unit (weights): the comprehensive teams are mostly 参公 or 事业编制.
CATEGORY_MIX = {
    "bureau": (("行政编制公务员", 70), ("参照公务员法管理", 15), ("事业编制", 15)),
    "team": (("参照公务员法管理", 55), ("行政编制公务员", 25), ("事业编制", 20)),
    "township": (("行政编制公务员", 60), ("事业编制", 40)),
}
TEAM_UNITS = ("综合执法局", "市场监督管理分局", "生态环境分局", "农业农村局", "文化旅游广电局", "应急管理局",
              "住房城乡建设和交通局")

# 6403xx: 红寺堡区 first, then where its people came from (同心, 利通, 盐池, 青铜峡).
AREA_CODES = (("640303", 50), ("640324", 22), ("640302", 13), ("640323", 8), ("640381", 7))
SURNAMES = (("王", 9), ("李", 8), ("张", 7), ("刘", 6), ("杨", 5), ("陈", 4), ("赵", 3), ("周", 3), ("吴", 2),
            ("田", 3), ("何", 3), ("郭", 2), ("徐", 2), ("孙", 2), ("朱", 2), ("高", 2), ("罗", 2), ("黄", 2),
            ("冯", 2), ("贺", 2), ("韩", 2), ("苏", 2), ("白", 2), ("金", 1), ("余", 1), ("蒋", 1), ("林", 1),
            ("马", 12), ("丁", 3), ("海", 2), ("撒", 1), ("纳", 1), ("锁", 1), ("虎", 1), ("拜", 1), ("黑", 1))
HUI_SURNAMES = ("马", "丁", "海", "撒", "纳", "锁", "虎", "拜", "黑")
MALE_CHARS = "伟强军勇杰涛斌超明辉刚平华建国志文磊鹏飞宁兵锋彬俊波亮林海龙峰云宏斌学忠福成生军武义东晨阳浩宇"
FEMALE_CHARS = "芳娟霞丽静敏燕艳玲婷慧萍红梅琴瑞雪兰花娜倩颖佳蓉秀凤英莉璐悦欣怡月宁洁"
OTHER_ETHNIC = ("蒙古族", "满族", "东乡族", "土族")
MAJORS = ("法学", "法学", "法学", "行政管理", "汉语言文学", "计算机科学与技术", "会计学", "公共事业管理",
          "经济学", "思想政治教育", "工商管理")
UNIT_MAJORS = {"市场监督管理分局": "食品科学与工程", "生态环境分局": "环境工程", "农业农村局": "农学",
               "卫生健康局": "预防医学", "自然资源分局": "土地资源管理", "住房城乡建设和交通局": "土木工程",
               "林业和草原局": "林学", "水务局": "水利水电工程", "应急管理局": "安全工程", "税务局": "税收学",
               "消防救援大队": "消防工程", "文化旅游广电局": "旅游管理"}
MOBILE_PREFIXES = ("139", "138", "135", "137", "150", "151", "152", "158", "159", "130", "131", "132", "155",
                   "156", "133", "153", "180", "181", "189", "177", "199", "187", "182")

# Card scenarios for officers on a post (each a count; the rest are plain valid cards).
SCENARIOS = (("none", 6), ("applied", 8), ("exam_issue", 40), ("failed_then_passed", 10), ("exempt", 8),
             ("renew", 60), ("renew3", 5), ("expiring30", 5), ("expiring90", 7), ("expiring180", 12),
             ("expired", 6), ("expired_cancelled", 3), ("suspended", 4), ("suspend_overdue", 1),
             ("suspend_restored", 3), ("review_fail", 1), ("review_fail_restored", 1), ("revoked", 1),
             ("revoked_cancelled", 1), ("lost", 1), ("two_valid", 1))
NEW_HIRE = {"none", "applied", "exam_issue", "failed_then_passed"}
APPRAISAL_MIX = {"civil": (("优秀", 15), ("称职", 81), ("基本称职", 3), ("不称职", 1)),
                 "other": (("优秀", 14), ("合格", 82), ("基本合格", 3), ("不合格", 1))}


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Person:
    unit: str
    index: int  # position in its unit (0 = the head)
    auxiliary: bool = False
    gender: str = "男"
    birth: dt.date = dt.date(1980, 1, 1)
    start: dt.date = dt.date(2005, 1, 1)  # joined the unit (the roster's 登记 date)
    category: str = ""
    on_post: bool = True
    reviewer: bool = False
    lawyer: bool = False
    scenario: str = "plain"
    supervision: bool = False  # also holds a 行政执法监督证
    leave: tuple[str, dt.date, bool] | None = None  # (status, date, cancel certificates)
    move: tuple[str, dt.date] | None = None  # (target unit, date)
    officer_id: int = 0
    last_event: dt.date = dt.date.min  # latest certificate event, so leaving comes after it


class PersonnelDemo:
    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today: dt.date = ctx.today
        self.used_ids: set[str] = set()
        self.serial = 0
        self.doc_serial: dict[int, int] = {}
        # exams behind cards entered as existing: on file only, no later 申领 depends on them, so they are
        # written in one go (add_exam one by one would be a sixth of the step's time)
        self.past_exams: list[tuple] = []
        self.fields = {short: fields for short, _, fields, _ in STAFF}
        self.issuers = {short: issuer for short, _, _, issuer in STAFF}

    # -- small generators ---------------------------------------------------------------------------------
    def weighted(self, pairs):
        values = [v for v, _ in pairs]
        return self.rng.choices(values, weights=[w for _, w in pairs])[0]

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def id_number(self, birth: dt.date, gender: str) -> str:
        area = self.weighted(AREA_CODES)
        while True:
            seq = self.rng.randrange(0, 100) * 10 + self.rng.choice((1, 3, 5, 7, 9) if gender == "男"
                                                                     else (0, 2, 4, 6, 8))
            first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
            number = first17 + id_check_character(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                # clerks often type the check character in lower case; the service upper-cases it
                return number.lower() if number.endswith("X") and self.rng.random() < 0.3 else number

    def name(self, gender: str) -> str:
        surname = self.weighted(SURNAMES)
        chars = MALE_CHARS if gender == "男" else FEMALE_CHARS
        given = "".join(self.rng.choice(chars) for _ in range(1 if self.rng.random() < 0.3 else 2))
        return surname + given

    def ethnicity(self, surname: str) -> str:
        roll = self.rng.random()
        if surname in HUI_SURNAMES:
            return "回族" if roll < 0.85 else "汉族"
        return "回族" if roll < 0.22 else (self.rng.choice(OTHER_ETHNIC) if roll < 0.25 else "汉族")

    def phone(self) -> str:
        if self.rng.random() < 0.06:  # an office line
            return f"0953-5{self.rng.randrange(0, 10**6):06d}"
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(0, 10**8):08d}"

    def card_number(self, kind: str, issued: dt.date, unit: str) -> str:
        self.serial += 1
        if kind == "supervision":
            return f"JD640303{issued:%y}{self.serial:05d}"
        if issued.year < 2021:
            return f"NX{issued:%y}{self.serial:06d}"
        area = "640300" if self.issuers[unit] == CITY_GOV else "640303"
        return f"{area}{issued:%y}{self.serial:05d}"

    def doc_number(self, day: dt.date) -> str:
        self.doc_serial[day.year] = self.doc_serial.get(day.year, 0) + 1
        return f"红司执监〔{day.year}〕{self.doc_serial[day.year]}号"

    # -- planning -----------------------------------------------------------------------------------------
    def plan(self) -> list[Person]:
        people: list[Person] = []
        for short, count, _, _ in STAFF:
            aux_count = 0 if short in ("司法局", "税务局", "气象局") else max(
                int(short in TOWNSHIPS), round(count * self.rng.uniform(0.06, 0.12)))
            for index in range(count):
                people.append(Person(short, index, auxiliary=index >= count - aux_count))
        regular = [p for p in people if not p.auxiliary]
        justice = [p for p in regular if p.unit == "司法局"]
        others = [p for p in regular if p.unit != "司法局"]
        self.rng.shuffle(others)

        # ~6 % of the regular staff work in the office, not on an enforcement post (heads excepted)
        for person in others:
            if person.index > 0 and self.rng.random() < 0.06:
                person.on_post = False
        on_post = [p for p in others if p.on_post]

        # who leaves, who moves: taken from the officers with an ordinary valid card
        pool = list(on_post)
        leavers = [pool.pop() for _ in range(19)]
        for number, person in enumerate(leavers):
            if number < 10:
                status, day = "退休", self.days_ago(15, 600)
                person.birth = add_years(day, -60) - dt.timedelta(days=self.rng.randint(0, 25))
                person.leave = (status, day, number != 0)  # the first one's card is left uncancelled
            elif number < 17:
                person.leave = ("调离", self.days_ago(20, 700), True)
            else:
                person.leave = ("辞职", self.days_ago(20, 500), True)
        leavers[-3].scenario = "no_card"  # transferred out before ever getting a card
        targets = [short for short, *_ in STAFF if short not in ("司法局", "税务局", "公安分局", "消防救援大队",
                                                                  "气象局", "烟草专卖局")]
        # ten transfers from the departments, no township growing past 12 and no unit shrinking below 5
        heads = {short: count for short, count, _, _ in STAFF}
        moved, skipped = 0, []
        while moved < 10:
            person = pool.pop()
            if person.unit in TOWNSHIPS or heads[person.unit] <= 5:
                skipped.append(person)
                continue
            target = self.rng.choice([t for t in targets if t != person.unit
                                      and (t not in TOWNSHIPS or heads[t] < 12)])
            heads[target] += 1
            heads[person.unit] -= 1
            person.move = (target, self.days_ago(30, 900))
            moved += 1
        pool += skipped

        # card scenarios for the rest of the officers on a post
        for scenario, count in SCENARIOS:
            for _ in range(count):
                pool.pop().scenario = scenario

        self._plan_justice(justice)
        self._plan_reviewers(people)
        for person in people:
            self._plan_person(person)
        return people

    def _plan_justice(self, justice: list[Person]) -> None:
        """司法局: the 执法监督 section holds 监督证 (two of them only that), two 公职律师, one on a post without
        a card yet."""
        for person in justice:
            person.scenario = "plain"
        for person in justice[1:5]:
            person.supervision = True
        for person in justice[1:3]:
            person.on_post = False
            person.scenario = "supervision_only"
        justice[5].lawyer = justice[6].lawyer = True
        justice[5].scenario = justice[6].scenario = "exempt"
        justice[7].scenario = "renew"
        justice[-1].scenario = "applied"

    def _plan_reviewers(self, people: list[Person]) -> None:
        """About 5 % 法制审核人员 in every unit (at least one), counted on who is there at the end."""
        final: dict[str, list[Person]] = {}
        for person in people:
            if person.auxiliary or person.leave:
                continue
            final.setdefault(person.move[0] if person.move else person.unit, []).append(person)
        for unit, members in final.items():
            needed = math.ceil(len(members) * 5 / 100)
            needed = SHORT_OF_REVIEWERS.get(unit, needed)
            candidates = [p for p in members if not p.move and p.index > 0]
            candidates.sort(key=lambda p: (not p.on_post, p.scenario not in ("plain", "renew", "exempt")))
            for person in candidates[:needed]:
                person.reviewer = True
                if self.rng.random() < 0.5 and person.scenario == "plain":
                    person.scenario = "exempt"  # many reviewers passed the 法律职业资格 exam

    def _plan_person(self, person: Person) -> None:
        rng = self.rng
        if person.leave and person.leave[0] == "退休":
            person.gender = "男"
        else:
            person.gender = "男" if rng.random() < 0.66 else "女"
            if person.scenario in NEW_HIRE:
                year = rng.randint(1993, 2000)
            elif person.index == 0:
                year = rng.randint(1968, 1980)
            else:
                latest = 1982 if person.scenario == "renew3" else 1990 if person.scenario == "renew" else 1992
                year = min(latest, max(1965, round(rng.triangular(1965, 1992, 1982))))
            person.birth = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        joined = add_years(person.birth, rng.randint(21, 26)) + dt.timedelta(days=rng.randrange(300))
        if person.scenario in ("exam_issue", "failed_then_passed"):
            person.start = self.days_ago(1100, 1500)  # exams, 申领 and 发证 all come after
        elif person.scenario in NEW_HIRE:
            person.start = self.days_ago(200, 700)
        else:  # in post before the first card the scenario gives them
            years = 16 if person.scenario == "renew3" else 11 if person.scenario == "renew" else 6
            person.start = min(joined, add_years(self.today, -years) - dt.timedelta(days=rng.randrange(200)))
        if person.auxiliary:
            person.category = "工勤" if rng.random() < 0.25 else "编外·辅助人员"
            person.on_post = rng.random() < 0.12  # most 辅助人员 are not on an enforcement post
        else:
            kind = ("township" if person.unit in TOWNSHIPS else "team" if person.unit in TEAM_UNITS
                    else "bureau")
            person.category = self.weighted(CATEGORY_MIX[kind])

    def post(self, person: Person) -> str:
        rng = self.rng
        township = person.unit in TOWNSHIPS
        if person.auxiliary:
            return ("驾驶员" if rng.random() < 0.5 else "工勤技能岗") if person.category == "工勤" else \
                rng.choice(("执法辅助人员", "协管员", "执法辅助人员"))
        if person.index == 0:
            return "副镇长（分管综合执法）" if township and person.unit.endswith("镇") else \
                "副乡长（分管综合执法）" if township else ("副局长" if person.unit == "税务局" else "局长")
        if person.index <= 2 and not township:
            return "副局长" if person.index == 1 else ("大队长" if person.unit in TEAM_UNITS else "副局长")
        if person.index == 1 and township:
            return "综合执法办主任"
        if person.category == "事业编制":
            return rng.choice(("执法队员", "专业技术人员", "执法队员"))
        age = self.today.year - person.birth.year
        ranks = (("一级主任科员", "二级主任科员", "中队长") if age >= 45 else
                 ("三级主任科员", "四级主任科员", "科长", "副科长") if age >= 33 else
                 ("一级科员", "二级科员", "四级主任科员"))
        return rng.choice(ranks)

    def officer_input(self, person: Person, unit_id: int) -> of.OfficerInput:
        rng = self.rng
        name = self.name(person.gender)
        young = self.today.year - person.birth.year < 30
        political = self.weighted((("中共党员", 62), ("群众", 18 if not young else 8),
                                   ("共青团员", 2 if not young else 25), ("中共预备党员", 2), ("民主党派", 2),
                                   ("无党派人士", 1)))
        education = self.weighted((("大学本科", 64), ("研究生", 7), ("大学专科", 23), ("中专", 3), ("高中", 3))
                                  if not person.auxiliary else (("大学专科", 45), ("大学本科", 25), ("高中", 20),
                                                                ("中专", 10)))
        major = "" if education in ("高中", "中专") else (
            UNIT_MAJORS[person.unit] if person.unit in UNIT_MAJORS and rng.random() < 0.4 else rng.choice(MAJORS))
        region = person.unit if person.unit in TOWNSHIPS else "红寺堡区"
        return of.OfficerInput(
            unit_id=unit_id, name=name, id_number=self.id_number(person.birth, person.gender),
            gender=person.gender, ethnicity=self.ethnicity(name[0]), political_status=political,
            education=education, major=major, post=self.post(person), category=person.category,
            on_enforcement_post=person.on_post, law_field=rng.choice(self.fields[person.unit]), region=region,
            phone=self.phone(), is_legal_reviewer=person.reviewer, is_public_lawyer=person.lawyer)

    # -- certificates -------------------------------------------------------------------------------------
    def card(self, person: Person, issued: dt.date, valid_until: dt.date | None = None, kind: str = "law",
             issuer: str | None = None) -> cs.CertificateInput:
        return cs.CertificateInput(
            kind=kind, number=self.card_number(kind, issued, person.unit),
            issuer=issuer or (COUNTY_GOV if kind == "supervision" else
                              OLD_ISSUER if issued.year < 2021 else self.issuers[person.unit]),
            issued_on=issued, valid_until=valid_until or add_years(issued, 5) - dt.timedelta(days=1),
            law_field="执法监督" if kind == "supervision" else self.fields[person.unit][0],
            region=person.unit if person.unit in TOWNSHIPS else "红寺堡区")

    def exam(self, person: Person, day: dt.date, passed: bool = True) -> None:
        score = self.rng.randint(120, 196) / 2 if passed else self.rng.randint(70, 118) / 2
        cs.add_exam(person.officer_id, day, score=score, passed=passed)
        person.last_event = max(person.last_event, day)

    def register(self, person: Person, issued: dt.date, valid_until: dt.date | None = None,
                 kind: str = "law", exam: bool = True):
        if exam and kind == "law" and self.rng.random() < 0.65:  # the exam that led to this card, on file
            day = max(person.start, issued - dt.timedelta(days=self.rng.randint(30, 200)))
            self.past_exams.append((person.officer_id, day, self.rng.randint(120, 196) / 2, True, False))
        cert = cs.register_existing(person.officer_id, self.card(person, issued, valid_until, kind))
        person.last_event = max(person.last_event, issued)
        return cert

    def apply_issue(self, person: Person, applied: dt.date, issued: dt.date | None):
        cert = cs.apply_for(person.officer_id, "law", applied, law_field=self.fields[person.unit][0])
        person.last_event = max(person.last_event, applied)
        if issued is not None:
            cert = cs.issue(cert.id, self.card(person, issued))
            person.last_event = max(person.last_event, issued)
        return cert

    def event(self, person: Person, cert_id: int, kind: str, day: dt.date, reason: str = "",
              until: dt.date | None = None, doc: bool = False) -> None:
        cs.add_event(cert_id, kind, day, reason=reason, until=until, doc_number=self.doc_number(day) if doc else "")
        person.last_event = max(person.last_event, day)

    def plain_issue_date(self, newest: int = 30) -> dt.date:
        """A card still valid for more than 180 days, issued at least `newest` days ago; most of them in the
        oldest two years that can still have that much to run."""
        oldest = (self.today - add_years(self.today, -5)).days - 200
        return self.days_ago(max(newest, oldest - 700 if self.rng.random() < 0.6 else newest), oldest)

    def expiring(self, low: int, high: int) -> tuple[dt.date, dt.date]:
        until = self.today + dt.timedelta(days=self.rng.randint(low, high))
        return add_years(until + dt.timedelta(days=1), -5), until

    def certificates(self, person: Person) -> None:
        rng, today = self.rng, self.today
        scenario = person.scenario
        if person.auxiliary or (not person.on_post and scenario != "supervision_only"):
            return
        if person.supervision:
            self.register(person, self.days_ago(200, 1400), kind="supervision")
        if scenario == "supervision_only":
            return
        if person.leave:
            if scenario == "plain":  # a card valid when they left; leaving cancels it (set_status)
                day = person.leave[1] - dt.timedelta(days=rng.randint(60, 1400))
                self.register(person, max(day, person.start + dt.timedelta(days=30)))
            return
        if scenario == "plain":
            cert = self.register(person, self.plain_issue_date())
            if rng.random() < 0.3:  # passed this or last spring's 年审 (not in the card's first year)
                year = max(cert.issued_on.year + 1, today.year - 1)
                day = dt.date(year, 3, rng.randint(1, 28))
                if cert.issued_on < day <= today:
                    self.event(person, cert.id, "review_pass", day)
        elif scenario == "none":
            if rng.random() < 0.5:
                self.exam(person, self.days_ago(30, 150), passed=False)
        elif scenario == "applied":
            self.exam(person, self.days_ago(60, 200))
            self.apply_issue(person, self.days_ago(3, 50), None)
        elif scenario in ("exam_issue", "failed_then_passed", "exempt"):
            issued = self.days_ago(20, 1000)
            applied = issued - dt.timedelta(days=rng.randint(15, 60))
            passed_on = applied - dt.timedelta(days=rng.randint(10, 90))
            if scenario == "exempt":
                cs.add_exam(person.officer_id, passed_on, exempt=True, note="持有法律职业资格证书，免于考试")
            else:
                if scenario == "failed_then_passed":
                    self.exam(person, passed_on - dt.timedelta(days=rng.randint(120, 240)), passed=False)
                self.exam(person, passed_on)
            self.apply_issue(person, applied, issued)
        elif scenario in ("renew", "renew3"):
            issued = (self.expiring(60, 170)[0] if rng.random() < 0.15 else self.plain_issue_date())
            chain = [issued - dt.timedelta(days=rng.randint(3 * 365, 5 * 365))]
            if scenario == "renew3":
                chain.insert(0, chain[0] - dt.timedelta(days=5 * 365 + rng.randint(-30, 30)))
            cert = self.register(person, chain[0], exam=False)
            for day in chain[1:] + [issued]:
                cert = cs.renew(cert.id, self.card(person, day))
            person.last_event = issued
        elif scenario.startswith("expiring"):
            low, high = {"expiring30": (0, 30), "expiring90": (31, 90), "expiring180": (91, 180)}[scenario]
            self.register(person, *self.expiring(low, high))
        elif scenario in ("expired", "expired_cancelled"):
            issued, until = self.expiring(-400, -20)
            cert = self.register(person, issued, until)
            if scenario == "expired_cancelled":
                self.event(person, cert.id, "cancel", until + dt.timedelta(days=rng.randint(5, 19)),
                           reason="期满未换证")
        elif scenario in ("suspended", "suspend_overdue", "suspend_restored"):
            cert = self.register(person, self.plain_issue_date(400))
            start = {"suspended": self.days_ago(5, 60), "suspend_overdue": self.days_ago(120, 200),
                     "suspend_restored": self.days_ago(300, 700)}[scenario]
            start = max(start, cert.issued_on + dt.timedelta(days=30))
            length = rng.randint(30, 90) if scenario == "suspend_overdue" else rng.randint(90, 180)
            if scenario == "suspended":
                length = max(length, (today - start).days + 30)
            until = start + dt.timedelta(days=length)
            self.event(person, cert.id, "suspend", start, rng.choice(cs.SUSPEND_REASONS[:5]), until, doc=True)
            if scenario == "suspend_restored" and until + dt.timedelta(days=10) <= today:
                self.event(person, cert.id, "restore", until + dt.timedelta(days=rng.randint(0, 10)),
                           reason="经培训考核合格，恢复执法资格")
        elif scenario in ("review_fail", "review_fail_restored"):
            cert = self.register(person, self.plain_issue_date(400))
            day = dt.date(today.year if today.month > 4 else today.year - 1, 3, rng.randint(1, 28))
            day = max(day, cert.issued_on + dt.timedelta(days=30))
            self.event(person, cert.id, "review_fail", day, "年审不合格：年度培训学时不足", doc=True)
            if scenario == "review_fail_restored" and day + dt.timedelta(days=45) <= today:
                self.event(person, cert.id, "restore", day + dt.timedelta(days=45), "补足培训学时，年审复核通过")
        elif scenario in ("revoked", "revoked_cancelled"):
            cert = self.register(person, self.plain_issue_date(400))
            day = max(self.days_ago(60, 300), cert.issued_on + dt.timedelta(days=60))
            self.event(person, cert.id, "suspend", day, "被投诉查实", day + dt.timedelta(days=90), doc=True)
            revoke = day + dt.timedelta(days=rng.randint(10, 40))
            self.event(person, cert.id, "revoke", min(revoke, today), "暂扣期间拒不改正，收回证件", doc=True)
            if scenario == "revoked_cancelled" and revoke + dt.timedelta(days=15) <= today:
                self.event(person, cert.id, "cancel", revoke + dt.timedelta(days=15), "处分", doc=True)
        elif scenario == "lost":
            cert = self.register(person, self.plain_issue_date(400), exam=False)
            self.exam(person, cert.issued_on - dt.timedelta(days=60))
            lost = max(self.days_ago(100, 300), cert.issued_on + dt.timedelta(days=30))
            self.event(person, cert.id, "cancel", lost, "遗失")
            self.apply_issue(person, lost, lost + dt.timedelta(days=rng.randint(10, 30)))
        elif scenario == "two_valid":  # a card entered twice under two numbers: the warning must find it
            self.register(person, self.plain_issue_date())
            self.register(person, self.plain_issue_date(), exam=False)

    # -- the step -----------------------------------------------------------------------------------------
    def run(self) -> None:
        people = self.plan()
        units = self.ctx.units
        self.create_officers(people)
        aux_with_card = next(p for p in people if p.auxiliary and p.unit == "综合执法局")
        for person in people:
            self.certificates(person)
        # an auxiliary who was given a card before the rules were enforced (the warning must find it)
        aux_card = self.days_ago(400, 900)
        cs.register_existing(aux_with_card.officer_id, self.card(aux_with_card, aux_card))
        for person in people:
            if person.move:
                target, day = person.move
                day = max(day, person.start + dt.timedelta(days=30))
                of.move_officer(person.officer_id, units[target].id, day, "工作调动",
                                f"红组干〔{day.year}〕{self.rng.randint(3, 60)}号")
                officer = of.get_officer(person.officer_id)
                data = of.input_from(officer)
                data.law_field = self.fields[target][0]
                data.region = target if target in TOWNSHIPS else "红寺堡区"
                of.update_officer(officer.id, data)
            if person.leave:
                status, day, cancel = person.leave
                day = min(self.today, max(day, person.last_event + dt.timedelta(days=1)))
                of.set_status(person.officer_id, status, day, reason={"退休": "达到法定退休年龄",
                              "调离": "调出本区", "辞职": "本人申请辞职"}[status], cancel_certificates=cancel)
                person.leave = (status, day, cancel)
        for start in range(0, len(self.past_exams), 200):
            QualificationExam.insert_many(self.past_exams[start:start + 200], fields=[
                QualificationExam.officer, QualificationExam.on_date, QualificationExam.score,
                QualificationExam.passed, QualificationExam.exempt]).execute()
        self.appraisals(people)

    def create_officers(self, people: list[Person]) -> None:
        """What create_officer does for each, in bulk (600 one by one take a second): every record goes
        through clean_officer, and each gets its 登记 entry in the history. The 身份证号 are distinct by
        construction and the table's UNIQUE index would refuse a repeat, so the per-row duplicate query
        is skipped; no audit entry per demo officer, as for the demo's progress reports."""
        rows = [of.clean_officer(self.officer_input(person, self.ctx.units[person.unit].id), today=self.today,
                                 check_duplicate=False) for person in people]
        stamp = now()
        for start in range(0, len(rows), 40):
            Officer.insert_many([{**row, "created_at": stamp, "updated_at": stamp}
                                 for row in rows[start:start + 40]]).execute()
        ids = dict(Officer.select(Officer.id_number, Officer.id).tuples())
        actor = audit.current_actor()
        changes = []
        for person, row in zip(people, rows):
            person.officer_id = ids[row["id_number"]]
            changes.append((person.officer_id, "登记", person.start, row["unit_id"], actor, stamp))
        for start in range(0, len(changes), 150):
            OfficerChange.insert_many(changes[start:start + 150], fields=[
                OfficerChange.officer, OfficerChange.kind, OfficerChange.on_date, OfficerChange.to_unit,
                OfficerChange.entered_by, OfficerChange.entered_at]).execute()

    def appraisals(self, people: list[Person]) -> None:
        """年度考核 of the last two years for everyone then in post, in bulk (results from the same list
        set_appraisal accepts, one per officer and year)."""
        rows = []
        for year in (self.today.year - 2, self.today.year - 1):
            year_end = dt.date(year, 12, 31)
            for person in people:
                if person.start > year_end or (person.leave and person.leave[1] <= year_end):
                    continue
                civil = person.category in ("行政编制公务员", "参照公务员法管理")
                result = self.weighted(APPRAISAL_MIX["civil" if civil else "other"])
                rows.append((person.officer_id, year, result))
        for start in range(0, len(rows), 300):
            AnnualAppraisal.insert_many(rows[start:start + 300], fields=[
                AnnualAppraisal.officer, AnnualAppraisal.year, AnnualAppraisal.result]).execute()


def seed_personnel(ctx) -> None:
    PersonnelDemo(ctx).run()
