"""Physical health through the API (R-MON-4, R-PLT-5): each school's fitness tests (体质健康测试) and vision
screenings (视力筛查) with their pupils' records, read through the health app's scope rules
(``tisheng.health.queries``): bureau and school roles see their schools, a grade leader the grade, a head
teacher the class, a PE teacher the classes taught (fitness only), a parent their own children's records.
Read-only: results come in through the imports in the national layout and are scored there.
"""

from datetime import date, datetime

from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from tisheng.accounts.scope import get_for_user, visible
from tisheng.health.models import ITEMS, FitnessTest, VisionScreening
from tisheng.health.queries import records, vision_records

router = Router(tags=["health"])


class EventOut(Schema):
    id: int
    school_id: int
    term_id: int
    date: date


class FitnessTestOut(EventOut):
    scored_at: datetime | None = Field(description="评分时间（未评分为空）· when the records were scored")


class ItemOut(Schema):
    measurement: float | None = Field(description="原始成绩 · as measured (s, cm, times, ml)")
    score: int | None = Field(description="单项得分 · item score")
    bonus: int | None = Field(None, description="加分 · bonus points (rope skipping, sit-ups, pull-ups, runs)")


class PupilRecordOut(Schema):
    """What every pupil's health record starts with (no 学籍号 or ID number)."""

    id: int
    student_id: int
    name: str
    class_id: int | None = Field(alias="school_class_id")
    grade: int
    sex: str = Field(description="M 男 / F 女")

    @staticmethod
    def resolve_name(obj):
        return obj.student.name


class FitnessRecordOut(PupilRecordOut):
    test_id: int
    exempt: bool = Field(description="免测 · exempted (left out of every rate)")
    absent: bool
    height_cm: float | None
    weight_kg: float | None
    bmi: float | None
    bmi_band: str
    bmi_score: int | None
    items: dict[str, ItemOut] = Field(description="按项目 · by item key, only the items measured")
    standard_score: float | None = Field(description="标准分 · standard score")
    bonus: int | None = Field(description="附加分 · bonus points")
    total: float | None = Field(description="学年总分 · year total")
    level: str = Field(description="excellent 优秀 / good 良好 / pass 及格 / fail 不及格")
    status: str = Field(description="ok 已评分 / incomplete 缺项 / invalid 数据有误 / exempt 免测 / absent 缺测 / unscored 未评分")
    reason: str = Field(description="未评分的原因 · why the record was not scored")

    @staticmethod
    def resolve_items(obj):
        return {
            item: {"measurement": getattr(obj, item), "score": getattr(obj, f"{item}_score"),
                   "bonus": getattr(obj, f"{item}_bonus", None)}
            for item in ITEMS if getattr(obj, item) is not None
        }


class VisionRecordOut(PupilRecordOut):
    screening_id: int
    va_right: float = Field(description="裸眼视力（五分记录）右眼 · uncorrected acuity, right eye (5-point scale)")
    va_left: float
    sphere_right: float | None
    cylinder_right: float | None
    sphere_left: float | None
    cylinder_left: float | None
    glasses: bool
    ok_lens: bool = Field(description="角膜塑形镜 · orthokeratology lenses")
    se_right: float | None = Field(description="等效球镜 · spherical equivalent (D)")
    se_left: float | None
    poor_vision: bool = Field(description="视力不良 · poor vision")
    myopia: bool = Field(description="筛查性近视 · screening myopia")
    basis: str = Field(description="判定依据 · what the classification rests on")


@router.get("/health/fitness-tests", response=list[FitnessTestOut], url_name="fitness_test_list",
            summary="Fitness tests")
@paginate(PageNumberPagination)
def fitness_tests(request):
    return visible(request.auth, FitnessTest).order_by("-date", "school_id")


@router.get("/health/fitness-tests/{int:test_id}/records", response=list[FitnessRecordOut],
            url_name="fitness_records", summary="Pupils' fitness records of a test")
@paginate(PageNumberPagination)
def fitness_records(request, test_id: int):
    test = get_for_user(request.auth, FitnessTest, pk=test_id)
    return records(request.auth, test).order_by("grade", "school_class_id", "student__student_no")


@router.get("/health/vision-screenings", response=list[EventOut], url_name="vision_screening_list",
            summary="Vision screenings")
@paginate(PageNumberPagination)
def vision_screenings(request):
    return visible(request.auth, VisionScreening).order_by("-date", "school_id")


@router.get("/health/vision-screenings/{int:screening_id}/records", response=list[VisionRecordOut],
            url_name="vision_records", summary="Pupils' vision records of a screening")
@paginate(PageNumberPagination)
def vision_screening_records(request, screening_id: int):
    screening = get_for_user(request.auth, VisionScreening, pk=screening_id)
    return vision_records(request.auth, screening).order_by("grade", "school_class_id", "student__student_no")
