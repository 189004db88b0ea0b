"""Physical health (R-MON-4): the yearly fitness test by the 2014 National Student Physical Health Standard.

A *fitness test* (体质健康测试) is one school's test in one term; a *fitness record* holds one pupil's raw
measurements, as in the national data system's upload template, and the scoring result stored beside them.
The scoring is ``tisheng.core.fitness.score_students`` (``actions.score_test``); pages only read what it stored.

A pupil exempted from the test (免测/免予执行, with the reason) or absent is not scored and is left out of
every rate's denominator.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tisheng.roster.models import School, SchoolClass, Student, Term

# The item keys of tisheng.core.fitness (checked against its tables in tests/test_scoring.py).
ITEMS = ("vital_capacity", "run_50m", "sit_and_reach", "rope_skip_1min", "sit_up_1min", "shuttle_50x8",
         "standing_long_jump", "pull_up", "run_1000m", "run_800m")
BONUS_ITEMS = ("rope_skip_1min", "sit_up_1min", "pull_up", "run_1000m", "run_800m")
MEASUREMENTS = ("height_cm", "weight_kg", *ITEMS)


class Level(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")  # 优秀
    GOOD = "good", _("Good")  # 良好
    PASS = "pass", _("Pass")  # 及格
    FAIL = "fail", _("Fail")  # 不及格


class FitnessTest(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="fitness_tests",
                               verbose_name=_("school"))
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("term"))
    date = models.DateField(_("test date"))
    tested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("tested by"))
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fitness test")
        verbose_name_plural = _("fitness tests")
        constraints = [models.UniqueConstraint(fields=["school", "term"], name="health_one_test_per_school_term")]
        ordering = ["-date"]

    def __str__(self):
        return f"{self.school} {self.term}"


def _measurement(label):
    return models.FloatField(label, null=True, blank=True)


def _score(label):
    return models.SmallIntegerField(label, null=True, blank=True)


class FitnessRecord(models.Model):
    class Status(models.TextChoices):
        OK = "ok", _("Scored")
        INCOMPLETE = "incomplete", _("Incomplete")  # a required item not measured
        INVALID = "invalid", _("Invalid")
        EXEMPT = "exempt", _("Exempt")  # 免测
        ABSENT = "absent", _("Absent")  # 缺测
        UNSCORED = "unscored", _("Not scored yet")

    test = models.ForeignKey(FitnessTest, on_delete=models.CASCADE, related_name="records", verbose_name=_("test"))
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="fitness_records",
                                verbose_name=_("student"))
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("class"))
    grade = models.PositiveSmallIntegerField(_("grade"))
    sex = models.CharField(_("sex"), max_length=1)  # "M"/"F", as tisheng.core.fitness expects
    # The national template's codes as written (年级编号, 班级编号, 民族代码): the export gives them back.
    grade_code = models.CharField(_("grade code"), max_length=4, blank=True)
    class_code = models.CharField(_("class code"), max_length=20, blank=True)
    ethnicity_code = models.CharField(_("ethnicity code"), max_length=4, blank=True)

    height_cm = _measurement(_("height (cm)"))
    weight_kg = _measurement(_("weight (kg)"))
    vital_capacity = _measurement(_("vital capacity (ml)"))
    run_50m = _measurement(_("50 m run (s)"))
    sit_and_reach = _measurement(_("sit and reach (cm)"))
    rope_skip_1min = _measurement(_("one-minute rope skipping"))
    sit_up_1min = _measurement(_("one-minute sit-ups"))
    shuttle_50x8 = _measurement(_("50 m × 8 shuttle run (s)"))
    standing_long_jump = _measurement(_("standing long jump (cm)"))
    pull_up = _measurement(_("pull-ups"))
    run_1000m = _measurement(_("1000 m run (s)"))
    run_800m = _measurement(_("800 m run (s)"))

    exempt = models.BooleanField(_("exempt"), default=False)  # 免测
    exempt_reason = models.CharField(_("reason for exemption"), max_length=100, blank=True)
    absent = models.BooleanField(_("absent"), default=False)

    # --- the result of tisheng.core.fitness.score_students -----------------------------------------------
    vital_capacity_score = _score(_("vital capacity score"))
    run_50m_score = _score(_("50 m run score"))
    sit_and_reach_score = _score(_("sit and reach score"))
    rope_skip_1min_score = _score(_("rope skipping score"))
    sit_up_1min_score = _score(_("sit-ups score"))
    shuttle_50x8_score = _score(_("shuttle run score"))
    standing_long_jump_score = _score(_("standing long jump score"))
    pull_up_score = _score(_("pull-ups score"))
    run_1000m_score = _score(_("1000 m run score"))
    run_800m_score = _score(_("800 m run score"))
    bmi = models.FloatField(_("BMI"), null=True, blank=True)
    bmi_band = models.CharField(_("BMI band"), max_length=12, blank=True)  # normal/low weight/overweight/obese
    bmi_score = _score(_("BMI score"))
    rope_skip_1min_bonus = _score(_("rope skipping bonus"))
    sit_up_1min_bonus = _score(_("sit-ups bonus"))
    pull_up_bonus = _score(_("pull-ups bonus"))
    run_1000m_bonus = _score(_("1000 m run bonus"))
    run_800m_bonus = _score(_("800 m run bonus"))
    standard_score = models.FloatField(_("standard score"), null=True, blank=True)  # 标准分
    bonus = _score(_("bonus points"))  # 附加分
    total = models.FloatField(_("year total"), null=True, blank=True)  # 学年总分
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UNSCORED)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fitness record")
        verbose_name_plural = _("fitness records")
        constraints = [models.UniqueConstraint(fields=["test", "student"], name="health_one_record_per_test")]

    def __str__(self):
        return f"{self.student} {self.test}"

    @property
    def passed(self) -> bool:
        return self.level in (Level.EXCELLENT, Level.GOOD, Level.PASS)


class VisionScreening(models.Model):
    """One school's vision screening (视力筛查) in one term (R-MON-5)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="vision_screenings",
                               verbose_name=_("school"))
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("term"))
    date = models.DateField(_("screening date"))
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("screened by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vision screening")
        verbose_name_plural = _("vision screenings")
        constraints = [models.UniqueConstraint(fields=["school", "term"], name="health_one_screening_per_school_term")]
        ordering = ["-date"]

    def __str__(self):
        return f"{self.school} {self.term}"


