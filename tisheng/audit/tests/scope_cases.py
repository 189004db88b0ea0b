"""Scope cases of the audit viewer (format: ``tisheng/testing/scope.py``): bureau administrators only."""

from django.urls import reverse

from tisheng.accounts.models import Role
from tisheng.testing.scope import Probe


def cases(world, role, user):
    status = 200 if role == Role.BUREAU_ADMIN else 403
    return {
        "audit:event_list": [Probe(reverse("audit:event_list"), status=status),
                             Probe(reverse("audit:event_list"), data={"action": "export"}, status=status)],
        "audit:history_list": [Probe(reverse("audit:history_list"), status=status),
                               Probe(reverse("audit:history_list"), data={"model": "student"}, status=status)],
    }
