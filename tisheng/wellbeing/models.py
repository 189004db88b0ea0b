"""The rest of the five managements (五项管理, R-MON-4): sleep (睡眠), physical activity in school (体质), phones
(手机) and reading materials (读物). Homework is the homework app's, and so is the families' bedtime.

* **Sleep.** Families report the bedtime with their homework answer (``homework.Feedback.bedtime``, read here,
  never copied) and, the next morning, the wake-up time (``WakeReport``). Night D runs from D's bedtime to the
  wake-up time on D + 1.
* **Activity in school.** The PE teacher or head teacher records per class and school day the minutes of the
  PE lesson, the big break (大课间) and other activity (``ActivityDay``).
* **Phones.** The school's rule in force (``PhoneRule``: its text, storage, effective date), and the parents'
  requests for an exception (``PhoneException``: 经家长同意、书面提出申请), decided by the head teacher or school.
* **Reading materials** (课外读物进校园管理办法): a proposed title goes through the rule's procedure
  (初选 → 评议 → 确认 → 备案), each step a ``ReadingDecision`` with its reason; titles through the last step are
  the school's recommended list for the term, which parents see.

``ClassWeek`` holds results: the task ``tasks.analyse_week`` computes them with ``tisheng.core.wellbeing``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tisheng.roster.models import School, SchoolClass, Student, Term

MAX_DAY_MINUTES = 480  # a school day's minutes: a bound on any one field of the activity grid


class WakeReport(models.Model):
    """A family's wake-up time after the night of ``night`` (the morning of night + 1). One per child and night."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="wake_reports")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+")
    night = models.DateField(_("night of"))
    wake_time = models.TimeField(_("wake-up time"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("wake-up time")
        verbose_name_plural = _("wake-up times")
        constraints = [models.UniqueConstraint(fields=["student", "night"], name="wellbeing_wake_one_per_night")]
        indexes = [models.Index(fields=["school_class", "night"])]


class ActivityDay(models.Model):
    """A class's physical activity in school on one day (每天校内体育活动一小时)."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("day"))
    pe_minutes = models.PositiveSmallIntegerField(_("PE lesson"), validators=[MaxValueValidator(MAX_DAY_MINUTES)])
    break_minutes = models.PositiveSmallIntegerField(_("big break"), validators=[MaxValueValidator(MAX_DAY_MINUTES)])
    activity_minutes = models.PositiveSmallIntegerField(_("other activity"),
                                                        validators=[MaxValueValidator(MAX_DAY_MINUTES)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity in school")
        verbose_name_plural = _("activity in school")
        constraints = [models.UniqueConstraint(fields=["school_class", "date"], name="wellbeing_activity_one_per_day")]

    @property
    def total(self) -> int:
        return self.pe_minutes + self.break_minutes + self.activity_minutes


class PhoneRule(models.Model):
    """A school's phone rule (学校手机管理规定) from its effective date on; the latest one in force applies."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="phone_rules")
    text = models.TextField(_("rule"), max_length=4000)
    storage = models.CharField(_("storage"), max_length=300)  # e.g. 进校后交班主任，放入教室手机柜统一保管
    effective_from = models.DateField(_("effective from"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phone rule")
        verbose_name_plural = _("phone rules")
        ordering = ["school", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["school", "effective_from"], name="wellbeing_phone_rule_date")]


class PhoneException(models.Model):
    """A parent's written application to let the child bring a phone to school, and its decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="phone_exceptions")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), max_length=1000)
    parent_consent = models.BooleanField(_("parent's consent"), default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("reason for the decision"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phone exception")
        verbose_name_plural = _("phone exceptions")
        ordering = ["-requested_at", "-pk"]


class ReadingTitle(models.Model):
    """A title proposed for the school's recommended list of a term (进校园课外读物)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In review")
        LISTED = "listed", _("On the list")  # through the last step of the procedure
        REJECTED = "rejected", _("Not recommended")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="reading_titles")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("term"))
    title = models.CharField(_("book title"), max_length=200)
    author = models.CharField(_("author"), max_length=120)
    publisher = models.CharField(_("publisher"), max_length=120)
    grades = models.JSONField(_("grades"), default=list)  # e.g. [3, 4]
    # Steps done (the procedure's list, from the rule set): 1 after 初选, the proposal itself.
    steps_done = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reading title")
        verbose_name_plural = _("reading titles")
        ordering = ["school", "title"]
        constraints = [models.UniqueConstraint(fields=["school", "term", "title", "author"],
                                               name="wellbeing_reading_title_unique")]


class ReadingDecision(models.Model):
    """One step of the procedure for a title: who decided, passed or not, and why."""

    title = models.ForeignKey(ReadingTitle, on_delete=models.CASCADE, related_name="decisions")
    step = models.CharField(_("step"), max_length=20)  # the procedure's own word, e.g. 评议
    passed = models.BooleanField(_("passed"))
    reason = models.CharField(_("reason"), max_length=500)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("reading decision")
        verbose_name_plural = _("reading decisions")
        ordering = ["decided_at", "pk"]


# --- results of the analysis task ----------------------------------------------------------------------------
class ClassWeek(models.Model):
    """A class-week's sleep and activity figures as ``core.wellbeing`` counted them (columns ``COUNTS``)."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    grade = models.PositiveSmallIntegerField()
    week = models.DateField()  # a Monday: nights and days of Monday to Sunday
    pupils = models.PositiveSmallIntegerField(default=0)
    sleep_nights = models.PositiveIntegerField(default=0)
    sleep_enough = models.PositiveIntegerField(default=0)
    sleep_hours_sum = models.FloatField(default=0)
    bedtimes = models.PositiveIntegerField(default=0)
    bedtimes_in_time = models.PositiveIntegerField(default=0)
    sleep_pupils = models.PositiveIntegerField(default=0)
    pe_days = models.PositiveSmallIntegerField(default=0)
    pe_days_enough = models.PositiveSmallIntegerField(default=0)
    pe_minutes_sum = models.PositiveIntegerField(default=0)
    break_days_enough = models.PositiveSmallIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("class-week sleep and activity")
        verbose_name_plural = _("class-week sleep and activity")
        constraints = [models.UniqueConstraint(fields=["school_class", "week"], name="wellbeing_class_week")]
        indexes = [models.Index(fields=["school", "week"])]
