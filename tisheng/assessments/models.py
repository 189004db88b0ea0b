"""Assessments, their papers and items, the scores, and the stored results of the analysis (R-MON-2, R-ASM-1…5).

Facts (written by imports and corrections, ``actions.py``):

    Assessment (one grade's sitting: 期中 of 七年级) ─ Paper per subject (full mark) ─ Item (题, max score,
    objective/subjective, knowledge points, ability level)
    PaperScore  one row per student × paper: status (参考/缺考/免考/作弊) and the paper's total
    ItemScore   one row per student × item: the big table (22.5 M rows for a district of 100,000 pupils)

``ItemScore`` is kept narrow on purpose: a composite primary key (paper, student, item) and a float score,
no id column, no foreign-key constraints (the importer validates every id before a COPY, and constraint
checks would cost a lookup per row). The primary key's index serves the analysis, which reads whole papers.
Students who did not sit have a ``PaperScore`` with their status and no item rows.

Results (written only by the analysis task, ``analysis.py``; pages never compute): ``ScopeStat`` (三率一分 and
more per scope: all who sat, school, class, teacher, and subgroups), ``ItemStat``, ``KpStat``,
``StudentResult`` (level, knowledge points to work on, standard score for staff) and ``AttentionEntry``.
Headline numbers are typed columns, so that pages can sort and filter; the rest of each row is a JSON
``data`` column (percentiles, bands, relative standing, change), read whole by the page that shows it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from tisheng.roster.models import District, School, SchoolClass, Student, Subject, Teacher, Term, grade_name


class Status(models.TextChoices):
    """A student's status on a paper. Only ``sat`` enters means and rates; the others are counted apart."""

    SAT = "sat", pgettext_lazy("exam status", "Sat")  # 参考 ("Sat" alone is Saturday in Django's catalogue)
    ABSENT = "absent", pgettext_lazy("exam status", "Absent")  # 缺考
    EXEMPT = "exempt", pgettext_lazy("exam status", "Exempt")  # 免考
    CHEATING = "cheating", pgettext_lazy("exam status", "Cheating")  # 作弊


