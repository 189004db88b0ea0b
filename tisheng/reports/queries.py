"""Scoped reads of the report ledger.

Who sees a report: the user who requested it, and the bureau administrators of its district (who oversee
what leaves the system). Nobody else, the school's principal included: a report holds what its requester
may see, which may be more than a colleague may.
"""

from django.db.models import Q, QuerySet

from tisheng.accounts.scope import NOTHING, Scope, scope_rule, visible
from tisheng.reports.models import Report


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
