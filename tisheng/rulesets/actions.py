"""Every change to rule overrides (history is kept by simple-history on the model)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tisheng.accounts.scope import Scope
from tisheng.memo import forget
from tisheng.rulesets.models import RuleOverride


@transaction.atomic
def add_override(user, *, key, value, school=None, grades=(), effective_from: date, effective_to=None, note: str) -> RuleOverride:
    scope = Scope.of(user)
    if school is None:
        if len(scope.admin_district_ids) != 1:
            raise PermissionDenied
        override = RuleOverride(district_id=next(iter(scope.admin_district_ids)))
    else:
        if school.id not in scope.admin_school_ids and school.district_id not in scope.admin_district_ids:
            raise PermissionDenied
        override = RuleOverride(school=school)
    override.key, override.value, override.grades = key, value, list(grades)
    override.effective_from, override.effective_to, override.note = effective_from, effective_to, note
    override.created_by = user
    override.full_clean()
    override.save()
    forget()  # the rest of this request reads the rules with the new override
    return override


@transaction.atomic
def end_override(user, override: RuleOverride, on: date) -> RuleOverride:
    """Stop an override from ``on`` (kept for the record, so past figures stay explainable)."""
    scope = Scope.of(user)
    school_ok = override.school_id and (
        override.school_id in scope.admin_school_ids or override.school.district_id in scope.admin_district_ids
    )
    if not (school_ok or override.district_id in scope.admin_district_ids):
        raise PermissionDenied
    if on <= override.effective_from:
        override.delete()  # it never took effect; simple-history still keeps the record of it
    else:
        override.effective_to = on
        override.save(update_fields=["effective_to"])
    forget()
    return override