class KnowledgePoint(models.Model):
    """A knowledge point (知识点) of a subject's catalogue; an item tests one or more."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="knowledge_points",
                                verbose_name=_("subject"))
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("part of"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("knowledge point")
        verbose_name_plural = _("knowledge points")
        ordering = ["subject__order", "code"]
        constraints = [models.UniqueConstraint(fields=["subject", "code"], name="kp_unique_code")]

    def __str__(self):
        return self.name


class Assessment(models.Model):
    """One grade's sitting of an exam or test, organised by the bureau, a school or a grade group."""

    class Kind(models.TextChoices):
        IN_CLASS = "in_class", _("In-class check")  # 随堂监测
        WEEKLY = "weekly", _("Weekly check")  # 周周评
        UNIT = "unit", _("Unit test")  # 单元测试
        MIDTERM = "midterm", _("Mid-term exam")  # 期中
        FINAL = "final", _("Final exam")  # 期末
        SAMPLING = "sampling", _("District sampling test")  # 区域抽测

    class Organiser(models.TextChoices):
        DISTRICT = "district", _("Education bureau")
        SCHOOL = "school", _("School")
        GRADE = "grade", _("Grade group")

    class Analysis(models.TextChoices):
        NONE = "none", _("No scores yet")
        QUEUED = "queued", _("Waiting for analysis")
        RUNNING = "running", _("Being analysed")
        DONE = "done", _("Analysed")
        FAILED = "failed", _("Analysis failed")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("term"))
    date = models.DateField(_("date"))
    grade = models.PositiveSmallIntegerField(_("grade"))
    organiser = models.CharField(_("organised by"), max_length=10, choices=Organiser.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district"))
    # The school of a school or grade-group assessment; empty for the bureau's.
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("school"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The analysis: pages show the stored results and say when they are out of date.
    analysis = models.CharField(_("analysis"), max_length=10, choices=Analysis.choices, default=Analysis.NONE)
    scores_changed_at = models.DateTimeField(null=True, blank=True)
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)
    # The rule values the analysis used (lines, level method), so that every figure can be explained.
    analysis_rules = models.JSONField(default=dict, blank=True)
    # The previous comparable assessment of the same pupils, found by the analysis (change since).
    compared_with = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                      verbose_name=_("compared with"))
    history = HistoricalRecords(excluded_fields=["analysis", "scores_changed_at", "analysed_at", "analysis_rules",
                                                 "compared_with"])

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-date", "grade", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=9), name="assessment_grade_1_9"),
            models.CheckConstraint(
                name="assessment_school_matches_organiser",
                condition=Q(organiser="district", school__isnull=True) | (~Q(organiser="district") & Q(school__isnull=False)),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.organiser == self.Organiser.DISTRICT and self.school_id:
            raise ValidationError({"school": _("An assessment of the education bureau is not for one school.")})
        if self.organiser != self.Organiser.DISTRICT and not self.school_id:
            raise ValidationError({"school": _("Choose the school.")})

    @property
    def grade_label(self) -> str:
        return grade_name(self.grade)

    @property
    def results_outdated(self) -> bool:
        return self.analysis != self.Analysis.DONE


class Paper(models.Model):
    """The paper (试卷) of one subject in an assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="papers")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject"))
    full_mark = models.DecimalField(_("full mark"), max_digits=6, decimal_places=2)
    # The import whose scores are the paper's scores now; a new import of the paper replaces them.
    batch = models.ForeignKey("imports.ImportBatch", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=pgettext_lazy("exam", "import"))
    scored_at = models.DateTimeField(_("scores imported at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["batch", "scored_at"])

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["assessment", "subject__order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "subject"], name="paper_one_per_subject")]

    def __str__(self):
        return f"{self.assessment} · {self.subject}"


class Item(models.Model):
    """An item (题) of a paper. ``label`` is the item as the marking system names it: 1, 26(1), 一.1."""

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("Objective")  # 客观题
        SUBJECTIVE = "subjective", _("Subjective")  # 主观题

    class Ability(models.TextChoices):
        # 能力层级 of the 双向细目表 (test blueprint)
        NONE = "", _("Not given")
        KNOW = "know", _("Know")  # 了解
        UNDERSTAND = "understand", _("Understand")  # 理解
        MASTER = "master", _("Master")  # 掌握
        APPLY = "apply", _("Apply")  # 灵活运用

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("item"), max_length=20)
    max_score = models.DecimalField(_("maximum score"), max_digits=5, decimal_places=2)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SUBJECTIVE)
    ability = models.CharField(_("ability level"), max_length=10, choices=Ability.choices, blank=True, default="")
    knowledge_points = models.ManyToManyField(KnowledgePoint, blank=True, related_name="items",
                                              verbose_name=_("knowledge points"))
    history = HistoricalRecords(m2m_fields=[knowledge_points])

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="item_unique_position"),
            models.UniqueConstraint(fields=["paper", "label"], name="item_unique_label"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="item_max_score_positive"),
        ]

    def __str__(self):
        return self.label


class PaperScore(models.Model):
    """A student's status and total on one paper, with the school and class the student sat in."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="scores")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, null=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    score = models.FloatField(_("score"), null=True)
    objective = models.FloatField(_("objective items"), null=True)
    subjective = models.FloatField(_("subjective items"), null=True)
    batch = models.ForeignKey("imports.ImportBatch", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("paper score")
        verbose_name_plural = _("paper scores")
        constraints = [
            models.UniqueConstraint(fields=["paper", "student"], name="paper_score_unique"),
            models.CheckConstraint(condition=Q(status="sat") | Q(score__isnull=True), name="paper_score_only_sat"),
        ]
        indexes = [models.Index(fields=["paper", "school_class"]), models.Index(fields=["student"])]


class ItemScore(models.Model):
    """One student's score on one item (see the module doc for why it has no id and no constraints)."""

    pk = models.CompositePrimaryKey("paper_id", "student_id", "item_id")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                related_name="+")
    item = models.ForeignKey(Item, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                             related_name="+")
    score = models.FloatField()

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")


class ScoreCorrection(models.Model):
    """The audit trail of a corrected score (R-ACC-4): append-only, one row per correction."""

    paper_score = models.ForeignKey(PaperScore, on_delete=models.SET_NULL, null=True, related_name="corrections")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="corrections")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    old_status = models.CharField(max_length=10, choices=Status.choices)
    new_status = models.CharField(max_length=10, choices=Status.choices)
    old_score = models.FloatField(null=True)
    new_score = models.FloatField(null=True)
    reason = models.CharField(_("reason"), max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("score correction")
        verbose_name_plural = _("score corrections")
        ordering = ["-at"]


class ColumnMapping(models.Model):
    """How the columns of one file layout map to the fields of a score import, remembered per layout.

    ``signature`` is a hash of the layout's header cells and the paper's items, so the same export of the
    same marking system maps itself the next time.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    mapping = models.JSONField()  # {"columns": {"3": "student_no", "7": "item:12", …}, "header_rows": [1, 2]}
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "signature"], name="mapping_unique_layout")]


# --- stored results of the analysis ----------------------------------------------------------------------
class ResultScope(models.TextChoices):
    """Where an aggregate belongs. ``all`` is everybody who sat the assessment (the district for the bureau's)."""

    ALL = "all", _("All who sat")
    SCHOOL = "school", _("School")
    CLASS = "class", _("Class")
    TEACHER = "teacher", _("Teacher")


class ResultRow(models.Model):
    """What every stored result row has: the assessment, the paper (null: the total of all papers) and where."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, null=True, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, null=True, related_name="+")  # the paper's
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, related_name="+")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, null=True, related_name="+")

    class Meta:
        abstract = True


class AggregateRow(ResultRow):
    scope = models.CharField(max_length=10, choices=ResultScope.choices)

    class Meta:
        abstract = True


class ScopeStat(AggregateRow):
    """三率一分 and the rest of ``core.exam_stats.score_stats`` for one scope and paper (or the total)."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, null=True, related_name="+")
    # "" for everybody in the scope, else "sex:M", "boarding:1", "left_behind:0" …
    subgroup = models.CharField(max_length=20, blank=True, default="")
    n_rows = models.PositiveIntegerField()
    n_sat = models.PositiveIntegerField()
    n_absent = models.PositiveIntegerField()
    full_mark = models.FloatField()
    mean = models.FloatField(null=True)
    sd = models.FloatField(null=True)
    score_rate = models.FloatField(null=True)
    pass_rate = models.FloatField(null=True)
    excellent_rate = models.FloatField(null=True)
    good_rate = models.FloatField(null=True)
    low_rate = models.FloatField(null=True)
    combined_index = models.FloatField(null=True)
    mean_change = models.FloatField(null=True)  # since the compared assessment, in the reference's SDs
    # n_exempt, n_cheating, min, max, percentiles, bands, relative standing (…_ratio, …_excess, mean_std),
    # change, and for the paper's "all" row its reliability (α, split half, SEM).
    data = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["assessment", "scope", "paper"])]


