"""The roster's imports (R-MON-1): students with their class and guardians, and teachers with what they teach.

Declared for the one import pipeline (``tisheng.imports``). Headers follow the 学籍 system's names
(``reference/import_layouts.md`` §3) with the aliases other systems use. Re-importing updates by 学籍号 / 工号;
an optional column missing from the file leaves that field as it is, a blank cell in a present column clears it.
"""

from datetime import date

import polars as pl
from django.utils.translation import gettext_lazy as _

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
from tisheng.imports.writing import Writer, effective_date, fetch, in_chunks
from tisheng.roster.models import (
    ClassMembership,
    Guardianship,
    HeadTeacher,
    Person,
    School,
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
    numbers = frame["student_no"].drop_nulls().unique()
    forms = pl.concat([numbers, numbers.filter(numbers.str.starts_with("G")).str.slice(1),
                       "G" + numbers.filter(numbers.str.len_chars() == 18)])
    existing = (
        fetch(Student, {"student_no": pl.String, "id": pl.Int64, "school_id": pl.Int64}, "student_no", forms)
        .select(_student_key(pl.col("student_no")).alias("_key"), pl.col("id").alias("student_id"),
                pl.col("school_id").alias("_registered_at"))
        .unique("_key", keep="first")
    )
    frame = frame.with_columns(_student_key(pl.col("student_no")).alias("_key")).join(
        existing, on="_key", how="left", maintain_order="left"
    ).drop("_key")
    allowed = [s.pk for s in ctx.schools]
    ctx.flag(frame, pl.col("_registered_at").is_not_null() & ~pl.col("_registered_at").is_in(allowed),
             "key_elsewhere", "student_no")
    return frame.drop("_registered_at")


STUDENT_FIELDS = ("name", "sex", "birth_date", "id_card_no", "ethnicity", "boarding", "left_behind")
# What a blank cell (or an absent column, for a new student) stores.
STUDENT_BLANKS = {"birth_date": None, "id_card_no": "", "ethnicity": "", "boarding": False, "left_behind": False}
STUDENT_TYPES = {"name": pl.String, "sex": pl.String, "birth_date": pl.Date, "id_card_no": pl.String,
                 "ethnicity": pl.String, "boarding": pl.Boolean, "left_behind": pl.Boolean, "school_id": pl.Int64,
                 "active": pl.Boolean}


def _differs(column: str) -> pl.Expr:
    return pl.col(column).ne_missing(pl.col(f"{column}_old"))


def _instances(model, ids: list[int]) -> dict:
    return {obj.pk: obj for obj in in_chunks(model.objects.all(), "pk", ids)}


def commit_students(frame: pl.DataFrame, ctx: ImportContext) -> Counts:
    """Students by 学籍号 (new ones created, changed ones updated), their open class membership this term (a
    move closes the old one and opens a new one), and the guardian of each row. Vectorised: 100,000 rows."""
    # In the order of the indexes most rows go into (a school's students, a class's memberships): the
    # database then appends to a few index pages instead of touching pages all over each index.
    frame = frame.sort("school_id", "class_id", "name", maintain_order=True)
    when = effective_date(ctx.term)
    fields = [f for f in STUDENT_FIELDS if ctx.has(f)]  # a column left out of the file changes nothing
    compared = [*fields, "school_id", "active"]
    rows = frame.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_i"), "student_no", "student_id", "school_id", "class_id",
        *[pl.col(f).fill_null(STUDENT_BLANKS[f]) if STUDENT_BLANKS.get(f) is not None else pl.col(f) for f in fields],
        pl.lit(True).alias("active"),
    )
    old = fetch(Student, {"id": pl.Int64, **{f: STUDENT_TYPES[f] for f in compared}}, "id", rows["student_id"])
    rows = rows.join(old.rename({f: f"{f}_old" for f in compared}).rename({"id": "student_id"}), on="student_id",
                     how="left", maintain_order="left")
    known = pl.col("student_id").is_not_null()
    rows = rows.with_columns(
        (known & pl.any_horizontal([_differs(f) for f in compared])).alias("_changed"),
    )
    changed_fields = [f for f in compared if rows.select((known & _differs(f)).any()).item()]
    changed = rows.filter("_changed")
    new = rows.filter(~known)

    memberships = _plan_memberships(rows, ctx, when)
    guardians = _plan_guardians(rows, frame, ctx) if ctx.has("guardian_name") else None
    writer = Writer(ctx, new.height + changed.height + memberships.planned + (guardians.planned if guardians else 0))

    new_ids = writer.insert(Student, new.select(
        "student_no", "school_id", "active",
        *[pl.col(f) if f in fields else pl.lit(STUDENT_BLANKS[f], dtype=STUDENT_TYPES[f]).alias(f)
          for f in STUDENT_FIELDS],
    ))
    objects = _instances(Student, changed["student_id"].to_list())
    for r in changed.select("student_id", *changed_fields).iter_rows(named=True):
        for f in changed_fields:
            setattr(objects[r["student_id"]], f, r[f])
    writer.update(Student, list(objects.values()), changed_fields)

    ids = rows.select("_i", "student_id").with_columns(
        pl.when(known).then("student_id").otherwise(
            pl.col("_i").replace_strict(new["_i"], pl.Series(new_ids, dtype=pl.Int64), default=None)
        ).alias("student_id")
    )
    memberships.write(writer, ids, ctx, when)
    touched = rows["_changed"] | memberships.changed
    if guardians:
        touched = touched | guardians.write(writer, ids)
    existing = rows["student_id"].is_not_null()
    updated = int((existing & touched).sum())
    return Counts(created=new.height, updated=updated, unchanged=int(existing.sum()) - updated)


