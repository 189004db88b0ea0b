"""The import ledger: one ``ImportBatch`` per uploaded file (R-MON-1, R-PLT-3).

A batch keeps the file (under MEDIA_ROOT), its SHA-256, who uploaded it for which school and term, how far
the work has got, what was wrong (errors as data, rendered in the viewer's language) and what was written.

    uploaded → validating → valid ─→ committing → committed
                          ↘ invalid              ↘ invalid (the data changed meanwhile) / failed
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def upload_path(batch: "ImportBatch", filename: str) -> str:
    # The stored name is the hash, not the user's file name (which may hold a school's or a pupil's name).
    return f"imports/{timezone.now():%Y/%m}/{batch.sha256}"


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking")
        INVALID = "invalid", _("Has errors")
        VALID = "valid", _("Ready to import")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=50)  # an ImportSpec.kind, e.g. "roster.students"
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("imported by"),
    )
    # Scope: the district always; the school when the upload is for one school.
    district = models.ForeignKey("roster.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district"))
    school = models.ForeignKey(
        "roster.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    term = models.ForeignKey("roster.Term", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("term"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{"row": 12, "sheet": null, "column": "birth_date", "key": "date", "params": {"value": "2012-13-01"}}, …]
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # The column mapping and the first rows as read: {"columns": [...], "ignored": [...], "rows": [...]}
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    # What the import is for, when its declaration's columns depend on it (ImportSpec.columns_for).
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    file_removed_at = models.DateTimeField(_("file removed at"), null=True, blank=True)  # tisheng/retention.py

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"

    @property
    def spec(self):
        from tisheng.imports.spec import get_spec

        spec = get_spec(self.kind)
        return spec.for_params(self.params) if spec is not None else None

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.INVALID, self.Status.VALID, self.Status.COMMITTED, self.Status.FAILED)

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.UPLOADED, self.Status.VALIDATING, self.Status.COMMITTING)
