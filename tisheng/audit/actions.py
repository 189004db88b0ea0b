from tisheng.audit.models import AuditEvent


def record(actor, action: str, summary: str, *, school=None, **detail) -> AuditEvent:
    """Write one audit event. Call it inside the same transaction as the change it describes."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        summary=summary[:300],
        school=school,
        detail=detail,
    )