class _MembershipPlan:
    """Each row's open membership this term: kept, corrected in place (moved again the day it began),
    closed and replaced (a move: history kept), or opened."""

    def __init__(self, plan: pl.DataFrame):
        self.plan = plan
        self.changed = plan["_new"] | plan["_close"] | plan["_in_place"]
        self.planned = int(plan["_new"].sum() + plan["_close"].sum() + plan["_in_place"].sum())

    def write(self, writer: Writer, ids: pl.DataFrame, ctx: ImportContext, when) -> None:
        plan = self.plan
        closing = plan.filter("_close")["membership_id"].to_list()
        objects = _instances(ClassMembership, closing)
        for obj in objects.values():
            obj.left_on = when
        writer.update(ClassMembership, list(objects.values()), ["left_on"])
        moving = plan.filter("_in_place").select("membership_id", "class_id").rows()
        objects = _instances(ClassMembership, [m for m, _ in moving])
        for membership_id, class_id in moving:
            objects[membership_id].school_class_id = class_id
        writer.update(ClassMembership, list(objects.values()), ["school_class"])
        opening = plan.select("_i", "class_id", "_new").join(ids, on="_i").filter("_new")
        writer.insert(ClassMembership, opening.select(
            "student_id", pl.col("class_id").alias("school_class_id"), pl.lit(ctx.term.pk).alias("term_id"),
            pl.lit(when).alias("joined_on"), pl.lit(None, dtype=pl.Date).alias("left_on"),
        ))


def _plan_memberships(rows: pl.DataFrame, ctx: ImportContext, when) -> _MembershipPlan:
    current = fetch(
        ClassMembership,
        {"id": pl.Int64, "student_id": pl.Int64, "school_class_id": pl.Int64, "joined_on": pl.Date},
        "student_id", rows["student_id"], term_id=ctx.term.pk, left_on=None,
    ).unique("student_id", keep="first")
    plan = rows.select("_i", "student_id", "class_id").join(
        current.rename({"id": "membership_id"}), on="student_id", how="left", maintain_order="left"
    )
    has = pl.col("membership_id").is_not_null()
    moved = has & (pl.col("school_class_id") != pl.col("class_id"))
    plan = plan.with_columns(
        (moved & (pl.col("joined_on") >= when)).alias("_in_place"),
        (moved & (pl.col("joined_on") < when)).alias("_close"),
    ).with_columns((~has | pl.col("_close")).alias("_new"))
    return _MembershipPlan(plan)


class _GuardianPlan:
    def __init__(self, rows: pl.DataFrame, new_people: pl.DataFrame):
        self.rows, self.new_people = rows, new_people
        self.planned = int(rows["_phone_changed"].sum() + rows["_relation_changed"].sum()
                           + rows["link_id"].is_null().sum()) + new_people.height

    def write(self, writer: Writer, ids: pl.DataFrame) -> pl.Series:
        rows = self.rows
        phones = rows.filter("_phone_changed").select("guardian_id", "guardian_phone").rows()
        people = _instances(Person, [g for g, _ in phones])
        for guardian_id, phone in phones:
            people[guardian_id].phone = phone or ""
        writer.update(Person, list(people.values()), ["phone"])
        relations = rows.filter("_relation_changed").select("link_id", "guardian_relation").rows()
        links = _instances(Guardianship, [link for link, _ in relations])
        for link_id, relation in relations:
            links[link_id].relation = relation
        writer.update(Guardianship, list(links.values()), ["relation"])
        person_ids = writer.insert(Person, self.new_people.select("name", "phone"))
        created = self.new_people.select("_person", pl.Series("new_id", person_ids, dtype=pl.Int64))
        added = (
            rows.filter(pl.col("link_id").is_null())
            .join(created, on="_person", how="left")
            .drop("student_id")
            .join(ids, on="_i")
            .select("student_id", pl.coalesce("guardian_id", "new_id").alias("guardian_id"),
                    pl.col("guardian_relation").alias("relation"))
        )
        writer.insert(Guardianship, added)
        touched = rows.filter(pl.col("link_id").is_null() | pl.col("_phone_changed") | pl.col("_relation_changed"))
        return ids["_i"].is_in(touched["_i"].implode())