class ItemStat(AggregateRow):
    """Difficulty, discrimination and the score distribution of one item, for everybody, a school or a class."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    n = models.PositiveIntegerField()
    mean = models.FloatField(null=True)
    difficulty = models.FloatField(null=True)
    discrimination = models.FloatField(null=True)
    r_item_rest = models.FloatField(null=True)
    poor = models.BooleanField(default=False)  # discriminates badly (Ebel ≤ 0.19)
    data = models.JSONField(default=dict)  # ebel, difficulty_band, r_item_total, distribution [[score, n], …]

    class Meta:
        indexes = [models.Index(fields=["assessment", "scope", "paper"])]


class KpStat(AggregateRow):
    """Knowledge-point mastery (知识点掌握率) of everybody, a school or a class."""

    knowledge_point = models.ForeignKey(KnowledgePoint, on_delete=models.CASCADE, related_name="+")
    mastery = models.FloatField(null=True)
    n_items = models.PositiveSmallIntegerField()
    n_students = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["assessment", "scope", "paper"])]


class StudentResult(ResultRow):
    """One student's result on a paper (or the total): what staff analyse and what a parent may see.

    A parent's pages show only ``level`` and ``weak_points`` (R-ACC-4: levels, never scores of others nor any
    rank); ``z`` and ``percentile_rank`` are standing among others, for staff.
    """

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    score = models.FloatField(null=True)
    level = models.CharField(max_length=10, blank=True, default="")
    z = models.FloatField(null=True)
    percentile_rank = models.FloatField(null=True)
    z_change = models.FloatField(null=True)
    # {knowledge point id: mastery}; weak_points: the ids of the points to work on, weakest first
    mastery = models.JSONField(default=dict)
    weak_points = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["assessment", "student"]), models.Index(fields=["student"])]


class AttentionEntry(ResultRow):
    """A student who needs attention (R-ASM-5) in a subject, with the evidence of the last assessments."""

    class Group(models.TextChoices):
        STRUGGLING = "struggling", _("Struggling")  # 学困生
        BORDERLINE_PASS = "borderline_pass", _("Just below the pass line")  # 临界及格
        BORDERLINE_EXCELLENT = "borderline_excellent", _("Just below excellent")  # 临界优生
        STRONG = "strong", _("Consistently strong")  # 持续优秀

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=25, choices=Group.choices)
    hits = models.PositiveSmallIntegerField()
    window = models.PositiveSmallIntegerField()
    # [{"assessment": id, "name": …, "date": "2026-11-05", "score_rate": 0.52, "in_group": true, "status": "sat"}]
    evidence = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["assessment", "group"])]
