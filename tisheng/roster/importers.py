"""The roster's imports (R-MON-1): students with their class and guardians, and teachers with what they teach.

Declared for the one import pipeline (``tisheng.imports``). Headers follow the 学籍 system's names
(``reference/import_layouts.md`` §3) with the aliases other systems use. Re-importing updates by 学籍号 / 工号;
an optional column missing from the file leaves that field as it is, a blank cell in a present column clears it.
"""

from datetime import date

import polars as pl

from tisheng.accounts.models import Role
from tisheng.core.idcard import check_character
from tisheng.imports.checks import matches_id_card, no_repeated_rows, together, unique
from tisheng.imports.lookups import (
    ClassName,
    Grade,
    class_label,
    class_text,
    parse_class,
    resolve_class,
    resolve_school,
    subject_choices,
    subject_names,
)
from tisheng.imports.parsers import (
    Choice,
    Date,
    Identifier,
    IdCardNumber,
    Phone,
    Problem,
    Text,
    YesNo,
    split_list,
)
from tisheng.imports.spec import Column, Counts, ImportContext, ImportSpec, register
from tisheng.imports.writing import Writer, effective_date, in_chunks
from tisheng.roster.models import (
    ClassMembership,
    Guardianship,
    HeadTeacher,
    Person,
    SchoolClass,
    Student,
    Teacher,
    TeachingAssignment,
)

ROSTER_ROLES = frozenset({Role.BUREAU_ADMIN, Role.PRINCIPAL, Role.ACADEMIC_OFFICE})

SEX = Choice({"男": "M", "女": "F", "1": "M", "2": "F", "M": "M", "F": "F", "男性": "M", "女性": "F"})

R = Guardianship.Relation
RELATION = Choice(
    {"父亲": R.FATHER, "母亲": R.MOTHER, "祖父": R.GRANDPARENT, "祖母": R.GRANDPARENT, "外祖父": R.GRANDPARENT,
     "外祖母": R.GRANDPARENT, "其他": R.OTHER, "父": R.FATHER, "爸爸": R.FATHER, "母": R.MOTHER, "妈妈": R.MOTHER,
     "爷爷": R.GRANDPARENT, "奶奶": R.GRANDPARENT, "外公": R.GRANDPARENT, "外婆": R.GRANDPARENT,
     "姥爷": R.GRANDPARENT, "姥姥": R.GRANDPARENT, "祖父母": R.GRANDPARENT, "外祖父母": R.GRANDPARENT,
     "叔叔": R.OTHER, "伯父": R.OTHER, "姑姑": R.OTHER, "舅舅": R.OTHER, "阿姨": R.OTHER, "哥哥": R.OTHER,
     "姐姐": R.OTHER, "其他监护人": R.OTHER, "其它": R.OTHER},
    shown=("父亲", "母亲", "祖父", "祖母", "外祖父", "外祖母", "其他"),
)

T = Teacher.Title
# 2015 reform (人社部发〔2015〕79号): the old secondary and primary ranks map onto the unified ones.
TITLE = Choice(
    {"正高级教师": T.SENIOR_PLUS, "高级教师": T.SENIOR, "一级教师": T.FIRST, "二级教师": T.SECOND, "三级教师": T.THIRD,
     "未评": T.NONE, "正高级": T.SENIOR_PLUS, "高级": T.SENIOR, "一级": T.FIRST, "二级": T.SECOND, "三级": T.THIRD,
     "中学高级教师": T.SENIOR, "中学一级教师": T.FIRST, "中学二级教师": T.SECOND, "中学三级教师": T.THIRD,
     "小学高级教师": T.FIRST, "小学一级教师": T.SECOND, "小学二级教师": T.THIRD, "小学三级教师": T.THIRD,
     "未定级": T.NONE, "无": T.NONE, "暂无": T.NONE},
    shown=("正高级教师", "高级教师", "一级教师", "二级教师", "三级教师", "未评"),
)

