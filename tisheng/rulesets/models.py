"""Local overrides of the rule set (R-ASR-1).

The national defaults and Tisheng's own defaults are data files read by ``tisheng.core.rules``. A district
bureau or a school may set a stricter (or, where the policy allows, different) value with an effective date,
e.g. a school that allows no written English homework, or a district whose excellent line is 0.90 for grades
1–2. Overrides are never deleted: ending one sets ``effective_to``, so a past figure can be explained by the
rules in force on its date.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tisheng.core.rules import defaults
from tisheng.roster.models import District, School


def validate_rule_key(key: str) -> None:
    if key not in defaults().keys():
        raise ValidationError(_("There is no rule “%(key)s”."), params={"key": key}, code="unknown_rule")


class RuleOverride(models.Model):
    key = models.CharField(_("rule"), max_length=120, validators=[validate_rule_key])
    value = models.JSONField(_("value"))
    district = models.ForeignKey(District, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("district"))
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("school"))
    # Grades it applies to; empty: every grade.
    grades = models.JSONField(_("grades"), default=list, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    note = models.CharField(_("reason or document"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule override")
        verbose_name_plural = _("rule overrides")
        ordering = ["key", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                name="override_one_scope",
                condition=Q(district__isnull=False, school__isnull=True) | Q(district__isnull=True, school__isnull=False),
            ),
            models.CheckConstraint(
                name="override_dates_ordered",
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=models.F("effective_from")),
            ),
        ]

    def __str__(self):
        return f"{self.key} = {self.value} ({self.school or self.district})"

    @property
    def scope(self) -> tuple[str, str]:
        """The override's scope as ``core.rules`` names it."""
        return ("school", self.school.code) if self.school_id else ("district", self.district.code)

    def as_core(self) -> dict:
        return {
            "key": self.key, "value": self.value, "scope": list(self.scope), "grades": self.grades,
            "effective_from": self.effective_from, "effective_to": self.effective_to, "note": self.note,
        }
