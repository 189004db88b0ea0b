"""The rule values in force for a school or district: the core rule set plus the stored overrides."""

from datetime import date
from typing import Any

from django.db.models import Q

from tisheng.core.rules import Resolved, RuleSet
from tisheng.memo import memoised
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
    """The rule set with the overrides of this school and its district (other overrides are not read).

    Read once per request (``tisheng.memo``): a page asks many rule questions of the same school.
    """
    district_id = school.district_id if school is not None else (district.pk if district is not None else None)
    school_id = school.pk if school is not None else None
    return memoised(("ruleset", district_id, school_id), lambda: _load(district_id, school_id))


def _load(district_id: int | None, school_id: int | None) -> RuleSet:
    if district_id is None:
        return RuleSet.load()
    wanted = Q(district_id=district_id) | Q(school__district_id=district_id)
    if school_id is not None:
        wanted &= Q(school__isnull=True) | Q(school_id=school_id)
    return RuleSet.load([o.as_core() for o in RuleOverride.objects.filter(wanted).select_related("school", "district")])


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