H = Teacher.Honour
HONOUR = Choice(
    {"名师": H.FAMOUS, "学科带头人": H.LEADER, "骨干教师": H.BACKBONE, "无": H.NONE, "骨干": H.BACKBONE,
     "带头人": H.LEADER, "市级骨干教师": H.BACKBONE, "县级骨干教师": H.BACKBONE, "区级骨干教师": H.BACKBONE,
     "省级骨干教师": H.BACKBONE, "市级学科带头人": H.LEADER, "县级学科带头人": H.LEADER, "区级学科带头人": H.LEADER,
     "省级学科带头人": H.LEADER, "市级名师": H.FAMOUS, "县级名师": H.FAMOUS, "区级名师": H.FAMOUS, "省级名师": H.FAMOUS,
     "暂无": H.NONE},
    shown=("名师", "学科带头人", "骨干教师", "无"),
)

_SAMPLE_ID = "11010120120901002"
SAMPLE_ID = _SAMPLE_ID + check_character(_SAMPLE_ID)

SCHOOL_COLUMN = Column(
    "school", "学校", Text(100), aliases=("学校名称", "学校标识码", "学校代码", "所在学校"),
    help="选填。教育局一次导入多所学校时填写学校名称或10位学校标识码；学校账号导入本校时可不填。",
)
ID_CARD_ALIASES = ("身份证件号", "身份证件号码", "身份证号码", "公民身份号码", "证件号码")


# --- students ------------------------------------------------------------------------------------------
def _student_key(no: pl.Expr) -> pl.Expr:
    """The national 学籍号 is G + the ID card number; a file may write it with or without the G."""
    return pl.when(no.str.contains(r"^G[0-9]{17}[0-9X]$")).then(no.str.slice(1)).otherwise(no)