class VisionRecord(models.Model):
    """One pupil's screening: uncorrected acuity (裸眼视力, 5-point scale) of each eye, optionally the
    non-cycloplegic refraction, glasses and OK lenses; and the classification of ``tisheng.core.vision``."""

    class Basis(models.TextChoices):
        REFRACTION = "refraction", _("acuity and refraction")  # 筛查性近视
        ACUITY = "acuity", _("acuity only")  # 视力不良, suspected myopia
        OK_LENS = "ok_lens", _("orthokeratology lenses")

    screening = models.ForeignKey(VisionScreening, on_delete=models.CASCADE, related_name="records",
                                  verbose_name=_("screening"))
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="vision_records",
                                verbose_name=_("student"))
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("class"))
    grade = models.PositiveSmallIntegerField(_("grade"))
    sex = models.CharField(_("sex"), max_length=1)
    va_right = models.FloatField(_("uncorrected visual acuity, right eye"))
    va_left = models.FloatField(_("uncorrected visual acuity, left eye"))
    sphere_right = models.FloatField(_("sphere, right eye (D)"), null=True, blank=True)
    cylinder_right = models.FloatField(_("cylinder, right eye (D)"), null=True, blank=True)
    sphere_left = models.FloatField(_("sphere, left eye (D)"), null=True, blank=True)
    cylinder_left = models.FloatField(_("cylinder, left eye (D)"), null=True, blank=True)
    glasses = models.BooleanField(_("wears glasses"), default=False)
    ok_lens = models.BooleanField(_("wears orthokeratology lenses"), default=False)  # 角膜塑形镜
    # --- the result of tisheng.core.vision.classify ---------------------------------------------------
    se_right = models.FloatField(_("spherical equivalent, right eye (D)"), null=True, blank=True)
    se_left = models.FloatField(_("spherical equivalent, left eye (D)"), null=True, blank=True)
    poor_vision = models.BooleanField(_("poor vision"), default=False)  # 视力不良
    myopia = models.BooleanField(_("myopia"), default=False)
    basis = models.CharField(_("basis"), max_length=12, choices=Basis.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vision record")
        verbose_name_plural = _("vision records")
        constraints = [models.UniqueConstraint(fields=["screening", "student"], name="health_one_vision_record")]

    def __str__(self):
        return f"{self.student} {self.screening}"
