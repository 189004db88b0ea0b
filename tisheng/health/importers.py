"""The fitness import (R-MON-4): the national data system's upload template (体测模板, import_layouts.md §2.1);
and the vision screening import (R-MON-5, ``VISION`` below).

Columns are found by header in any order; items not tested in a grade may be left out or blank. Times: 3'25",
3′25″, 3分25秒, or minutes.seconds (3.25; 3.5 is 3'50", as Excel drops the trailing zero of 3.50) for the long
runs, or plain seconds. A cell 免测 marks the pupil exempt (the reason in 免测原因 is then required); 缺测 marks an
item not measured (all items 缺测, or 是否缺测 = 是: the pupil was absent). Implausible values are refused per cell.
The commit writes the school's test of this term and scores it by ``tisheng.core.fitness`` at once.
"""

import re

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisheng.accounts.models import Role
from tisheng.core import vision
from tisheng.core.rules import default as rule_default
from tisheng.health import actions
from tisheng.health.models import ITEMS, MEASUREMENTS
from tisheng.imports.checks import no_repeated_rows, unique
from tisheng.imports.lookups import parse_grade
from tisheng.imports.parsers import Custom, Date, Decimal, Identifier, Problem, Text, YesNo
from tisheng.imports.spec import Column, Counts, ImportContext, ImportSpec, register
from tisheng.imports.writing import fetch
from tisheng.roster.importers import SEX
from tisheng.roster.models import ClassMembership, School, SchoolClass, Student

EXEMPT, ABSENT = "免测", "缺测"
EXEMPT_MARKS = {"免测", "免", "免考", "免予执行", "免于执行"}
ABSENT_MARKS = {"缺测", "缺", "缺考", "未测", "-", "--", "/"}

# (header, field, aliases, plausible min, max, kind): a time is "short" (seconds) or "long" (minutes.seconds).
ITEM_COLUMNS = (
    ("身高", "height_cm", ("身高(厘米)", "身高（厘米）", "身高cm"), 80, 220, None),
    ("体重", "weight_kg", ("体重(千克)", "体重（千克）", "体重kg"), 10, 200, None),
    ("肺活量", "vital_capacity", ("肺活量(毫升)", "肺活量（毫升）"), 200, 8000, None),
    ("50米跑", "run_50m", ("50米", "50m跑", "50米跑(秒)"), 5, 20, "short"),
    ("坐位体前屈", "sit_and_reach", ("坐位体前屈(厘米)", "坐位体前屈（厘米）"), -30, 40, None),
    ("一分钟跳绳", "rope_skip_1min", ("1分钟跳绳", "跳绳"), 0, 300, None),
    ("一分钟仰卧起坐", "sit_up_1min", ("1分钟仰卧起坐", "仰卧起坐"), 0, 100, None),
    ("50米×8往返跑", "shuttle_50x8", ("50米x8往返跑", "50米*8往返跑", "50米X8往返跑", "50×8往返跑"), 60, 300, "long"),
    ("立定跳远", "standing_long_jump", ("立定跳远(厘米)", "立定跳远（厘米）"), 30, 350, None),
    ("引体向上", "pull_up", (), 0, 50, None),
    ("1000米跑", "run_1000m", ("1000米", "男1000米跑"), 150, 900, "long"),
    ("800米跑", "run_800m", ("800米", "女800米跑"), 120, 900, "long"),
)
HEADERS = {field: header for header, field, *_ in ITEM_COLUMNS}

