"""Homework under 双减 (R-MON-3): weekly plans, their review, the posting (公示) and what families report.

A *plan* is one teacher's homework for one class and subject in one week (Monday to Sunday), with an *item*
per piece of homework on a day. It is written as a draft, submitted, reviewed by the subject-group leader
(教研组长/备课组长), and published when the class's written minutes stay within the limit on every day;
otherwise it is held until the grade leader (年级组长) resolves it. Publishing copies the items into the
*posted items*: what parents see and what the analysis counts. A plan changed after approval goes back to
review, while its last approved version stays posted until the new one is approved.

Plans carry a version number: two people saving the same plan from the same version get a conflict,
never a lost update. Every change to plans, items, counts and answers is kept by django-simple-history.

Families answer once per child and day (minutes, where it was finished, bedtime); the head teacher (班主任)
records how many pupils finished in school. ``ClassDayLoad`` and ``SupportFlag`` are results: a task
(``tasks.analyse_week``) computes them with ``tisheng.core.homework`` and pages read them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tisheng.roster.models import School, SchoolClass, Student, Subject, Teacher

MAX_ITEM_MINUTES = 240


class Kind(models.TextChoices):
    WRITTEN = "written", _("Written")  # 书面作业
    PRACTICAL = "practical", _("Practical")  # 实践体验型作业


class Category(models.TextChoices):
    BASIC = "basic", _("Basic")  # 基础型
    EXTENDED = "extended", _("Extended")  # 拓展型
    COMPREHENSIVE = "comprehensive", _("Comprehensive")  # 综合型


class Layer(models.TextChoices):
    ALL = "", _("Everyone")
    A = "A", _("Layer A")  # A类 基础知识题
    B = "B", _("Layer B")  # B类 拓展提高题


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        RETURNED = "returned", _("Returned")
        HELD = "held", _("Held: over the limit")  # approved, waits for the grade leader
        PUBLISHED = "published", _("Published")

    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="homework_plans",
                                verbose_name=_("teacher"))
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="homework_plans",
                                     verbose_name=_("class"))
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject"))
    week = models.DateField(_("week starting"))  # a Monday
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)  # optimistic locking
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    late = models.BooleanField(_("filed late"), default=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("reason"), max_length=300, blank=True)  # why it was returned
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("changed by"))
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("homework plan")
        verbose_name_plural = _("homework plans")
        ordering = ["week", "school_class__grade", "school_class__number", "subject__order"]
        constraints = [
            models.UniqueConstraint(fields=["school_class", "subject", "teacher", "week"], name="homework_plan_unique"),
        ]
        indexes = [models.Index(fields=["school_class", "week"]), models.Index(fields=["week", "status"])]

    def __str__(self):
        return f"{self.school_class.name} {self.subject.name} {self.week:%Y-%m-%d}"


class Item(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    date = models.DateField(_("day"))
    position = models.PositiveSmallIntegerField(default=0)
    content = models.CharField(_("homework"), max_length=500)
    kind = models.CharField(_("form"), max_length=10, choices=Kind.choices, default=Kind.WRITTEN)
    category = models.CharField(_("type"), max_length=14, choices=Category.choices, default=Category.BASIC)
    layer = models.CharField(_("layer"), max_length=1, choices=Layer.choices, default=Layer.ALL, blank=True)
    # measured by the teacher doing it (试做)
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(MAX_ITEM_MINUTES)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("homework item")
        verbose_name_plural = _("homework items")
        ordering = ["date", "position", "pk"]


class PostedItem(models.Model):
    """An item as published (公示): what parents see and the analysis counts."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="posted")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("day"))
    position = models.PositiveSmallIntegerField(default=0)
    content = models.CharField(_("homework"), max_length=500)
    kind = models.CharField(_("form"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("type"), max_length=14, choices=Category.choices)
    layer = models.CharField(_("layer"), max_length=1, choices=Layer.choices, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("posted homework")
        verbose_name_plural = _("posted homework")
        ordering = ["date", "subject__order", "position", "pk"]
        indexes = [models.Index(fields=["school_class", "date"])]


class Finished(models.TextChoices):
    SCHOOL = "school", _("Finished at school")
    HOME = "home", _("Finished at home")
    NOT = "not", _("Not finished")


class Feedback(models.Model):
    """A family's answer for one child and day. One per child and day; editable until the next morning."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="homework_feedback")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("day"))
    minutes = models.PositiveSmallIntegerField(_("minutes it took"), null=True, blank=True,
                                               validators=[MaxValueValidator(600)])
    finished = models.CharField(_("finished"), max_length=6, choices=Finished.choices)
    bedtime = models.TimeField(_("bedtime"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("homework feedback")
        verbose_name_plural = _("homework feedback")
        constraints = [models.UniqueConstraint(fields=["student", "date"], name="homework_feedback_one_per_day")]
        indexes = [models.Index(fields=["school_class", "date"])]


class InSchoolCount(models.Model):
    """The head teacher's count of pupils who finished their written homework in school (由班主任统计)."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("day"))
    finished_in_school = models.PositiveSmallIntegerField(_("finished in school"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("in-school completion count")
        verbose_name_plural = _("in-school completion counts")
        constraints = [models.UniqueConstraint(fields=["school_class", "date"], name="homework_count_one_per_day")]


# --- results of the analysis task ----------------------------------------------------------------------------
class ClassDayLoad(models.Model):
    """A class-day as ``core.homework.class_days`` computed it (R-ASM-6)."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    grade = models.PositiveSmallIntegerField()
    date = models.DateField()
    weekend = models.BooleanField(default=False)
    written = models.PositiveSmallIntegerField(default=0)
    practical = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    limit = models.PositiveSmallIntegerField(null=True)
    over_by = models.PositiveSmallIntegerField(null=True)
    students = models.PositiveSmallIntegerField(null=True)
    in_school_count = models.PositiveSmallIntegerField(null=True)
    in_school_rate = models.FloatField(null=True)
    reports = models.PositiveIntegerField(default=0)
    reported_minutes = models.FloatField(null=True)
    minutes_gap = models.FloatField(null=True)  # reported − planned written minutes
    reported_over_by = models.FloatField(null=True)  # families' mean above the limit
    excess = models.FloatField(null=True)  # the larger of over_by and reported_over_by
    finished_school = models.PositiveIntegerField(default=0)
    finished_home = models.PositiveIntegerField(default=0)
    not_finished = models.PositiveIntegerField(default=0)
    reported_in_school_rate = models.FloatField(null=True)
    late_bedtimes = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("class-day homework load")
        verbose_name_plural = _("class-day homework load")
        constraints = [models.UniqueConstraint(fields=["school_class", "date"], name="homework_load_one_per_day")]
        indexes = [models.Index(fields=["school", "date"]), models.Index(fields=["date", "over_by"])]


class SupportFlag(models.Model):
    """A student reported "not finished" at least N times in M weeks up to ``week`` (作业困难学生), for support."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()  # the Monday of the last week of the window
    times = models.PositiveSmallIntegerField()
    weeks = models.PositiveSmallIntegerField()
    last_date = models.DateField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("student who often does not finish")
        verbose_name_plural = _("students who often do not finish")
        constraints = [models.UniqueConstraint(fields=["student", "week"], name="homework_support_one_per_week")]


class PendingAnalysis(models.Model):
    """A school-week whose results are out of date; the task that refreshes them removes the row.

    It makes the many answers of one evening ask for one refresh, not one each.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "week"], name="homework_pending_unique")]
