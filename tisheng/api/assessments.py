"""Exams through the API (R-MON-2, R-ASM-1): assessments, papers with their items, the score imports and the
stored results, read through the assessments app's scope rules (``tisheng.assessments.queries``).

Only staff who work with exam results may call these routes (403 for others, parents included: R-ACC-4);
an assessment, school or class outside the caller's scope is a 404. Results are the stored ones of the last
analysis; ``analysis`` says whether they are up to date.
"""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from tisheng.accounts.scope import get_for_user, visible
from tisheng.assessments import queries
from tisheng.assessments.models import Assessment, ItemStat, ResultScope
from tisheng.imports.models import ImportBatch
from tisheng.roster.models import School, SchoolClass
from tisheng.roster.queries import shown_student_no

router = Router(tags=["assessments"])


def _staff(request):
    if not queries.sees_exams(request.auth):
        raise HttpError(403, str(queries.STAFF_ONLY))


def _assessment(request, assessment_id: int) -> Assessment:
    _staff(request)
    return get_for_user(request.auth, queries.assessments(request.auth), pk=assessment_id)


# --- assessments and papers ------------------------------------------------------------------------------
class AssessmentOut(Schema):
    id: int
    name: str = Field(description="考试名称 · name")
    kind: str = Field(description="类型 in_class 随堂监测 / weekly 周周评 / unit 单元测试 / midterm 期中 / final 期末 / sampling 区域抽测")
    term: str = Field(description="学期 · term")
    date: date
    grade: int = Field(description="年级 1–9 · grade")
    organiser: str = Field(description="组织方 district 教育局 / school 学校 / grade 年级组 · organised by")
    school_id: int | None = Field(description="学校（教育局组织的考试为空）· the school of a school's assessment")
    analysis: str = Field(description="分析状态 none / queued / running / done / failed · state of the stored results")
    analysed_at: datetime | None = Field(description="结果计算时间 · when the results were computed")

    @staticmethod
    def resolve_term(obj):
        return str(obj.term)


class AssessmentFilter(Schema):
    grade: int | None = Field(None, ge=1, le=9, description="年级 · grade")
    kind: str | None = Field(None, description="类型 · kind")


@router.get("/assessments", response=list[AssessmentOut], url_name="assessment_list", summary="Assessments")
@paginate(PageNumberPagination)
def assessment_list(request, filters: Query[AssessmentFilter]):
    _staff(request)
    qs = queries.assessments(request.auth)
    if filters.grade:
        qs = qs.filter(grade=filters.grade)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.order_by("-date", "grade", "pk")


class ItemOut(Schema):
    id: int
    position: int = Field(description="顺序 · position on the paper")
    label: str = Field(description="题号，如 1、26(1) · item as the marking system names it")
    max_score: float = Field(description="满分 · maximum score")
    kind: str = Field(description="objective 客观题 / subjective 主观题")
    ability: str = Field(description="能力层级 know 了解 / understand 理解 / master 掌握 / apply 运用 (may be empty)")
    knowledge_points: list[str] = Field(description="知识点编码 · codes of its knowledge points")

    @staticmethod
    def resolve_knowledge_points(obj):
        return [kp.code for kp in obj.knowledge_points.all()]


class PaperOut(Schema):
    id: int
    subject: str = Field(description="学科 · subject")
    full_mark: float = Field(description="满分 · full mark")
    import_id: int | None = Field(alias="batch_id", description="当前成绩来自的导入批次 · the import whose scores are current")
    scored_at: datetime | None = Field(description="成绩导入时间 · when the scores were imported")
    items: list[ItemOut]

    @staticmethod
    def resolve_subject(obj):
        return obj.subject.name

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class AssessmentDetailOut(AssessmentOut):
    papers: list[PaperOut]

    @staticmethod
    def resolve_papers(obj, context):
        return list(queries.papers(context["request"].auth, obj).prefetch_related("items__knowledge_points"))


@router.get("/assessments/{int:assessment_id}", response=AssessmentDetailOut, url_name="assessment_detail",
            summary="One assessment with its papers and items")
def assessment_detail(request, assessment_id: int):
    return _assessment(request, assessment_id)


# --- score imports -----------------------------------------------------------------------------------------
class ImportOut(Schema):
    id: int
    paper_id: int | None = Field(description="试卷（各科总分导入为空）· the paper, empty for subject totals")
    file_name: str
    sha256: str = Field(description="文件的 SHA-256 · the file's hash")
    status: str = Field(description="uploaded / validating / invalid / valid / committing / committed / failed")
    total_rows: int
    error_count: int
    created: int = Field(description="写入的学生行数 · pupils' rows written")
    created_at: datetime
    committed_at: datetime | None

    @staticmethod
    def resolve_paper_id(obj):
        return (obj.params or {}).get("paper")


@router.get("/assessments/{int:assessment_id}/imports", response=list[ImportOut], url_name="assessment_imports",
            summary="Score imports of an assessment, newest first")
def assessment_imports(request, assessment_id: int):
    assessment = _assessment(request, assessment_id)
    return list(visible(request.auth, ImportBatch).filter(kind="assessments.scores", params__assessment=assessment.pk)
                .order_by("-created_at"))


