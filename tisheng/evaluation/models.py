"""Stored value-added and growth results (增值评价, issue 6): written only by the task (``services.py``), read by
the pages, reports and API through the scope rules (``queries.py``). Pages never fit a model.

    ValueAddedRun    one outcome paper (a subject of a later assessment) with the prior papers used as
                     predictors, the model description and parameters, n, the rule values: everything needed
                     to reproduce its figures
    GroupEstimate    a school's or a class's value-added (multilevel, empirical Bayes) or median growth
                     percentile, with its interval, n, and "too small" instead of an estimate under the minimum
    StudentGrowth    a pupil's growth percentile (SGP), attributed to the school and class of the pupil's
                     membership on the outcome assessment's date
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisheng.assessments.models import Assessment, Paper
from tisheng.roster.models import School, SchoolClass, Student, Subject


class ValueAddedJob(models.Model):
    """Where the value-added of an assessment stands: queued after its scores (or an earlier assessment's)
    changed, running, done. The pages say "being computed" until it is done again."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to be computed")
        RUNNING = "running", _("Being computed")
        DONE = "done", _("Computed")
        FAILED = "failed", _("Computation failed")

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="value_added_job")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    queued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True)


class ValueAddedRun(models.Model):
    """The value-added of one subject of an assessment (the outcome) over earlier papers of the same cohort."""

    class State(models.TextChoices):
        DONE = "done", _("Computed")
        NO_PRIOR = "no_prior", _("No earlier assessment of these pupils in this subject")
        FAILED = "failed", _("The model could not be fitted")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, related_name="value_added")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices)
    # why a model gave nothing (FAILED, or growth percentiles not computed): shown beside the figures
    message = models.CharField(max_length=300, blank=True, default="")
    # the prior papers, earliest first: [{"assessment": id, "paper": id, "name": …, "date": "2026-01-15"}]
    priors = models.JSONField(default=list)
    prior_papers = models.ManyToManyField(Paper, related_name="+")  # the same, for "which runs use this paper"
    n_students = models.PositiveIntegerField(default=0)  # pupils in the fit (sat the outcome and every prior)
    n_unplaced = models.PositiveIntegerField(default=0)  # pupils left out: no class membership that day
    min_group_size = models.PositiveSmallIntegerField(default=10)
    level = models.FloatField(default=0.95)
    # core's descriptions (model, formula, method, n, date, sources) and the fitted parameters:
    # {"value_added": {"description": …, "fixed": […], "variances": […], "theta": …},
    #  "sgp": {"description": …, "knots": …, "boundaries": …} or absent}
    model = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("value-added result")
        verbose_name_plural = _("value-added results")
        ordering = ["assessment", "subject__order"]

    def __str__(self):
        return f"{self.assessment} · {self.subject}"

    @property
    def prior_names(self) -> list[str]:
        return [p["name"] for p in self.priors]

    @property
    def has_growth(self) -> bool:
        return "sgp" in self.model

    @property
    def failure_text(self) -> str:
        """Why the model could not be fitted, in the reader's language."""
        from tisheng.evaluation.present import why_not

        return why_not(self.model.get("failure"), self.message)


class Measure(models.TextChoices):
    VALUE_ADDED = "va", _("Value-added")  # 增值 (score points above what pupils with the same priors scored)
    MEDIAN_SGP = "sgp", _("Median growth percentile")  # 增长百分位中位数


class GroupLevel(models.TextChoices):
    SCHOOL = "school", _("School")
    CLASS = "class", _("Class")


class GroupEstimate(models.Model):
    """One school's or class's estimate with its interval, or "too small" (status) without one.

    For classes, ``estimate`` is the class's position among all classes of the fit (its school's effect plus
    its own, lme4's school + school:class modes), so a principal's classes are read against the district;
    ``data`` keeps the class's effect within its school and the standard errors.
    """

    run = models.ForeignKey(ValueAddedRun, on_delete=models.CASCADE, related_name="groups")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(max_length=5, choices=Measure.choices)
    level = models.CharField(max_length=10, choices=GroupLevel.choices)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, null=True, related_name="+")
    n = models.PositiveIntegerField()
    too_small = models.BooleanField(default=False)
    estimate = models.FloatField(null=True)
    lower = models.FloatField(null=True)
    upper = models.FloatField(null=True)
    reading = models.CharField(max_length=15)  # core's code: above / not_different / below / too_small
    data = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["run", "measure", "level"]), models.Index(fields=["assessment", "level"])]


class StudentGrowth(models.Model):
    """A pupil's growth percentile in one subject: the share (of 100) of pupils with the same prior scores who
    scored lower this time. Staff see it; a parent only where the rule set allows (``exam.value_added.parents.sgp``)."""

    run = models.ForeignKey(ValueAddedRun, on_delete=models.CASCADE, related_name="students")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    prior_scores = models.JSONField(default=list)  # in the order of the run's priors
    sgp = models.PositiveSmallIntegerField(null=True)  # null when growth percentiles were not computed
    # predicted scores at the 35th and 65th percentile of growth (SGP's percentile cuts): "typical" range
    cut_35 = models.FloatField(null=True)
    cut_65 = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["run", "school_class"]), models.Index(fields=["student"])]
