from django.db.models import Q

from tisheng.accounts.scope import NOTHING, Scope, scope_rule
from tisheng.roster.models import School
from tisheng.rulesets.models import RuleOverride


@scope_rule(RuleOverride)
def _override_rule(s: Scope) -> Q:
    """Staff see the overrides that govern them: their district's and their own schools'. Parents none."""
    q = NOTHING
    if s.district_ids:
        q |= Q(district_id__in=s.district_ids) | Q(school__district_id__in=s.district_ids)
    if s.member_school_ids:
        districts = School.objects.filter(id__in=s.member_school_ids).values("district_id")
        q |= Q(district_id__in=districts) | Q(school_id__in=s.member_school_ids)
    return q


def may_override(user) -> bool:
    scope = Scope.of(user)
    return bool(scope.admin_district_ids or scope.admin_school_ids)


def schools_for_override(user):
    """The schools a user may set rules for: the bureau administrator's district, a principal's school."""
    scope = Scope.of(user)
    return School.objects.filter(Q(district_id__in=scope.admin_district_ids) | Q(id__in=scope.admin_school_ids))
