"""Scope cases of the rule pages (format: ``tisheng/testing/scope.py``)."""

from datetime import date

from django.urls import reverse

from tisheng.accounts.models import Role
from tisheng.roster.models import School
from tisheng.rulesets.models import RuleOverride
from tisheng.testing.scope import Probe

ADMINS = {Role.BUREAU_ADMIN, Role.PRINCIPAL, Role.ACADEMIC_OFFICE}


def cases(world, role, user):
    main = School.objects.get(code="QS01")
    other = School.objects.get(code="QS04")
    # One local rule in another school of the district: only district-wide roles may see or end it.
    foreign = RuleOverride.objects.create(
        key="homework.written.daily_avg_minutes.max", value=45, school=other, grades=[5, 6],
        effective_from=date(2025, 9, 1), note="实验小学减负要求·只限本校",
    )
    own = RuleOverride.objects.create(
        key="homework.written.daily_avg_minutes.max", value=80, school=main, grades=[7, 8, 9],
        effective_from=date(2025, 9, 1), note="实验中学本校规定",
    )
    staff = role != Role.PARENT
    district_wide = role in {Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.RESEARCHER, Role.HEALTH_SECTION}
    list_probe = Probe(reverse("rulesets:rule_list"), status=200 if staff else 403,
                       absent=() if district_wide or not staff else (foreign.note,))
    probes_other_school = [Probe(reverse("rulesets:rule_list"), data={"school": other.pk},
                                 status=200 if district_wide else 404 if staff else 403)]
    end_own_status = 302 if role in ADMINS else 403 if staff else 404
    end_foreign_status = 302 if role == Role.BUREAU_ADMIN else 403 if district_wide else 404
    return {
        "rulesets:rule_list": [list_probe, *probes_other_school],
        "rulesets:override_create": [Probe(reverse("rulesets:override_create"), status=200 if role in ADMINS else 403)],
        "rulesets:override_end": [
            Probe(reverse("rulesets:override_end", args=[own.pk]), method="post", status=end_own_status),
            Probe(reverse("rulesets:override_end", args=[foreign.pk]), method="post", status=end_foreign_status),
        ],
    }
