"""Scoped reads for account administration: who administers whom, and which roles one may grant.

Bureau administrators administer the accounts of their district, principals and the academic office those
of their school (a central school's with its branch schools): ``Scope.admin_district_ids`` and
``admin_school_ids``. A role may be granted only where its data scope lies within the granter's own.
"""

from django.db.models import Prefetch, Q, QuerySet

from tisheng.accounts.models import ASSIGNABLE_ROLES, DISTRICT_ROLES, Role, RoleAssignment, User
from tisheng.accounts.scope import Scope, visible
from tisheng.roster.models import School

SCHOOL_LEVEL_ROLES = ASSIGNABLE_ROLES - DISTRICT_ROLES


def is_account_admin(user) -> bool:
    scope = Scope.of(user)
    return bool(scope.admin_district_ids or scope.admin_school_ids)


def grantable_roles(user) -> list[Role]:
    """In the order of ``Role``: district roles for bureau administrators, school-level roles for both."""
    scope = Scope.of(user)
    allowed = ASSIGNABLE_ROLES if scope.admin_district_ids else SCHOOL_LEVEL_ROLES if scope.admin_school_ids else set()
    return [role for role in Role if role in allowed]


def administered_schools(user) -> QuerySet:
    scope = Scope.of(user)
    return School.objects.filter(
        Q(district_id__in=scope.admin_district_ids) | Q(id__in=scope.admin_school_ids)
    ).order_by("code")


def can_grant(user, role: str, *, district_id=None, school_id=None) -> bool:
    scope = Scope.of(user)
    if role not in grantable_roles(user):
        return False
    if role in DISTRICT_ROLES:
        return district_id in scope.admin_district_ids
    return school_id is not None and administered_schools(user).filter(pk=school_id).exists()


def users(user) -> QuerySet:
    """The accounts ``user`` administers, with the role assignments ``user`` may see."""
    return (
        visible(user, User)
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=visible(user, RoleAssignment).select_related("school", "district", "subject", "term"),
                to_attr="visible_roles",
            )
        )
        .order_by("username")
    )


def manages(user, account) -> bool:
    """Whether ``user`` may deactivate ``account`` or reset its password: an account administered by ``user``
    whose every role lies within ``user``'s scope (a principal cannot lock out a bureau official who also
    teaches at the school), and never one's own account."""
    if account.pk == user.pk or not visible(user, User).filter(pk=account.pk).exists():
        return False
    return all(
        can_grant(user, ra.role, district_id=ra.district_id, school_id=ra.school_id)
        for ra in RoleAssignment.objects.filter(user=account)
    )
