"""Value-added and growth (增值评价) through the API: the stored results of an assessment, read through the
evaluation app's scope rules (``tisheng.evaluation.queries``).

Staff who work with exam results only (403 for others, parents included: R-ACC-4); an assessment, class or
subject outside the caller's scope is a 404. Every run carries its model description, priors, n and rules, so a
figure can be reproduced; groups under the minimum size come back with ``too_small`` and no estimate.
"""

from datetime import datetime

from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from tisheng.accounts.scope import get_for_user
from tisheng.api.assessments import _assessment
from tisheng.evaluation import queries
from tisheng.evaluation.models import GroupLevel, Measure
from tisheng.roster.models import SchoolClass

router = Router(tags=["value-added"])


class GroupOut(Schema):
    measure: str = Field(description="va 增值（分）/ sgp 增长百分位中位数 · value-added in score points or median growth percentile")
    level: str = Field(description="school 学校 / class 班级")
    school_id: int
    class_id: int | None = Field(None, alias="school_class_id")
    n: int = Field(description="学生数 · pupils in the group")
    too_small: bool = Field(description="人数不足，不报告估计 · fewer pupils than the rule's minimum: no estimate")
    estimate: float | None = Field(description="估计值（班级为在全区的位置：学校效应 + 班级效应）· for classes, school + class effect")
    lower: float | None = Field(description="区间下限 · lower end of the interval")
    upper: float | None = Field(description="区间上限 · upper end of the interval")
    reading: str = Field(description="above 高于预期 / not_different 无显著差异 / below 低于预期 / too_small 人数不足")


class RunOut(Schema):
    id: int
    subject_id: int
    paper_id: int
    state: str = Field(description="done 已计算 / no_prior 无前测 / failed 模型无法拟合")
    message: str
    priors: list[dict] = Field(description="前测试卷（最近的在前）· prior papers: assessment, paper, name, date, column")
    n_students: int = Field(description="参加本次及全部前测的学生数 · pupils with the outcome and every prior")
    n_unplaced: int = Field(description="考试当天无班级记录而未纳入的学生数 · pupils without a class that day")
    min_group_size: int
    level: float = Field(description="区间的置信水平 · confidence level of the intervals")
    model: dict = Field(description="模型描述与参数 · core's model descriptions and fitted parameters")
    computed_at: datetime
    groups: list[GroupOut]

    @staticmethod
    def resolve_groups(obj, context):
        return list(obj.visible_groups)


class RunFilter(Schema):
    subject: int | None = Field(None, description="学科编号 · subject id")
    level: GroupLevel | None = Field(None, description="school / class")
    measure: Measure | None = Field(None, description="va / sgp")


@router.get("/assessments/{int:assessment_id}/value-added", response=list[RunOut], url_name="value_added",
            summary="Value-added of schools and classes")
def value_added(request, assessment_id: int, filters: Query[RunFilter]):
    assessment = _assessment(request, assessment_id)
    runs = list(queries.runs(request.auth, assessment))
    if filters.subject is not None:
        runs = [r for r in runs if r.subject_id == filters.subject]
    for run in runs:
        groups = queries.groups(request.auth, run, filters.measure)
        if filters.level is not None:
            groups = groups.filter(level=filters.level)
        run.visible_groups = groups.order_by("measure", "level", "school_id", "school_class_id")
    return runs


class GrowthOut(Schema):
    student_id: int
    name: str
    subject_id: int
    school_id: int
    class_id: int = Field(alias="school_class_id", description="考试当天所在班级 · the class on the exam day")
    score: float
    prior_scores: list[float] = Field(description="前测成绩，顺序同 priors · in the order of the run's priors")
    sgp: int | None = Field(description="增长百分位 1–99（人数不足时为空）· growth percentile")
    cut_35: float | None = Field(description="第35增长百分位对应的分数 · score at the 35th growth percentile")
    cut_65: float | None = Field(description="第65增长百分位对应的分数 · score at the 65th growth percentile")

    @staticmethod
    def resolve_name(obj):
        return obj.student.name


class GrowthFilter(Schema):
    subject: int | None = Field(None, description="学科编号 · subject id")
    class_id: int | None = Field(None, alias="class", description="班级编号 · class id")


@router.get("/assessments/{int:assessment_id}/growth", response=list[GrowthOut], url_name="growth",
            summary="Pupils' growth percentiles (staff only)")
@paginate(PageNumberPagination)
def growth(request, assessment_id: int, filters: Query[GrowthFilter]):
    assessment = _assessment(request, assessment_id)
    runs = queries.runs(request.auth, assessment)
    if filters.subject is not None:
        runs = runs.filter(subject_id=filters.subject)
    qs = queries.visible_students(request.auth).filter(run__in=runs).select_related("student")
    if filters.class_id:
        qs = qs.filter(school_class=get_for_user(request.auth, SchoolClass, pk=filters.class_id))
    return qs.order_by("subject_id", "school_id", "school_class_id", "student__student_no")