_MIN_SEC = re.compile(r"^(\d{1,2})\s*(?:'|′|’|‘|分)\s*(\d{1,2}(?:\.\d+)?)\s*(?:\"|″|”|“|''|′′|秒)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_time(text: str, kind: str) -> float:
    """Seconds of a time as written: 3'25" (3′25″, 3分25秒), 3.25 (minutes.seconds, long runs only), or seconds."""
    text = text.strip()
    match = _MIN_SEC.match(text)
    if match:
        minutes, seconds = int(match.group(1)), float(match.group(2))
        if seconds >= 60:
            raise Problem("fitness_time")
        return minutes * 60 + seconds
    if not _NUMBER.match(text):
        raise Problem("fitness_time")
    value = float(text)
    if kind == "long" and value < 20:  # minutes.seconds: nobody runs 800 m in 20 seconds
        minutes, _dot, fraction = text.partition(".")
        seconds = int((fraction + "00")[:2]) if len(fraction) <= 2 else None
        if seconds is None or seconds >= 60:
            raise Problem("fitness_time")
        return int(minutes) * 60 + seconds
    return value


def measurement(low: float, high: float, kind: str | None):
    """A cell of one item: a canonical number as text, or the mark 免测/缺测 (turned into columns by a step)."""

    def parse(text: str) -> str:
        if text in EXEMPT_MARKS:
            return EXEMPT
        if text in ABSENT_MARKS:
            return ABSENT
        if kind:
            value = parse_time(text, kind)
        elif _NUMBER.match(text):
            value = float(text)
        else:
            raise Problem("number")
        if not low <= value <= high:
            raise Problem("out_of_range")
        return repr(value)

    return Custom(parse, fixed_params={"min": low, "max": high})


def grade_of_code(text: str) -> int:
    """年级编号 11–16 → grades 1–6, 21–23 → 7–9; 七年级, 初一 or 7 are understood as well."""
    if re.fullmatch(r"1[1-6]|2[1-3]", text):
        number = int(text)
        return number - 10 if number < 20 else number - 14
    try:
        grade = parse_grade(text)
    except Problem:
        raise Problem("fitness_grade_code") from None
    if not 1 <= grade <= 9:
        raise Problem("fitness_grade_code")
    return grade


def measurements(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """Numbers from the item cells; ``exempt`` and ``absent`` from the marks; an exemption needs its reason."""
    marks = [pl.col(f) for f in MEASUREMENTS]
    any_exempt = pl.any_horizontal([m == EXEMPT for m in marks]).fill_null(False)
    all_absent = pl.all_horizontal([(m == ABSENT) | m.is_null() for m in marks]) & pl.any_horizontal(
        [m == ABSENT for m in marks]).fill_null(False)
    frame = frame.with_columns(
        (pl.col("exempt").fill_null(False) | any_exempt).alias("exempt"),
        (pl.col("absent").fill_null(False) | all_absent).alias("absent"),
        *[pl.when(pl.col(f).is_in([EXEMPT, ABSENT])).then(None).otherwise(pl.col(f)).cast(pl.Float64).alias(f)
          for f in MEASUREMENTS],
    )
    ctx.flag(frame, pl.col("exempt") & pl.col("exempt_reason").is_null(), "fitness_exempt_reason", "exempt_reason",
             value=pl.col("name"))
    return frame


def match_students(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """``student_id``, ``school_id`` and ``class_id`` of each 学籍号 among the uploader's schools' pupils."""
    from tisheng.roster.importers import _student_key

    numbers = frame["student_no"].drop_nulls().unique().to_list()
    forms = set(numbers) | {n[1:] for n in numbers if n.startswith("G")} | {f"G{n}" for n in numbers if len(n) == 18}
    allowed = [s.pk for s in ctx.schools]
    pupils = fetch(Student, {"student_no": pl.String, "id": pl.Int64, "school_id": pl.Int64, "name": pl.String},
                   "student_no", forms).filter(pl.col("school_id").is_in(allowed))
    pupils = pupils.select(_student_key(pl.col("student_no")).alias("_key"), pl.col("id").alias("student_id"),
                           "school_id", pl.col("name").alias("_registered_name")).unique("_key", keep="first")
    classes = dict(ClassMembership.objects.filter(term=ctx.term, left_on__isnull=True,
                                                  student_id__in=pupils["student_id"].to_list())
                   .values_list("student_id", "school_class_id"))
    frame = frame.with_columns(_student_key(pl.col("student_no")).alias("_key")).join(
        pupils, on="_key", how="left", maintain_order="left").drop("_key")
    frame = frame.with_columns(pl.col("student_id").replace_strict(classes, default=None, return_dtype=pl.Int64)
                               .alias("class_id"))
    ctx.flag(frame, pl.col("student_no").is_not_null() & pl.col("student_id").is_null(), "fitness_unknown_student",
             "student_no")
    ctx.flag(frame, pl.col("student_id").is_not_null() & pl.col("name").is_not_null()
             & (pl.col("name") != pl.col("_registered_name")), "fitness_name_mismatch", "name",
             registered=pl.col("_registered_name"))
    return frame


def commit_fitness(frame: pl.DataFrame, ctx: ImportContext) -> Counts:
    """One test per school this term (created on the first upload), the rows' records replaced, then scored."""
    today = timezone.localdate()
    created = updated = 0
    for (school_id,), rows in frame.partition_by("school_id", as_dict=True).items():
        test = actions.test_for(School.objects.get(pk=school_id), ctx.term, on=today, user=ctx.user)
        records = [
            {"student_id": r["student_id"], "school_class_id": r["class_id"], "grade": r["grade"], "sex": r["sex"],
             "grade_code": actions.grade_code(r["grade"]), "class_code": r["class_code"] or "",
             "ethnicity_code": r["ethnicity_code"] or "", **{m: r[m] for m in MEASUREMENTS},
             "exempt": r["exempt"], "exempt_reason": r["exempt_reason"] or "", "absent": r["absent"]}
            for r in rows.iter_rows(named=True)
        ]
        new, changed = actions.save_records(test, records)
        created, updated = created + new, updated + changed
    return Counts(created=created, updated=updated)


FITNESS = register(ImportSpec(
    kind="health.fitness",
    label=_("Fitness test results"),
    template_name="体质健康测试数据上报模板",
    roles=frozenset({Role.SCHOOL_DOCTOR, Role.PRINCIPAL, Role.ACADEMIC_OFFICE, Role.HEALTH_SECTION}),
    columns=(
        Column("grade", "年级编号", Custom(grade_of_code, dtype=pl.Int64), aliases=("年级", "年级代码"), required=True,
               help="必填。11–16 为小学一至六年级，21–23 为初中一至三年级；也可写 七年级。", sample="21"),
        Column("class_code", "班级编号", Text(max_length=20), aliases=("班级代码", "班号"), sample="2101"),
        Column("class_name", "班级名称", Text(max_length=30), aliases=("班级",), sample="七年级1班"),
        Column("student_no", "学籍编号", Identifier(max_length=30), required=True,
               aliases=("学籍号", "全国学籍号", "学生学籍号"),
               help="必填。学生须已在本校花名册中。请把这一列设为“文本”格式。", sample="G370102201201010000"),
        Column("ethnicity_code", "民族代码", Text(max_length=4), aliases=("民族",), sample="01"),
        Column("name", "姓名", Text(max_length=50), required=True, aliases=("学生姓名",), sample="张小明"),
        Column("sex", "性别", SEX, required=True, aliases=("性别代码",), help="必填。1 或 男；2 或 女。", sample="1"),
        Column("birth_date", "出生日期", Date(), aliases=("出生年月日",), sample="2012/9/1"),
        *(Column(field, header, measurement(low, high, kind), aliases=aliases,
                 help=f"合理范围 {low}–{high}。" + ("可写 3'25\"、3.25（分.秒）或秒数。" if kind == "long" else ""),
                 sample="")
          for header, field, aliases, low, high, kind in ITEM_COLUMNS),
        Column("exempt", "是否免测", YesNo(), aliases=("免测",), help="是 或 否。也可在任一项目中写“免测”。"),
        Column("exempt_reason", "免测原因", Text(max_length=100), aliases=("免测理由",),
               help="免测的学生必填，例如 因病持医院证明。"),
        Column("absent", "是否缺测", YesNo(), aliases=("缺测",), help="是 或 否。未测的项目可写“缺测”。"),
    ),
    steps=(no_repeated_rows, unique("student_no"), measurements, match_students),
    commit=commit_fitness,
    notes=(
        "每个学生一行，列名与国家学生体质健康标准数据管理系统的上报模板相同；未测试的项目可以不列出或留空。",
        "时间可写 3'25\"、3′25″、3.25（分.秒）或秒数；50米跑写秒数，如 8.6。",
        "文件中有任何一处错误时，整个文件都不会导入；请按错误清单改正后重新上传。",
        "导入后系统按《国家学生体质健康标准（2014年修订）》自动评分。",
    ),
    messages={
        "fitness_time": _("“%(value)s” is not a time. Write it like 3'25\", 3.25 (minutes.seconds) or in seconds."),
        "fitness_grade_code": _("“%(value)s” is not a grade code. Write 11 to 16 for primary grades, 21 to 23 for "
                                "junior middle grades, or the grade's name."),
        "fitness_exempt_reason": _("%(value)s is exempt from the test, but no reason is given. Fill in %(column)s."),
        "fitness_unknown_student": _("No pupil of your school has the student number “%(value)s”. Check the number, "
                                     "or import the pupil into the roster first."),
        "fitness_name_mismatch": _("“%(value)s” is not the name registered for this student number "
                                   "(%(registered)s). Check the row."),
    },
))


# --- vision screening (R-MON-5) ------------------------------------------------------------------------------
SPHERE_RANGE, CYLINDER_RANGE = (-20.0, 15.0), (-8.0, 8.0)  # what screening refractometers measure
ACUITY_LOW, ACUITY_HIGH = rule_default(vision.RANGE_RULE)  # the logarithmic chart's range, 4.0–5.3


def acuity(text: str) -> float:
    """Uncorrected acuity on the 5-point scale (5.0 normal), within the rule set's plausible range; a value
    that looks like the decimal scale (1.0, 0.8) is refused with that reason."""
    if not _NUMBER.match(text):
        raise Problem("number")
    value = float(text)
    if 0 < value <= 2.0:
        raise Problem("vision_decimal_scale")
    if not ACUITY_LOW <= value <= ACUITY_HIGH:
        raise Problem("vision_acuity")
    return value


ACUITY = Custom(acuity, dtype=pl.Float64, fixed_params={"min": ACUITY_LOW, "max": ACUITY_HIGH})


def vision_pupils(frame: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """The pupils (as for the fitness import), their grade from this term's class, sex from the roster; a
    cylinder needs its sphere."""
    frame = match_students(frame, ctx)
    ids = frame["student_id"].drop_nulls().to_list()
    sexes = dict(Student.objects.filter(pk__in=ids).values_list("pk", "sex"))
    class_ids = frame["class_id"].drop_nulls().to_list()
    grades = dict(SchoolClass.objects.filter(pk__in=class_ids).values_list("pk", "grade"))
    frame = frame.with_columns(
        pl.col("student_id").replace_strict(sexes, default=None, return_dtype=pl.String).alias("sex"),
        pl.col("class_id").replace_strict(grades, default=None, return_dtype=pl.Int64).alias("grade"),
    )
    ctx.flag(frame, pl.col("student_id").is_not_null() & pl.col("class_id").is_null(), "vision_no_class",
             "student_no")
    for eye in ("right", "left"):
        ctx.flag(frame, pl.col(f"cylinder_{eye}").is_not_null() & pl.col(f"sphere_{eye}").is_null(),
                 "vision_cylinder_alone", f"cylinder_{eye}")
    return frame


def commit_vision(frame: pl.DataFrame, ctx: ImportContext) -> Counts:
    """One screening per school this term (created on the first upload); the rows' records replaced and
    classified by ``core.vision`` at once."""
    today = timezone.localdate()
    created = updated = 0
    fields = [f for f in actions.VISION_FIELDS if f not in ("school_class_id",)]
    for (school_id,), rows in frame.partition_by("school_id", as_dict=True).items():
        screening = actions.screening_for(School.objects.get(pk=school_id), ctx.term, on=today, user=ctx.user)
        records = [{"student_id": r["student_id"], "school_class_id": r["class_id"], **{f: r[f] for f in fields}}
                   for r in rows.iter_rows(named=True)]
        new, changed = actions.save_vision(screening, records)
        created, updated = created + new, updated + changed
    return Counts(created=created, updated=updated)


def _refraction(field: str, header: str, aliases: tuple, bounds: tuple[float, float]) -> Column:
    low, high = bounds
    return Column(field, header, Decimal(min=low, max=high, places=2), aliases=aliases,
                  help=f"选填，屈光度（D），非睫状肌麻痹电脑验光，范围 {low}–{high}，近视为负数，如 -1.25。", sample="-1.25")


VISION = register(ImportSpec(
    kind="health.vision",
    label=_("Vision screening results"),
    template_name="视力筛查数据导入模板",
    roles=frozenset({Role.SCHOOL_DOCTOR, Role.PRINCIPAL, Role.ACADEMIC_OFFICE, Role.HEALTH_SECTION}),
    columns=(
        Column("student_no", "学籍号", Identifier(max_length=30), required=True,
               aliases=("学籍编号", "全国学籍号", "学生学籍号"),
               help="必填。学生须已在本校花名册中。请把这一列设为“文本”格式。", sample="G370102201201010000"),
        Column("name", "姓名", Text(max_length=50), required=True, aliases=("学生姓名",), sample="张小明"),
        Column("class_name", "班级", Text(max_length=30), aliases=("班级名称",),
               help="选填，仅供核对；学生的班级以花名册为准。", sample="七年级1班"),
        Column("va_right", "右眼裸眼视力", ACUITY, required=True,
               aliases=("右眼视力", "裸眼视力右", "裸眼视力(右)", "裸眼视力（右）", "右眼"),
               help=f"必填。五分记录，如 5.0（正常）、4.8；范围 {ACUITY_LOW}–{ACUITY_HIGH}。", sample="4.8"),
        Column("va_left", "左眼裸眼视力", ACUITY, required=True,
               aliases=("左眼视力", "裸眼视力左", "裸眼视力(左)", "裸眼视力（左）", "左眼"),
               help=f"必填。五分记录，如 5.0（正常）、4.8；范围 {ACUITY_LOW}–{ACUITY_HIGH}。", sample="5.0"),
        _refraction("sphere_right", "右眼球镜", ("右眼球镜度数", "右眼球镜(D)", "右眼球镜（D）", "右眼球镜度"), SPHERE_RANGE),
        _refraction("cylinder_right", "右眼柱镜", ("右眼柱镜度数", "右眼柱镜(D)", "右眼柱镜（D）", "右眼柱镜度"),
                    CYLINDER_RANGE),
        _refraction("sphere_left", "左眼球镜", ("左眼球镜度数", "左眼球镜(D)", "左眼球镜（D）", "左眼球镜度"), SPHERE_RANGE),
        _refraction("cylinder_left", "左眼柱镜", ("左眼柱镜度数", "左眼柱镜(D)", "左眼柱镜（D）", "左眼柱镜度"),
                    CYLINDER_RANGE),
        Column("glasses", "是否戴镜", YesNo(), aliases=("戴镜", "是否戴框架眼镜"), help="是 或 否。"),
        Column("ok_lens", "是否戴角膜塑形镜", YesNo(), aliases=("角膜塑形镜", "OK镜", "是否戴OK镜"),
               help="是 或 否。戴角膜塑形镜（OK 镜）的学生计为近视。"),
    ),
    steps=(no_repeated_rows, unique("student_no"), vision_pupils),
    commit=commit_vision,
    notes=(
        "每个学生一行；裸眼视力用五分记录（标准对数视力表），如 5.0、4.8。",
        "有电脑验光结果时填写球镜、柱镜（屈光度 D，近视为负数），系统按等效球镜 = 球镜 + 柱镜/2 判定筛查性近视；"
        "没有验光结果时，裸眼视力低于 5.0 记为视力不良（疑似近视）。",
        "判定标准：国家卫生健康委《儿童青少年近视防控适宜技术指南》（2019）。",
        "文件中有任何一处错误时，整个文件都不会导入；请按错误清单改正后重新上传。",
    ),
    messages={
        "vision_acuity": _("%(value)s is not a plausible uncorrected visual acuity. Write it on the 5-point scale, "
                           "from %(min)s to %(max)s (5.0 is normal)."),
        "vision_decimal_scale": _("%(value)s looks like the decimal scale. Write the acuity on the 5-point scale "
                                  "(decimal 1.0 is 5.0, 0.5 is 4.7)."),
        "vision_no_class": _("The pupil with the student number “%(value)s” is in no class this term. Place the "
                             "pupil in a class in the roster first."),
        "vision_cylinder_alone": _("A cylinder of %(value)s is given without its sphere. Fill in the sphere of the "
                                   "same eye (0 if there is none)."),
        "fitness_unknown_student": FITNESS.messages["fitness_unknown_student"],
        "fitness_name_mismatch": FITNESS.messages["fitness_name_mismatch"],
    },
))
