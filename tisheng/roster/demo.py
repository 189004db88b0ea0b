"""A realistic, deterministic demo district (issue 2, item 6).

``build_demo(students=10_000)`` makes 青山区 of 临江市 with about a dozen schools: junior-middle schools, a
nine-year school, primary schools in a school group (集团化办学), and a central school (中心校) with a village
school (村完小) and a teaching point (教学点). Classes of 35–50 pupils and one oversized class (大班额),
teachers with subjects, titles and honours, two academic years of class membership (some pupils move class,
grade 9 of last year has left), guardians, and a login for every role. The same seed gives the same district.

Tests build it small (``students=300, class_size=(6, 10)``); the benchmark district is ``students=100_000``.
Rows are written with ``bulk_create`` in large batches: the 100,000-student district takes minutes, not hours.
The main roster tables get their first history rows too (``bulk_create_with_history``), so the audit viewer
can show what changed; memberships and teaching assignments do not (hundreds of thousands of rows).
Demo accounts share one password, hashed once (Argon2 per account would take minutes on its own).
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from tisheng.accounts.models import Role, RoleAssignment, User
from tisheng.core.idcard import check_character
from tisheng.roster.models import (
    AcademicYear,
    ClassMembership,
    District,
    Guardianship,
    HeadTeacher,
    Person,
    School,
    SchoolClass,
    SchoolGroup,
    Student,
    Subject,
    Teacher,
    TeachingAssignment,
    Term,
)

DEMO_PASSWORD = "Tisheng@2026"
# The change reason of the demo's first history rows: the audit viewer's "earlier version" of every record.
REASON = "demo district"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_M = "伟强磊军洋勇杰涛明超辉刚健鹏浩宇轩博文俊凯晨阳子豪泽瑞睿航铭诚嘉旭康乐天佑远志鑫宏昊然峰毅成"
GIVEN_F = "芳娜敏静丽艳娟霞燕玲婷雪琳欣怡悦涵萱彤佳琪蕾慧颖晴雨诗梦雅岚璐瑶菲蓉楠可馨妍月思一若依"

# Subjects (2022 curriculum plan names) with the grades they are taught in, in timetable order.
SUBJECTS = [
    ("chinese", "语文", "Chinese", range(1, 10)),
    ("math", "数学", "Mathematics", range(1, 10)),
    ("english", "英语", "English", range(3, 10)),
    ("morality", "道德与法治", "Morality and Law", range(1, 10)),
    ("science", "科学", "Science", range(1, 7)),
    ("history", "历史", "History", range(7, 10)),
    ("geography", "地理", "Geography", range(7, 9)),
    ("biology", "生物学", "Biology", range(7, 9)),
    ("physics", "物理", "Physics", range(8, 10)),
    ("chemistry", "化学", "Chemistry", range(9, 10)),
    ("pe", "体育与健康", "PE and Health", range(1, 10)),
    ("arts", "艺术", "Arts", range(1, 10)),
    ("it", "信息科技", "Information Technology", range(3, 9)),
    ("labour", "劳动", "Labour", range(1, 10)),
]
# Subjects a teacher teaches in two parallel classes; the rest are shared more widely.
CLASS_SUBJECTS = {"chinese", "math", "english", "physics", "chemistry"}

# (code, name, kind, share of students, urban, group key, central school code)
SCHOOLS = [
    ("QS01", "青山区实验中学", School.Kind.JUNIOR, 0.13, True, None, None),
    ("QS02", "青山区第二中学", School.Kind.JUNIOR, 0.10, True, None, None),
    ("QS03", "青山区育才学校", School.Kind.NINE_YEAR, 0.13, True, None, None),
    ("QS04", "青山区实验小学", School.Kind.PRIMARY, 0.13, True, "shiyan", None),
    ("QS05", "青山区实验小学东校区", School.Kind.PRIMARY, 0.08, True, "shiyan", None),
    ("QS06", "青山区城关小学", School.Kind.PRIMARY, 0.10, True, None, None),
    ("QS07", "青山区新华路小学", School.Kind.PRIMARY, 0.08, True, None, None),
    ("QS08", "柳河镇初级中学", School.Kind.JUNIOR, 0.08, False, None, None),
    ("QS09", "柳河镇中心校", School.Kind.CENTRAL, 0.08, False, None, None),
    ("QS10", "柳河镇杨庄村完全小学", School.Kind.VILLAGE, 0.04, False, None, "QS09"),
    ("QS11", "柳河镇李家湾教学点", School.Kind.TEACHING_POINT, 0.01, False, None, "QS09"),
    ("QS12", "白石镇中心校", School.Kind.CENTRAL, 0.04, False, None, None),
]
SMALL_SCHOOLS = ("QS01", "QS04", "QS09", "QS10")  # the test world's schools

# The fixed demo logins: role → username. Printed by `run.py demo`, used by the tests.
DEMO_LOGINS = {
    Role.BUREAU_ADMIN: "admin",
    Role.BUREAU_STAFF: "juzhang",
    Role.RESEARCHER: "jiaoyanyuan",
    Role.HEALTH_SECTION: "tiweiyi",
    Role.PRINCIPAL: "xiaozhang",
    Role.ACADEMIC_OFFICE: "jiaowu",
    Role.GRADE_LEADER: "nianjizuzhang",
    Role.SUBJECT_LEADER: "shuxuezuzhang",
    Role.SCHOOL_DOCTOR: "xiaoyi",
    Role.HEAD_TEACHER: "banzhuren",
    Role.TEACHER: "laoshi",
    Role.PARENT: "jiazhang",
}
AREA_CODES = ("371302", "371311", "371312", "371321")  # six-digit 行政区划代码 for plausible ID numbers


@dataclass
class DemoDistrict:
    district: District
    term: Term
    password: str
    logins: dict[str, User] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def current_academic_start(today: date) -> int:
    return today.year if today.month >= 9 else today.year - 1


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        # Common surnames are much more common: weight by rank.
        self.surname_weights = [1 / (i + 3) for i in range(len(SURNAMES))]

    def person(self, sex: str) -> str:
        rng = self.rng
        surname = rng.choices(SURNAMES, self.surname_weights)[0]
        chars = GIVEN_M if sex == "M" else GIVEN_F
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
        return surname + given


def _id_card(rng: random.Random, birth: date, sex: str) -> str:
    seq = rng.randrange(0, 50) * 2 + (1 if sex == "M" else 0)  # odd = male
    first17 = f"{rng.choice(AREA_CODES)}{birth:%Y%m%d}{rng.randrange(1, 10)}{seq:02d}"
    return first17 + check_character(first17)


def _phone(rng: random.Random) -> str:
    return rng.choice(("13", "15", "18", "17")) + f"{rng.randrange(0, 10**9):09d}"


@transaction.atomic
def build_demo(
    students: int = 10_000,
    *,
    seed: int = 20261122,
    class_size: tuple[int, int] = (35, 50),
    small: bool = False,
    other_district: bool = False,
    today: date | None = None,
    password: str = DEMO_PASSWORD,
) -> DemoDistrict:
    """Build the demo district into an empty database and return its handles.

    ``small`` keeps four schools (a junior school, a primary school, a central school and its village
    school) for tests; ``other_district`` adds a one-school neighbouring district, to test that a bureau
    sees only its own.
    """
    rng = random.Random(seed)
    names = _Names(rng)
    today = today or date.today()
    start = current_academic_start(today)
    password_hash = make_password(password)

    # --- calendar and subjects -------------------------------------------------------------------
    years = [AcademicYear.objects.create(start_year=y) for y in (start - 1, start)]
    terms: list[Term] = []
    for year in years:
        y = year.start_year
        terms.append(Term.objects.create(academic_year=year, number=1, start_date=date(y, 9, 1), end_date=date(y + 1, 1, 20)))
        terms.append(Term.objects.create(academic_year=year, number=2, start_date=date(y + 1, 2, 20), end_date=date(y + 1, 7, 10)))
    current_term = max((t for t in terms if t.start_date <= today), key=lambda t: t.start_date, default=terms[-1])
    subjects = {
        code: Subject.objects.create(code=code, name=zh, name_en=en, order=i)
        for i, (code, zh, en, _grades) in enumerate(SUBJECTS)
    }
    subject_grades = {code: grades for code, _, _, grades in SUBJECTS}

    # --- district and schools --------------------------------------------------------------------
    district = District.objects.create(code="371302", name="青山区", city="临江市")
    group = SchoolGroup.objects.create(district=district, name="青山区实验小学教育集团")
    school_rows = [s for s in SCHOOLS if not small or s[0] in SMALL_SCHOOLS]
    total_share = sum(s[3] for s in school_rows)
    schools: dict[str, School] = {}
    for code, name, kind, _share, _urban, group_key, central in school_rows:
        schools[code] = School.objects.create(
            district=district, code=code, name=name, kind=kind,
            group=group if group_key else None, central_school=schools.get(central) if central else None,
        )

    # --- classes: this year's and last year's, same numbers (a class moves up a grade together) ---------
    lo, hi = class_size
    avg = (lo + hi) / 2
    classes: dict[tuple[int, int, int, int], SchoolClass] = {}  # (school id, year start, grade, number)
    plan: list[tuple[School, int, int, int, bool]] = []  # school, grade, number of classes, size, urban
    for code, _name, kind, share, urban, _g, _c in school_rows:
        school = schools[code]
        grades = list(School.KIND_GRADES[kind])
        per_grade = students * share / total_share / len(grades)
        n_classes = max(1, round(per_grade / avg))
        for grade in grades:
            plan.append((school, grade, n_classes, max(lo, min(hi, round(per_grade / n_classes))), urban))
    for year in years:
        bulk_create_with_history(
            [SchoolClass(school=s, academic_year=year, grade=g, number=n) for s, g, k, _size, _u in plan for n in range(1, k + 1)],
            SchoolClass, default_change_reason=REASON,
        )
    for c in SchoolClass.objects.select_related("academic_year"):
        classes[(c.school_id, c.academic_year.start_year, c.grade, c.number)] = c

    # --- students and their memberships across four terms -----------------------------------------
    student_objs: list[Student] = []
    placements: list[tuple[int, School, int, int, bool]] = []  # index, school, grade now, class number, urban
    oversized_done = False
    used_ids: set[str] = set()
    for school, grade, n_classes, size, urban in plan:
        for number in range(1, n_classes + 1):
            n = max(lo, min(hi, size + rng.randint(-2, 2)))
            if not oversized_done and school.kind == School.Kind.JUNIOR and grade == 7:
                n = hi + 16  # one 大班额 class (more than 55 pupils in a class is the policy's 大班额)
                oversized_done = True
            for _ in range(n):
                sex = "M" if rng.random() < 0.52 else "F"
                age = grade + 5
                birth = date(start - age, 1, 1) + timedelta(days=rng.randrange(0, 365) + 243)
                id_card = ""
                if rng.random() < 0.85:  # the rest have no ID number on file
                    while not id_card or id_card in used_ids:
                        id_card = _id_card(rng, birth, sex)
                    used_ids.add(id_card)
                boarding_p = 0.35 if not urban and grade >= 7 else (0.1 if not urban else 0.02)
                student_objs.append(
                    Student(
                        student_no=("G" + id_card) if id_card else f"L{school.code}{len(student_objs):07d}",
                        name=names.person(sex), sex=sex, birth_date=birth, id_card_no=id_card,
                        ethnicity="汉族" if rng.random() < 0.97 else rng.choice(("回族", "满族", "蒙古族")),
                        school=school, boarding=rng.random() < boarding_p,
                        left_behind=rng.random() < (0.22 if not urban else 0.03),
                    )
                )
                placements.append((len(student_objs) - 1, school, grade, number, urban))
    # last year's grade 9 (graduated, kept with their old memberships)
    for school, grade, n_classes, size, urban in plan:
        if grade != 9:
            continue
        for number in range(1, n_classes + 1):
            for _ in range(size):
                sex = "M" if rng.random() < 0.52 else "F"
                birth = date(start - 15, 1, 1) + timedelta(days=rng.randrange(0, 365) + 243)
                student_objs.append(
                    Student(student_no=f"L{school.code}{len(student_objs):07d}", name=names.person(sex), sex=sex,
                            birth_date=birth, school=school, active=False)
                )
                placements.append((len(student_objs) - 1, school, 10, number, urban))  # "grade 10" now = left
    bulk_create_with_history(student_objs, Student, batch_size=5000, default_change_reason=REASON)
    student_ids = list(Student.objects.order_by("id").values_list("id", flat=True))

    memberships: list[ClassMembership] = []
    by_class_now: dict[int, list[int]] = {}
    n_classes_of = {(s.id, g): k for s, g, k, _sz, _u in plan}
    moved = [rng.random() < 0.03 for _ in placements]
    for idx, school, grade, number, _urban in placements:
        sid = student_ids[idx]
        for term in terms:
            y = term.academic_year.start_year
            g = grade - (start - y)
            if (school.id, g) not in n_classes_of:
                continue  # not yet at this school, or already left
            num = number
            # About 3 % were in another class last year: their history shows the move.
            if y < start and moved[idx] and n_classes_of[(school.id, g)] > 1:
                num = number % n_classes_of[(school.id, g)] + 1
            cls = classes[(school.id, y, g, num)]
            memberships.append(
                ClassMembership(student_id=sid, school_class=cls, term=term, joined_on=term.start_date,
                                left_on=term.end_date if term.end_date < today else None)
            )
            if term == current_term:
                by_class_now.setdefault(cls.id, []).append(sid)
    ClassMembership.objects.bulk_create(memberships, batch_size=5000)

    # --- guardians: one or two per pupil -----------------------------------------------------------
    guardian_persons: list[Person] = []
    links: list[tuple[int, int, str]] = []
    for idx, _school, grade, _n, urban in placements:
        if grade > 9:
            continue
        st = student_objs[idx]
        family = st.name[0]
        relations = ["father", "mother"] if rng.random() < 0.6 else [rng.choice(("father", "mother"))]
        if st.left_behind:
            relations = ["grandparent"]
        for rel in relations:
            sex = "M" if rel == "father" else "F" if rel == "mother" else rng.choice("MF")
            guardian_name = (family if rel != "mother" else rng.choice(SURNAMES[:40])) + names.person(sex)[1:]
            guardian_persons.append(Person(name=guardian_name, sex=sex, phone=_phone(rng)))
            links.append((student_ids[idx], len(guardian_persons) - 1, rel))
    bulk_create_with_history(guardian_persons, Person, batch_size=5000, default_change_reason=REASON)
    bulk_create_with_history(
        [Guardianship(student_id=s, guardian_id=guardian_persons[p].pk, relation=r) for s, p, r in links],
        Guardianship, batch_size=5000, default_change_reason=REASON,
    )

    # --- teachers, their assignments and head teachers ---------------------------------------------
    title_choices = [Teacher.Title.SENIOR, Teacher.Title.FIRST, Teacher.Title.SECOND, Teacher.Title.THIRD, Teacher.Title.NONE]
    title_weights = [0.18, 0.38, 0.30, 0.06, 0.08]
    teacher_persons: list[Person] = []
    teacher_rows: list[tuple[School, str]] = []
    assignments: list[tuple[int, int, str]] = []  # teacher index, class id, subject code
    class_by_id = {c.id: c for c in classes.values()}

    def new_teacher(school: School, subject_code: str) -> int:
        sex = "F" if rng.random() < 0.7 else "M"
        teacher_persons.append(Person(name=names.person(sex), sex=sex, phone=_phone(rng)))
        teacher_rows.append((school, subject_code))
        return len(teacher_rows) - 1

    def groups(year_start: int) -> dict[tuple[int, int], list[SchoolClass]]:
        out: dict[tuple[int, int], list[SchoolClass]] = {}
        for (school_id, y, grade, _n), c in sorted(classes.items()):
            if y == year_start:
                out.setdefault((school_id, grade), []).append(c)
        return out

    def teach(group: list[SchoolClass], school: School, code: str, pick) -> None:
        per_teacher = 2 if code in CLASS_SUBJECTS else 4
        for i in range(0, len(group), per_teacher):
            t = pick(i)
            for c in group[i : i + per_teacher]:
                assignments.append((t, c.id, code))

    school_by_id = {s.id: s for s in schools.values()}
    last_year, this_year = groups(start - 1), groups(start)
    for (school_id, grade), group in last_year.items():
        school = school_by_id[school_id]
        for code, grades in subject_grades.items():
            if grade in grades:
                teach(group, school, code, lambda i, school=school, code=code: new_teacher(school, code))
    # This year teachers follow their cohort up a grade; those whose cohort left (or whose subject stops)
    # take the new entry classes; only then are new teachers hired.
    followed: dict[tuple[int, int, int, str], int] = {}  # (school, grade last year, offset, subject) → teacher
    for t, class_id, code in assignments:
        c = class_by_id[class_id]
        followed.setdefault((c.school_id, c.grade, sorted(x.id for x in last_year[(c.school_id, c.grade)]).index(c.id), code), t)
    reused: set[int] = set()
    pending = []
    for (school_id, grade), group in this_year.items():
        school = school_by_id[school_id]
        for code, grades in subject_grades.items():
            if grade not in grades:
                continue
            if all((school_id, grade - 1, i, code) in followed for i in range(len(group))):
                def pick(i, school_id=school_id, grade=grade, code=code):
                    reused.add(followed[(school_id, grade - 1, i, code)])
                    return followed[(school_id, grade - 1, i, code)]

                teach(group, school, code, pick)
            else:
                pending.append((group, school, code))
    pool: dict[tuple[int, str], list[int]] = {}
    for t, (school, code) in enumerate(teacher_rows):
        if t not in reused:
            pool.setdefault((school.id, code), []).append(t)
    for group, school, code in pending:
        free = pool.get((school.id, code), [])
        teach(group, school, code, lambda i, free=free, school=school, code=code: free.pop(0) if free else new_teacher(school, code))
    bulk_create_with_history(teacher_persons, Person, batch_size=5000, default_change_reason=REASON)
    honour_choices = [Teacher.Honour.NONE] * 12 + [Teacher.Honour.BACKBONE] * 3 + [Teacher.Honour.LEADER, Teacher.Honour.FAMOUS]
    teachers = [
        Teacher(person=p, staff_no=f"T{school.code}{i:05d}", school=school,
                title=rng.choices(title_choices, title_weights)[0], honour=rng.choice(honour_choices))
        for i, (p, (school, _code)) in enumerate(zip(teacher_persons, teacher_rows, strict=True))
    ]
    bulk_create_with_history(teachers, Teacher, batch_size=5000, default_change_reason=REASON)
    Teacher.subjects.through.objects.bulk_create(
        [Teacher.subjects.through(teacher_id=t.pk, subject_id=subjects[code].pk) for t, (_s, code) in zip(teachers, teacher_rows, strict=True)],
        batch_size=5000,
    )
    year_terms = {y.start_year: [t for t in terms if t.academic_year_id == y.id] for y in years}
    ta_rows, head_rows = [], []
    head_done: set[tuple[int, int]] = set()
    for t, class_id, code in assignments:
        c = class_by_id[class_id]
        for term in year_terms[next(y.start_year for y in years if y.id == c.academic_year_id)]:
            ta_rows.append(TeachingAssignment(teacher=teachers[t], school_class=c, subject=subjects[code], term=term))
            # the Chinese (or, from grade 7, maths) teacher is the head teacher: 班主任
            if code == ("chinese" if c.grade < 7 else "math") and (c.id, term.id) not in head_done:
                head_done.add((c.id, term.id))
                head_rows.append(HeadTeacher(teacher=teachers[t], school_class=c, term=term))
    TeachingAssignment.objects.bulk_create(ta_rows, batch_size=5000)
    HeadTeacher.objects.bulk_create(head_rows, batch_size=5000)

    # --- accounts: every teacher, every pupil's first guardian, and the district's staff ---------------
    demo = DemoDistrict(district=district, term=current_term, password=password)
    users = [
        User(username=t.staff_no, person_id=t.person_id, password=password_hash) for t in teachers
    ]
    first_guardian_of: dict[int, int] = {}
    for s, p, _r in links:
        first_guardian_of.setdefault(s, guardian_persons[p].pk)
    users += [User(username=f"P{sid}", person_id=pid, password=password_hash) for sid, pid in first_guardian_of.items()]
    User.objects.bulk_create(users, batch_size=5000)

    main = schools["QS01"]
    staff_users: dict[str, User] = {}
    for role, username in DEMO_LOGINS.items():
        if role in (Role.HEAD_TEACHER, Role.TEACHER, Role.PARENT):
            continue
        sex = rng.choice("MF")
        person = Person.objects.create(name=names.person(sex), sex=sex, phone=_phone(rng))
        staff_users[role] = User.objects.create(username=username, person=person, password=password_hash)
    ra = RoleAssignment.objects
    ra.create(user=staff_users[Role.BUREAU_ADMIN], role=Role.BUREAU_ADMIN, district=district)
    ra.create(user=staff_users[Role.BUREAU_STAFF], role=Role.BUREAU_STAFF, district=district)
    ra.create(user=staff_users[Role.RESEARCHER], role=Role.RESEARCHER, district=district, subject=subjects["math"])
    ra.create(user=staff_users[Role.HEALTH_SECTION], role=Role.HEALTH_SECTION, district=district)
    ra.create(user=staff_users[Role.PRINCIPAL], role=Role.PRINCIPAL, school=main)
    ra.create(user=staff_users[Role.ACADEMIC_OFFICE], role=Role.ACADEMIC_OFFICE, school=main, term=current_term)
    ra.create(user=staff_users[Role.GRADE_LEADER], role=Role.GRADE_LEADER, school=main, grade=7, term=current_term)
    ra.create(user=staff_users[Role.SUBJECT_LEADER], role=Role.SUBJECT_LEADER, school=main,
              subject=subjects["math"], term=current_term)
    ra.create(user=staff_users[Role.SCHOOL_DOCTOR], role=Role.SCHOOL_DOCTOR, school=main)
    # Every other school gets its principal and academic office too.
    for school in schools.values():
        if school is main or school.kind in (School.Kind.VILLAGE, School.Kind.TEACHING_POINT):
            continue
        for role, prefix in ((Role.PRINCIPAL, "xz"), (Role.ACADEMIC_OFFICE, "jw")):
            sex = rng.choice("MF")
            person = Person.objects.create(name=names.person(sex), sex=sex)
            user = User.objects.create(username=f"{prefix}{school.code.lower()}", person=person, password=password_hash)
            ra.create(user=user, role=role, school=school, term=None if role == Role.PRINCIPAL else current_term)
    demo.logins.update(staff_users)

    # The head teacher of 七年级1班 of the main school, a maths teacher there who is nobody's head
    # teacher, and a parent of a pupil of that class get the easy demo usernames.
    c71 = classes[(main.id, start, 7, 1)]
    head = HeadTeacher.objects.get(school_class=c71, term=current_term).teacher
    plain = (
        Teacher.objects.filter(school=main, assignments__term=current_term)
        .exclude(head_of__term=current_term).distinct().order_by("staff_no").first()
    )
    # The demo's head teacher teaches only the own class (a colleague takes the parallel class), so that
    # logging in as 班主任 shows exactly one class.
    others = TeachingAssignment.objects.filter(teacher=head, school_class__academic_year=years[-1]).exclude(school_class=c71)
    if others.exists():
        colleague = Teacher.objects.filter(school=main, subjects__in=head.subjects.all()).exclude(pk=head.pk).first()
        others.update(teacher=colleague)
        HeadTeacher.objects.filter(teacher=head, school_class__academic_year=years[-1]).exclude(school_class=c71).update(teacher=colleague)
    child_id = sorted(by_class_now[c71.id])[0]
    parent_person_id = first_guardian_of[child_id]
    for role, person_id in ((Role.HEAD_TEACHER, head.person_id), (Role.TEACHER, plain.person_id), (Role.PARENT, parent_person_id)):
        user = User.objects.get(person_id=person_id)
        user.username = DEMO_LOGINS[role]
        user.save(update_fields=["username"])
        demo.logins[role] = user

    if other_district:
        _neighbour_district(rng, names, years[-1], current_term, password_hash)

    demo.counts = {
        "schools": School.objects.filter(district=district).count(),
        "classes": SchoolClass.objects.filter(school__district=district, academic_year=years[-1]).count(),
        "students": Student.objects.filter(school__district=district, active=True).count(),
        "teachers": Teacher.objects.filter(school__district=district).count(),
        "users": User.objects.count(),
    }
    return demo


def _neighbour_district(rng, names, year, term, password_hash) -> None:
    other = District.objects.create(code="371399", name="东湖区", city="临江市")
    school = School.objects.create(district=other, code="DH01", name="东湖区第一中学", kind=School.Kind.JUNIOR)
    cls = SchoolClass.objects.create(school=school, academic_year=year, grade=7, number=1)
    for i in range(5):
        sex = rng.choice("MF")
        st = Student.objects.create(student_no=f"LDH01{i:07d}", name=names.person(sex), sex=sex, school=school)
        ClassMembership.objects.create(student=st, school_class=cls, term=term, joined_on=term.start_date)
    user = User.objects.create(username="donghu_admin", password=password_hash)
    RoleAssignment.objects.create(user=user, role=Role.BUREAU_ADMIN, district=other)
