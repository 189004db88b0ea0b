"""The report ledger: one ``Report`` per requested document (R-FB-2).

A report is one kind (``registry.py``) with its parameters in one format, made by the task worker:

    queued → running → done
                     ↘ failed (``message`` says why; the requester can run it again)

The file lives under MEDIA_ROOT. Who downloaded it is in the audit trail (one export event per download).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A running report with no sign of life for this long lost its worker (a restart) and may be run again.
STALE_AFTER = timezone.timedelta(minutes=10)


def report_path(report: "Report", filename: str) -> str:
    # The stored name says nothing about its content (the download name is made when it is downloaded).
    return f"reports/{timezone.now():%Y/%m}/{report.pk}-{report.kind}.{report.format}"


class Report(models.Model):
    class Format(models.TextChoices):
        DOCX = "docx", _("Word")
        PDF = "pdf", _("PDF")
        XLSX = "xlsx", _("Excel")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=60)  # a ReportKind.key, e.g. "roster.school_overview"
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)  # the form's ids, e.g. {"school": 3}
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # What the report is about, in words, fixed when it was requested ("青山区实验中学 七年级3班").
    about = models.CharField(_("about"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("requested by")
    )
    # Scope: the district always; the school when the report is about one school (or a class of it).
    district = models.ForeignKey("roster.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district"))
    school = models.ForeignKey(
        "roster.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # percent
    # Why it failed: an English msgid (marked with gettext_noop where it is raised), shown translated.
    message = models.CharField(_("message"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to=report_path, max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)  # the worker's heartbeat
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_removed_at = models.DateTimeField(_("file removed at"), null=True, blank=True)  # tisheng/retention.py

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"#{self.pk} {self.kind} {self.about}"

    @property
    def kind_spec(self):
        from tisheng.reports.registry import get_kind

        return get_kind(self.kind)

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_stale(self) -> bool:
        """Waiting or running with no sign of life for ``STALE_AFTER``: the worker is gone or never came."""
        return self.is_pending and timezone.now() - self.updated_at > STALE_AFTER

    @property
    def may_run_again(self) -> bool:
        return self.status == self.Status.FAILED or self.is_stale or self.file_removed_at is not None


def word_template_path(template: "WordTemplate", filename: str) -> str:
    where = f"school-{template.school_id}" if template.school_id else f"district-{template.district_id}"
    kind = template.kind.replace(".", "_")
    return f"report-templates/{where}/{kind}-{timezone.now():%Y%m%d%H%M%S}.docx"


class WordTemplate(models.Model):
    """A Word template a school (or, with no school, the bureau for its district) uploaded for one report kind:
    it replaces the kind's shipped .docx when a report of that school (else of that district) is made as Word.

    One per (kind, school) and one per (kind, district without school): a new upload replaces the old one;
    removing it brings back the shipped template.
    """

    kind = models.CharField(_("kind"), max_length=60)  # a ReportKind.key
    district = models.ForeignKey("roster.District", on_delete=models.CASCADE, related_name="+", verbose_name=_("district"))
    school = models.ForeignKey(
        "roster.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    file = models.FileField(_("file"), upload_to=word_template_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)  # as uploaded, to recognise it
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("Word template")
        verbose_name_plural = _("Word templates")
        constraints = [
            models.UniqueConstraint(fields=["kind", "school"], condition=models.Q(school__isnull=False),
                                    name="word_template_one_per_school"),
            models.UniqueConstraint(fields=["kind", "district"], condition=models.Q(school__isnull=True),
                                    name="word_template_one_per_district"),
        ]

    def __str__(self):
        return f"{self.kind} {self.original_name}"

    @property
    def kind_spec(self):
        from tisheng.reports.registry import get_kind

        return get_kind(self.kind)