# --- results ---------------------------------------------------------------------------------------------
class ResultOut(Schema):
    scope: str = Field(description="all 全体考生 / school 学校 / class 班级 / teacher 教师")
    paper_id: int | None = Field(description="试卷（总分为空）· the paper; empty for the total of all papers")
    subject: str | None = Field(description="学科 · subject")
    school_id: int | None
    class_id: int | None = Field(alias="school_class_id")
    teacher_id: int | None
    subgroup: str = Field(description="学生群体，如 sex:F、boarding:1、left_behind:1；空为全部 · subgroup, empty for all")
    n_rows: int
    n_sat: int = Field(description="参考人数 · pupils who sat")
    n_absent: int = Field(description="缺考人数 · absent")
    full_mark: float
    mean: float | None
    sd: float | None
    score_rate: float | None = Field(description="得分率 · mean / full mark")
    pass_rate: float | None
    excellent_rate: float | None
    good_rate: float | None
    low_rate: float | None
    combined_index: float | None
    mean_change: float | None = Field(description="与上次考试相比的平均分变化（标准差）· change of the mean in SDs")
    data: dict = Field(description="其余数据：百分位、分数段、比均率、信度等 · percentiles, bands, relative standing, reliability")

    @staticmethod
    def resolve_subject(obj):
        return obj.subject.name if obj.subject else None


class ResultFilter(Schema):
    scope: ResultScope | None = Field(None, description="all / school / class / teacher")
    school: int | None = Field(None, description="学校编号 · school id")
    class_id: int | None = Field(None, alias="class", description="班级编号 · class id")
    paper: int | None = Field(None, description="试卷编号；不填则各科及总分 · paper id")
    subgroups: bool = Field(False, description="包括学生群体 · include the subgroup rows")


@router.get("/assessments/{int:assessment_id}/results", response=list[ResultOut], url_name="assessment_results",
            summary="Stored results (三率一分 and more) of an assessment")
@paginate(PageNumberPagination)
def assessment_results(request, assessment_id: int, filters: Query[ResultFilter]):
    assessment = _assessment(request, assessment_id)
    qs = queries.stats(request.auth, assessment).select_related("subject")
    if filters.scope:
        qs = qs.filter(scope=filters.scope)
    if filters.school:
        qs = qs.filter(school=get_for_user(request.auth, School, pk=filters.school))
    if filters.class_id:
        qs = qs.filter(school_class=get_for_user(request.auth, SchoolClass, pk=filters.class_id))
    if filters.paper:
        qs = qs.filter(paper_id=filters.paper)
    if not filters.subgroups:
        qs = qs.filter(subgroup="")
    return qs.order_by("scope", "school_id", "school_class_id", "paper_id", "subgroup", "pk")


class ItemResultOut(Schema):
    scope: str
    paper_id: int
    item_id: int
    item: str = Field(description="题号 · item")
    school_id: int | None
    class_id: int | None = Field(alias="school_class_id")
    n: int
    mean: float | None
    difficulty: float | None = Field(description="难度（得分率）· difficulty (score rate)")
    discrimination: float | None = Field(description="区分度（27% 高低分组）· upper–lower 27 % discrimination")
    r_item_rest: float | None = Field(description="校正题总相关 · corrected item–rest correlation")
    poor: bool = Field(description="区分度差 · discriminates badly (Ebel ≤ 0.19)")
    data: dict

    @staticmethod
    def resolve_item(obj):
        return obj.item.label


@router.get("/assessments/{int:assessment_id}/items", response=list[ItemResultOut], url_name="assessment_items",
            summary="Item analysis of an assessment")
@paginate(PageNumberPagination)
def assessment_items(request, assessment_id: int, filters: Query[ResultFilter]):
    assessment = _assessment(request, assessment_id)
    qs = visible(request.auth, ItemStat).filter(assessment=assessment).select_related("item")
    qs = qs.filter(scope=filters.scope or ResultScope.ALL)
    if filters.school:
        qs = qs.filter(school=get_for_user(request.auth, School, pk=filters.school))
    if filters.class_id:
        qs = qs.filter(school_class=get_for_user(request.auth, SchoolClass, pk=filters.class_id))
    if filters.paper:
        qs = qs.filter(paper_id=filters.paper)
    return qs.order_by("paper_id", "school_id", "school_class_id", "item__position")


class StudentResultOut(Schema):
    student_id: int
    student_no: str = Field(description="学籍号（按查看权限隐藏身份证号部分）· student number as the caller may see it")
    name: str
    school_id: int
    class_id: int | None = Field(alias="school_class_id")
    paper_id: int | None
    status: str = Field(description="sat 参考 / absent 缺考 / exempt 免考 / cheating 作弊")
    score: float | None
    level: str = Field(description="等级 · level")
    z: float | None = Field(description="标准分（全体考生中）· standard score among everybody who sat")
    percentile_rank: float | None
    z_change: float | None = Field(description="与上次考试相比的标准分变化 · change of z since the previous exam")
    mastery: dict = Field(description="知识点掌握率 {知识点编号: 掌握率} · mastery per knowledge point id")

    @staticmethod
    def resolve_student_no(obj, context):
        return shown_student_no(context["request"].auth, obj.student, obj.school_class_id)

    @staticmethod
    def resolve_name(obj):
        return obj.student.name


class StudentResultFilter(Schema):
    class_id: int | None = Field(None, alias="class", description="班级编号 · class id")
    paper: int | None = Field(None, description="试卷编号；不填为总分（只看本学科者为本学科试卷）· paper id; empty: the total, or the own subject's paper for a subject-group leader")


@router.get("/assessments/{int:assessment_id}/students", response=list[StudentResultOut],
            url_name="assessment_students", summary="Pupils' results (staff only)")
@paginate(PageNumberPagination)
def assessment_students(request, assessment_id: int, filters: Query[StudentResultFilter]):
    assessment = _assessment(request, assessment_id)
    paper = filters.paper if filters.paper is not None else queries.default_paper_id(request.auth, assessment)
    qs = queries.student_results(request.auth, assessment).filter(paper_id=paper).select_related("student")
    if filters.class_id:
        qs = qs.filter(school_class=get_for_user(request.auth, SchoolClass, pk=filters.class_id))
    return qs.order_by("school_id", "school_class_id", "student__student_no")

