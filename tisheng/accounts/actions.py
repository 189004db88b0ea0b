"""Every state change of accounts, each with its audit entry."""

from django.db import transaction

from tisheng.audit.actions import record
from tisheng.audit.models import AuditEvent


@transaction.atomic
def password_changed(user) -> None:
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    record(user, AuditEvent.Action.PASSWORD_CHANGED, user.username)