def match_students(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """``student_id`` of the student already registered under each 学籍号, if any, within the uploader's scope."""
    numbers = frame["student_no"].drop_nulls().unique().to_list()
    forms = set(numbers) | {f"G{n}" for n in numbers} | {n[1:] for n in numbers if n.startswith("G")}
    existing = pl.DataFrame(
        list(in_chunks(Student.objects.values_list("student_no", "pk", "school_id"), "student_no", forms)),
        schema={"_no": pl.String, "student_id": pl.Int64, "_registered_at": pl.Int64}, orient="row",
    ).with_columns(_student_key(pl.col("_no")).alias("_key")).unique("_key", keep="first").drop("_no")
    frame = frame.with_columns(_student_key(pl.col("student_no")).alias("_key")).join(
        existing, on="_key", how="left", maintain_order="left"
    ).drop("_key")
    allowed = [s.pk for s in ctx.schools]
    ctx.flag(frame, pl.col("_registered_at").is_not_null() & ~pl.col("_registered_at").is_in(allowed),
             "key_elsewhere", "student_no")
    return frame.drop("_registered_at")


STUDENT_FIELDS = ("name", "sex", "birth_date", "id_card_no", "ethnicity", "boarding", "left_behind")
_BLANK = {"id_card_no": "", "ethnicity": "", "boarding": False, "left_behind": False}


def commit_students(frame: pl.DataFrame, ctx: ImportContext) -> Counts:
    when = effective_date(ctx.term)
    fields = [f for f in STUDENT_FIELDS if ctx.has(f)]
    rows = frame.select("student_no", "student_id", "school_id", "class_id", *fields).to_dicts()
    matched = [r["student_id"] for r in rows if r["student_id"] is not None]
    existing = {s.pk: s for s in in_chunks(Student.objects.all(), "pk", matched)}
    open_memberships = {
        m.student_id: m
        for m in in_chunks(ClassMembership.objects.filter(term=ctx.term, left_on__isnull=True), "student_id", matched)
    }

    # Work out everything first, then write: the progress bar knows the total.
    new_students, changed_students, changed_fields = [], [], set()
    status = []  # per row: "created", "updated" or "unchanged"
    students = []
    for r in rows:
        values = {f: (_BLANK.get(f) if r[f] is None else r[f]) for f in fields}
        values.update(school_id=r["school_id"], active=True)
        if r["student_id"] is None:
            student = Student(student_no=r["student_no"], **values)
            new_students.append(student)
            status.append("created")
        else:
            student = existing[r["student_id"]]
            changed = [f for f, v in values.items() if getattr(student, f) != v]
            for f in changed:
                setattr(student, f, values[f])
            if changed:
                changed_students.append(student)
                changed_fields.update(changed)
            status.append("updated" if changed else "unchanged")
        students.append(student)

    new_memberships, closed, moved = [], [], []
    for i, (r, student) in enumerate(zip(rows, students, strict=True)):
        current = open_memberships.get(student.pk) if student.pk else None
        if current is not None and current.school_class_id == r["class_id"]:
            continue
        if current is not None and current.joined_on >= when:
            current.school_class_id = r["class_id"]  # moved again the day it joined: a correction, not history
            moved.append(current)
        else:
            if current is not None:
                current.left_on = when
                closed.append(current)
            new_memberships.append(
                ClassMembership(student=student, school_class_id=r["class_id"], term=ctx.term, joined_on=when)
            )
        if status[i] == "unchanged":
            status[i] = "updated"

    guardians = _plan_guardians(frame, ctx, students, status) if ctx.has("guardian_name") else None
    planned = len(new_students) + len(changed_students) + len(closed) + len(moved) + len(new_memberships)
    if guardians:
        planned += guardians.planned

    writer = Writer(ctx, planned)
    writer.create(Student, new_students)
    writer.update(Student, changed_students, sorted(changed_fields))
    writer.update(ClassMembership, closed, ["left_on"])
    writer.update(ClassMembership, moved, ["school_class"])
    writer.create(ClassMembership, new_memberships)
    if guardians:
        guardians.write(writer)
    return Counts(status.count("created"), status.count("updated"), status.count("unchanged"))


class _GuardianPlan:
    def __init__(self):
        self.new_persons, self.changed_persons = [], []
        self.new_links, self.changed_links = [], []

    @property
    def planned(self) -> int:
        return len(self.new_persons) + len(self.changed_persons) + len(self.new_links) + len(self.changed_links)

    def write(self, writer: Writer) -> None:
        writer.create(Person, self.new_persons)
        writer.update(Person, self.changed_persons, ["phone"])
        writer.update(Guardianship, self.changed_links, ["relation"])
        writer.create(Guardianship, self.new_links)


def _plan_guardians(frame, ctx, students, status) -> _GuardianPlan:
    """One guardian per row: the student's guardian of that name is updated, or a guardian is added (siblings'
    shared parent, same name and phone, is one person). Other guardians of the student are kept."""
    plan = _GuardianPlan()
    has_phone = ctx.has("guardian_phone")
    names = frame["guardian_name"].to_list()
    relations = frame["guardian_relation"].to_list()
    phones = frame["guardian_phone"].to_list() if has_phone else [None] * frame.height
    known_ids = [s.pk for s in students if s.pk]
    links: dict[int, list[Guardianship]] = {}
    for link in in_chunks(Guardianship.objects.select_related("guardian"), "student_id", known_ids):
        links.setdefault(link.student_id, []).append(link)
    school_ids = {s.pk for s in ctx.schools}
    by_contact: dict[tuple[str, str], Person] = {
        (p.name, p.phone): p
        for p in in_chunks(
            Person.objects.filter(guardianships__student__school_id__in=school_ids).distinct(),
            "phone", {p for p in phones if p},
        )
    }
    for i, (student, name, relation, phone) in enumerate(zip(students, names, relations, phones, strict=True)):
        if name is None:
            continue
        link = next((g for g in links.get(student.pk, []) if g.guardian.name == name), None) if student.pk else None
        if link is not None:
            changed = False
            if has_phone and (phone or "") != link.guardian.phone:
                link.guardian.phone = phone or ""
                plan.changed_persons.append(link.guardian)
                changed = True
            if relation != link.relation:
                link.relation = relation
                plan.changed_links.append(link)
                changed = True
            if changed and status[i] == "unchanged":
                status[i] = "updated"
            continue
        person = by_contact.get((name, phone)) if phone else None
        if person is None:
            person = Person(name=name, phone=phone or "")
            plan.new_persons.append(person)
            if phone:
                by_contact[(name, phone)] = person
        plan.new_links.append(Guardianship(student=student, guardian=person, relation=relation))
        if status[i] == "unchanged":
            status[i] = "updated"
    return plan


STUDENTS = register(ImportSpec(
    kind="roster.students",
    label=Student._meta.verbose_name_plural,
    template_name="学生名单导入模板",
    roles=ROSTER_ROLES,
    columns=(
        Column("student_no", "学籍号", Identifier(max_length=30), required=True,
               aliases=("全国学籍号", "学生学籍号", "学号", "学生编号", "个人标识码"),
               help="必填。全国学籍号（G加身份证号）或学校的学籍号。请把这一列设为“文本”格式，否则Excel会把长数字改坏。",
               sample="G" + SAMPLE_ID),
        Column("name", "姓名", Text(max_length=50), required=True, aliases=("学生姓名",), sample="张小明"),
        Column("sex", "性别", SEX, required=True, help="必填。男或女。", sample="男"),
        Column("birth_date", "出生日期", Date(earliest=date(1990, 1, 1)), aliases=("出生年月日", "生日"),
               help="例如 2012-09-01。", sample="2012-09-01"),
        Column("id_card_no", "身份证号", IdCardNumber(), aliases=ID_CARD_ALIASES,
               help="选填。18位，最后一位可以是X。请设为“文本”格式。", sample=SAMPLE_ID),
        Column("ethnicity", "民族", Text(max_length=20), aliases=("民族名称",), sample="汉族"),
        Column("grade", "年级", Grade(), aliases=("年级名称", "所在年级"),
               help="例如 七年级、初一 或 7。班级一栏已写明年级（如 七年级3班）时可不填。", sample="七年级"),
        Column("class_name", "班级", ClassName(), required=True, aliases=("班级名称", "班别", "行政班", "所在班级"),
               help="必填。例如 3班、七年级3班、七(3)班。班级须已在系统中建立（本学年）。", sample="3班"),
        SCHOOL_COLUMN,
        Column("boarding", "是否寄宿", YesNo(), aliases=("寄宿", "寄宿生", "是否寄宿生", "是否住校", "住校"),
               help="是 或 否。", sample="否"),
        Column("left_behind", "是否留守儿童", YesNo(), aliases=("留守儿童",), help="是 或 否。", sample="否"),
        Column("guardian_name", "监护人姓名", Text(max_length=50), aliases=("家长姓名", "成员1姓名", "监护人"),
               sample="张大明"),
        Column("guardian_relation", "监护人关系", RELATION, aliases=("与学生关系", "成员1关系", "家长关系"),
               help="父亲、母亲、祖父、祖母、外祖父、外祖母 或 其他。", sample="父亲"),
        Column("guardian_phone", "监护人电话", Phone(),
               aliases=("家长电话", "家长手机", "监护人手机", "联系电话", "成员1联系电话"), sample="13800000000"),
    ),
    steps=(
        no_repeated_rows,
        unique("student_no"),
        unique("id_card_no"),
        matches_id_card("id_card_no", birth_field="birth_date", sex_field="sex"),
        together("guardian_name", "guardian_relation"),
        together("guardian_relation", "guardian_name"),
        together("guardian_phone", "guardian_name"),
        resolve_school,
        resolve_class("class_name", "grade"),
        match_students,
    ),
    commit=commit_students,
    notes=(
        "每个学生一行；第一行为表头，表头上方可以有标题行。列的顺序不限，不认识的列会被忽略。",
        "再次导入同一学生（学籍号相同）时更新其信息，不会重复建档；学生换班时系统保留原班级记录。",
        "文件中有任何一处错误时，整个文件都不会导入；请按错误清单改正后重新上传。",
    ),
))


# --- teachers ------------------------------------------------------------------------------------------
def resolve_teaching(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """``subject_ids`` from 学科, and ``assignments`` (class, subject) from 任教班级: "七年级3班、七年级4班",
    or with several subjects "语文:七年级3班、数学:七年级4班"."""
    known = subject_names()
    choices = subject_choices()
    year_id = ctx.term.academic_year_id if ctx.term else None
    classes = {
        (school, grade, number): pk
        for school, grade, number, pk in SchoolClass.objects.filter(
            school_id__in=frame["school_id"].drop_nulls().unique().to_list(), academic_year_id=year_id
        ).values_list("school_id", "grade", "number", "pk")
    }
    names = {s.pk: s.name for s in ctx.schools}
    subject_ids, assignments = [], []
    for row in frame.select("_row", "_sheet", "school_id", "subjects", "classes").iter_rows(named=True):
        where = {"row": row["_row"], "sheet": row["_sheet"]}
        ids = []
        for item in split_list(row["subjects"] or ""):
            if (pk := known.get(item.casefold())) is None:
                ctx.error("unknown_subject", column="subjects", value=item, choices=choices, **where)
            elif pk not in ids:
                ids.append(pk)
        taught = []
        for entry in split_list(row["classes"] or ""):
            subject_text, _, class_text = entry.rpartition(":")
            if subject_text:
                subject = known.get(subject_text.casefold())
                if subject is None:
                    ctx.error("unknown_subject", column="classes", value=subject_text, choices=choices, **where)
                    continue
            elif len(ids) == 1:
                subject = ids[0]
            else:
                ctx.error("class_subject_needed", column="classes", value=entry, **where)
                continue
            try:
                parsed = parse_class(class_text)
            except Problem as problem:
                ctx.error(problem.key, column="classes", value=class_text, **where)
                continue
            if parsed["grade"] is None:
                ctx.error("class_needs_grade", column="classes", value=class_text, **where)
                continue
            if row["school_id"] is None:
                continue
            pk = classes.get((row["school_id"], parsed["grade"], parsed["number"]))
            if pk is None:
                ctx.error("unknown_class", column="classes", value=class_label(parsed["grade"], parsed["number"]),
                          school=names.get(row["school_id"], ""), year=str(ctx.term.academic_year), **where)
                continue
            taught.append({"class_id": pk, "subject_id": subject})
        subject_ids.append(ids)
        assignments.append(taught)
    return frame.with_columns(
        pl.Series("subject_ids", subject_ids, dtype=pl.List(pl.Int64)),
        pl.Series("assignments", assignments, dtype=pl.List(pl.Struct({"class_id": pl.Int64, "subject_id": pl.Int64}))),
    )


def match_teachers(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    numbers = frame["staff_no"].drop_nulls().unique().to_list()
    existing = pl.DataFrame(
        list(in_chunks(Teacher.objects.values_list("staff_no", "pk", "school_id"), "staff_no", numbers)),
        schema={"staff_no": pl.String, "teacher_id": pl.Int64, "_registered_at": pl.Int64}, orient="row",
    )
    frame = frame.join(existing, on="staff_no", how="left", maintain_order="left")
    allowed = [s.pk for s in ctx.schools]
    ctx.flag(frame, pl.col("_registered_at").is_not_null() & ~pl.col("_registered_at").is_in(allowed),
             "key_elsewhere", "staff_no")
    return frame.drop("_registered_at")


PERSON_FIELDS = ("name", "sex", "phone", "id_card_no")
TEACHER_FIELDS = ("title", "honour")


def commit_teachers(frame: pl.DataFrame, ctx: ImportContext) -> Counts:
    columns = ["staff_no", "teacher_id", "school_id", "subject_ids", "assignments", "head_class_id"]
    rows = frame.select(*columns, *PERSON_FIELDS, *TEACHER_FIELDS).to_dicts()
    person_fields = [f for f in PERSON_FIELDS if ctx.has(f)]
    teacher_fields = [f for f in TEACHER_FIELDS if ctx.has(f)]
    existing = {t.pk: t for t in in_chunks(Teacher.objects.select_related("person"), "pk",
                                           [r["teacher_id"] for r in rows if r["teacher_id"]])}
    new_persons, changed_persons, new_teachers, changed_teachers = [], [], [], []
    p_changed, t_changed, status, teachers = set(), set(), [], []
    for r in rows:
        person_values = {f: r[f] if r[f] is not None else "" for f in person_fields}
        teacher_values = {f: r[f] if r[f] is not None else ("none" if f == "title" else "") for f in teacher_fields}
        teacher_values.update(school_id=r["school_id"], active=True)
        if r["teacher_id"] is None:
            person = Person(**person_values)
            teacher = Teacher(person=person, staff_no=r["staff_no"], **teacher_values)
            new_persons.append(person)
            new_teachers.append(teacher)
            status.append("created")
        else:
            teacher = existing[r["teacher_id"]]
            changed_p = [f for f, v in person_values.items() if getattr(teacher.person, f) != v]
            changed_t = [f for f, v in teacher_values.items() if getattr(teacher, f) != v]
            for f in changed_p:
                setattr(teacher.person, f, person_values[f])
            for f in changed_t:
                setattr(teacher, f, teacher_values[f])
            if changed_p:
                changed_persons.append(teacher.person)
                p_changed.update(changed_p)
            if changed_t:
                changed_teachers.append(teacher)
                t_changed.update(changed_t)
            status.append("updated" if changed_p or changed_t else "unchanged")
        teachers.append(teacher)

    known_ids = [t.pk for t in teachers if t.pk]
    assignments = {}
    for a in in_chunks(TeachingAssignment.objects.filter(term=ctx.term), "teacher_id", known_ids):
        assignments.setdefault(a.teacher_id, []).append(a)
    new_assignments, dropped = [], []
    if ctx.has("classes"):
        for i, (r, teacher) in enumerate(zip(rows, teachers, strict=True)):
            wanted = {(a["class_id"], a["subject_id"]) for a in r["assignments"] or []}
            have = {(a.school_class_id, a.subject_id): a for a in assignments.get(teacher.pk, [])}
            added = wanted - set(have)
            removed = [a for key, a in have.items() if key not in wanted]
            new_assignments += [
                TeachingAssignment(teacher=teacher, school_class_id=c, subject_id=s, term=ctx.term) for c, s in added
            ]
            dropped += removed
            if (added or removed) and status[i] == "unchanged":
                status[i] = "updated"

    head_plan = _plan_head_teachers(rows, teachers, status, ctx) if ctx.has("head_of") else ([], [], [])
    planned = (len(new_persons) + len(changed_persons) + len(new_teachers) + len(changed_teachers)
               + len(new_assignments) + len(dropped) + sum(len(part) for part in head_plan))
    writer = Writer(ctx, planned)
    writer.create(Person, new_persons)
    writer.update(Person, changed_persons, sorted(p_changed))
    writer.create(Teacher, new_teachers)
    writer.update(Teacher, changed_teachers, sorted(t_changed))
    if ctx.has("subjects"):
        for i, (r, teacher) in enumerate(zip(rows, teachers, strict=True)):
            wanted = set(r["subject_ids"] or [])
            if wanted != set(teacher.subjects.values_list("pk", flat=True)):
                teacher.subjects.set(wanted)
                if status[i] == "unchanged":
                    status[i] = "updated"
    writer.delete(dropped)
    writer.create(TeachingAssignment, new_assignments)
    removed_heads, reassigned_heads, new_heads = head_plan
    writer.delete(removed_heads)
    writer.update(HeadTeacher, reassigned_heads, ["teacher"])
    writer.create(HeadTeacher, new_heads)
    return Counts(status.count("created"), status.count("updated"), status.count("unchanged"))


def _plan_head_teachers(rows, teachers, status, ctx):
    """Each listed teacher heads the class in 班主任班级 this term (or none when blank); a class's previous head
    teacher record is handed over, the teacher's record for another class is removed."""
    wanted = {i: r["head_class_id"] for i, r in enumerate(rows)}
    row_of = {t.pk: i for i, t in enumerate(teachers) if t.pk}
    current = list(in_chunks(HeadTeacher.objects.filter(term=ctx.term), "teacher_id", list(row_of)))
    by_class = {h.school_class_id: h for h in in_chunks(
        HeadTeacher.objects.filter(term=ctx.term), "school_class_id", [c for c in wanted.values() if c])}
    removed, reassigned, new = [], [], []
    for h in current:
        i = row_of[h.teacher_id]
        if wanted[i] != h.school_class_id:
            removed.append(h)
            by_class.pop(h.school_class_id, None)
            if status[i] == "unchanged":
                status[i] = "updated"
    for i, class_id in wanted.items():
        if class_id is None:
            continue
        teacher = teachers[i]
        record = by_class.get(class_id)
        if record is not None and record.teacher_id == teacher.pk and teacher.pk:
            continue
        if record is not None:
            record.teacher = teacher
            reassigned.append(record)
        else:
            new.append(HeadTeacher(teacher=teacher, school_class_id=class_id, term=ctx.term))
        if status[i] == "unchanged":
            status[i] = "updated"
    return removed, reassigned, new


TEACHERS = register(ImportSpec(
    kind="roster.teachers",
    label=Teacher._meta.verbose_name_plural,
    template_name="教师名单导入模板",
    roles=ROSTER_ROLES,
    columns=(
        Column("staff_no", "工号", Identifier(max_length=30), required=True,
               aliases=("教师工号", "教职工号", "职工号", "教师编号", "工作证号"),
               help="必填。学校或教育局给教师的编号，每人唯一。请设为“文本”格式。", sample="T2025001"),
        Column("name", "姓名", Text(max_length=50), required=True, aliases=("教师姓名",), sample="李老师"),
        Column("sex", "性别", SEX, help="男或女。", sample="女"),
        Column("id_card_no", "身份证号", IdCardNumber(), aliases=ID_CARD_ALIASES, help="选填。请设为“文本”格式。"),
        Column("phone", "联系电话", Phone(), aliases=("手机", "手机号", "手机号码", "电话"), sample="13900000000"),
        Column("subjects", "学科", Text(max_length=200), aliases=("任教学科", "所教学科", "学科名称", "科目"),
               help="例如 数学；教多门学科时用顿号分开：语文、道德与法治。", sample="数学"),
        Column("title", "职称", TITLE, aliases=("专业技术职称", "职务职称"),
               help="正高级教师、高级教师、一级教师、二级教师、三级教师 或 未评；旧称（如 中学高级教师）也可。",
               sample="一级教师"),
        Column("honour", "荣誉", HONOUR, aliases=("荣誉称号", "骨干类别"),
               help="名师、学科带头人、骨干教师 或 无（如 市级骨干教师 也可）。", sample="骨干教师"),
        Column("classes", "任教班级", Text(max_length=500), aliases=("任课班级", "所教班级", "授课班级"),
               help="例如 七年级3班、七年级4班；教多门学科时在班级前写学科：语文:七年级3班、道德与法治:七年级4班。",
               sample="七年级3班、七年级4班"),
        Column("head_of", "班主任班级", ClassName(), aliases=("担任班主任班级", "班主任所在班级"),
               help="担任班主任的班级，例如 七年级3班；不是班主任则留空。", sample="七年级3班"),
        SCHOOL_COLUMN,
    ),
    steps=(
        no_repeated_rows,
        unique("staff_no"),
        unique("id_card_no"),
        matches_id_card("id_card_no", sex_field="sex"),
        resolve_school,
        resolve_teaching,
        resolve_class("head_of", None, into="head_class_id"),
        unique("head_of", by="head_class_id",
               shown=class_text(pl.col("head_of").struct.field("grade"), pl.col("head_of").struct.field("number"))),
        match_teachers,
    ),
    commit=commit_teachers,
    notes=(
        "每位教师一行；第一行为表头。列的顺序不限，不认识的列会被忽略。",
        "再次导入同一教师（工号相同）时更新其信息；文件中列出的任教班级和班主任班级即为本学期的安排。",
        "文件中有任何一处错误时，整个文件都不会导入；请按错误清单改正后重新上传。",
    ),
))
