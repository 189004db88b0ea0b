"""Scoped reads of the report ledger.

Who sees a report: the user who requested it, and the bureau administrators of its district (who oversee
what leaves the system). Nobody else, the school's principal included: a report holds what its requester
may see, which may be more than a colleague may.
"""

from django.db.models import Q, QuerySet

from tisheng.accounts.scope import NOTHING, Scope, scope_rule, visible
from tisheng.reports.models import Report, WordTemplate
from tisheng.roster.models import District, School


@scope_rule(Report)
def _report_rule(s: Scope) -> Q:
    q = NOTHING
    if s.user_id:
        q |= Q(requested_by_id=s.user_id)
    if s.admin_district_ids:
        q |= Q(district_id__in=s.admin_district_ids)
    return q


def reports(user) -> QuerySet[Report]:
    return visible(user, Report).select_related("requested_by__person", "school")


# --- uploaded Word templates: managed by a school's principal and academic office (教务处), and by the
# bureau administrators for their district (the account administrators of ``Scope``) --------------------
@scope_rule(WordTemplate)
def _word_template_rule(s: Scope) -> Q:
    q = NOTHING
    if s.admin_school_ids:
        q |= Q(school_id__in=s.admin_school_ids)
    if s.admin_district_ids:
        q |= Q(school__isnull=True, district_id__in=s.admin_district_ids)
    return q


def word_templates(user) -> QuerySet[WordTemplate]:
    return visible(user, WordTemplate).select_related("uploaded_by__person", "school", "district")


def template_places(user) -> list[District | School]:
    """Where ``user`` manages Word templates: the bureau administrator's districts, then the schools of a
    principal or the academic office (with their branch schools)."""
    scope = Scope.of(user)
    districts = District.objects.filter(pk__in=scope.admin_district_ids).order_by("code")  # the ids are the scope
    schools = visible(user, School).filter(pk__in=scope.admin_school_ids).order_by("code")
    return [*districts, *schools]
