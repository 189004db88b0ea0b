"""Audit trail (R-ACC-4, R-ASR-3).

Row-level changes to roster data and role assignments are kept by django-simple-history on the models
themselves. ``AuditEvent`` records what history tables cannot see: exports (who took which data out),
imports, bulk account creation, logins refused, token issue.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import")
        ACCOUNTS_CREATED = "accounts_created", _("Accounts created")
        PASSWORDS_EXPORTED = "passwords_exported", _("Initial passwords exported")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        TOKEN_ISSUED = "token_issued", _("API token issued")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        TEMPLATE_CHANGED = "template_changed", _("Report template changed")
        FILES_REMOVED = "files_removed", _("Old files removed")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    # What it was about, in words a reviewer understands ("students of 城关一小, 312 rows").
    summary = models.CharField(_("summary"), max_length=300)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    school = models.ForeignKey(
        "roster.School", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("school")
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.summary}"