def _plan_guardians(rows: pl.DataFrame, frame: pl.DataFrame, ctx: ImportContext) -> _GuardianPlan:
    """The guardian named on each row: the student's guardian of that name is updated, else one is linked (a
    guardian already known with the same name and phone, e.g. a sibling's parent, is the same person) or
    added. Other guardians of the student are kept."""
    has_phone = ctx.has("guardian_phone")
    wanted = frame.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_i"), "guardian_name", "guardian_relation",
        pl.col("guardian_phone") if has_phone else pl.lit(None, dtype=pl.String).alias("guardian_phone"),
    ).with_columns(rows["student_id"]).filter(pl.col("guardian_name").is_not_null())
    links = fetch(Guardianship, {"id": pl.Int64, "student_id": pl.Int64, "guardian_id": pl.Int64, "relation": pl.String},
                  "student_id", wanted["student_id"])
    people = fetch(Person, {"id": pl.Int64, "name": pl.String, "phone": pl.String}, "id", links["guardian_id"])
    links = links.join(people.rename({"id": "guardian_id"}), on="guardian_id").unique(
        ["student_id", "name"], keep="first")
    wanted = wanted.join(
        links.rename({"id": "link_id", "name": "guardian_name", "phone": "phone_old", "relation": "relation_old"}),
        on=["student_id", "guardian_name"], how="left", maintain_order="left",
    )
    matched = pl.col("link_id").is_not_null()
    wanted = wanted.with_columns(
        (matched & pl.lit(has_phone) & (pl.col("guardian_phone").fill_null("") != pl.col("phone_old"))).alias(
            "_phone_changed"),
        (matched & (pl.col("guardian_relation") != pl.col("relation_old"))).alias("_relation_changed"),
    )
    # A guardian not yet linked: a person with this name and phone who is a guardian in the uploader's schools.
    phones = wanted.filter(~matched)["guardian_phone"]
    candidates = fetch(Person, {"id": pl.Int64, "name": pl.String, "phone": pl.String}, "phone", phones)
    their = fetch(Guardianship, {"guardian_id": pl.Int64, "student_id": pl.Int64}, "guardian_id", candidates["id"])
    schools = fetch(Student, {"id": pl.Int64, "school_id": pl.Int64}, "id", their["student_id"])
    allowed = their.join(schools.rename({"id": "student_id"}), on="student_id").filter(
        pl.col("school_id").is_in([s.pk for s in ctx.schools]))["guardian_id"]
    known = candidates.filter(pl.col("id").is_in(allowed.implode())).unique(["name", "phone"], keep="first").select(
        pl.col("id").alias("known_id"), pl.col("name").alias("guardian_name"), pl.col("phone").alias("guardian_phone"))
    wanted = wanted.join(known, on=["guardian_name", "guardian_phone"], how="left", maintain_order="left").with_columns(
        pl.coalesce("guardian_id", "known_id").alias("guardian_id"),
        # who is one person among the new: same name and phone (siblings' parent); without a phone, each row
        pl.when(pl.col("guardian_phone").is_not_null())
        .then(pl.concat_str("guardian_name", pl.lit("\x1f"), "guardian_phone"))
        .otherwise(pl.concat_str(pl.lit("\x1f"), pl.col("_i").cast(pl.String))).alias("_person"),
    )
    new_people = wanted.filter(~matched & pl.col("guardian_id").is_null()).unique("_person", keep="first").select(
        "_person", pl.col("guardian_name").alias("name"), pl.col("guardian_phone").fill_null("").alias("phone"))
    return _GuardianPlan(wanted, new_people)


STUDENTS = register(ImportSpec(
    kind="roster.students",
    label=_("Students"),
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
    reads=(School, SchoolClass, Student),
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
    label=_("Teachers"),
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
