"""The rule values in force for a school or district: the core rule set plus the stored overrides."""

from datetime import date
from typing import Any

from tisheng.core.rules import Resolved, RuleSet
from tisheng.roster.models import District, School
from tisheng.rulesets.models import RuleOverride


def scope_chain(*, school: School | None = None, district: District | None = None) -> list[tuple[str, str]]:
    """Broadest first, as ``core.rules`` wants it: the district, then the school."""
    if school is not None:
        district = school.district
    chain = [("district", district.code)] if district is not None else []
    if school is not None:
        chain.append(("school", school.code))
    return chain


def ruleset_for(*, school: School | None = None, district: District | None = None) -> RuleSet:
    """The rule set with the overrides of this school and its district (other overrides are not read)."""
    if school is not None:
        district = school.district
    overrides = RuleOverride.objects.select_related("school", "district")
    if district is None:
        overrides = overrides.none()
    else:
        overrides = overrides.filter(district=district) | overrides.filter(school__district=district)
        if school is not None:
            overrides = overrides.filter(school__isnull=True) | overrides.filter(school=school)
    return RuleSet.load([o.as_core() for o in overrides])


def resolve(
    key: str, *, school: School | None = None, district: District | None = None, grade: int | None = None,
    on: date | None = None,
) -> Resolved:
    return ruleset_for(school=school, district=district).resolve(
        key, grade=grade, scope_chain=scope_chain(school=school, district=district), on=on
    )


def rule_value(
    key: str, *, school: School | None = None, district: District | None = None, grade: int | None = None,
    on: date | None = None,
) -> Any:
    """The value of ``key`` in force for ``school`` (or ``district``) and ``grade`` on ``on`` (default today)."""
    return resolve(key, school=school, district=district, grade=grade, on=on).value
