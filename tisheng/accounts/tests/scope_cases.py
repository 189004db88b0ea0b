"""Scope cases of the accounts pages (format: ``tisheng/testing/scope.py``).

Account administration is for bureau administrators (their district) and principals and the academic office
(their school); for every other role those pages are 403 whatever the object. Own API tokens are everyone's.
"""

from tisheng.accounts.models import ApiToken, Role, RoleAssignment, User
from tisheng.roster.demo import DEMO_LOGINS
from tisheng.testing.scope import Probe, targets

ADMINS = {Role.BUREAU_ADMIN, Role.PRINCIPAL, Role.ACADEMIC_OFFICE}
NO_SUCH_ID = 999_999_999


def _teacher_account(school):
    """An account of a teacher of ``school`` that is none of the demo logins (probes may deactivate it)."""
    return (
        User.objects.filter(person__teacher__school=school).exclude(username__in=DEMO_LOGINS.values())
        .order_by("username").first()
    )


def _admin_targets(world, role, t):
    """(account inside, account outside, role assignment inside, role assignment outside) for an administrator."""
    if role == Role.BUREAU_ADMIN:
        other_admin = User.objects.get(username="donghu_admin")
        inside = RoleAssignment.objects.filter(role=Role.PRINCIPAL, school__district=world.district).exclude(
            user__username__in=DEMO_LOGINS.values()).order_by("pk").first()
        return _teacher_account(t.school_in), other_admin, inside, other_admin.role_assignments.first()
    # the demo's principal and academic office work at the same school, each next to the other
    colleague = {Role.PRINCIPAL: Role.ACADEMIC_OFFICE, Role.ACADEMIC_OFFICE: Role.GRADE_LEADER}[role]
    inside = RoleAssignment.objects.get(user=world.logins[str(colleague)], role=colleague)
    outside = RoleAssignment.objects.filter(role=Role.PRINCIPAL, school=t.school_out).first()
    return _teacher_account(t.school_in), _teacher_account(t.school_out), inside, outside


def cases(world, role, user):
    other = world.logins["parent" if role != Role.PARENT else "teacher"]
    _token, _key = ApiToken.issue(other, "别人的令牌")
    own, _key = ApiToken.issue(user, "自己的令牌")
    c = {
        "accounts:logout": [Probe("/accounts/logout/", status=405)],  # only by POST
        "accounts:password_change": [Probe("/accounts/password/", present=('name="new_password1"',))],
        "accounts:token_list": [Probe("/accounts/tokens/", present=("自己的令牌",), absent=("别人的令牌",))],
        "accounts:token_revoke": [
            Probe(f"/accounts/tokens/{_token.pk}/revoke/", method="post", status=404, absent=("别人的令牌",)),
            Probe(f"/accounts/tokens/{own.pk}/revoke/", method="post", status=302),
        ],
    }
    pages = ["user_list", "user_create", "user_detail", "role_grant", "role_revoke", "user_set_active",
             "user_reset_password", "bulk_accounts", "bulk_teachers", "bulk_guardians"]
    if role not in ADMINS:
        # the pages are closed to this role, whatever the object: 403 before any lookup
        some_user, some_role = world.logins["teacher"], RoleAssignment.objects.order_by("pk").first()
        for name, url, method in [
            ("user_list", "/accounts/users/", "get"),
            ("user_create", "/accounts/users/new/", "get"),
            ("user_detail", f"/accounts/users/{some_user.pk}/", "get"),
            ("role_grant", f"/accounts/users/{some_user.pk}/roles/", "post"),
            ("role_revoke", f"/accounts/roles/{some_role.pk}/revoke/", "post"),
            ("user_set_active", f"/accounts/users/{some_user.pk}/active/", "post"),
            ("user_reset_password", f"/accounts/users/{some_user.pk}/password/", "post"),
            ("bulk_accounts", "/accounts/bulk/", "get"),
            ("bulk_teachers", "/accounts/bulk/teachers/", "post"),
            ("bulk_guardians", "/accounts/bulk/guardians/", "post"),
        ]:
            c[f"accounts:{name}"] = [Probe(url, method=method, status=403)]
        assert {n.removeprefix("accounts:") for n in c} >= set(pages)
        return c

    t = targets(world, role)
    account_in, account_out, role_in, role_out = _admin_targets(world, role, t)
    grant = {"role": Role.GRADE_LEADER, "school": t.school_in.pk, "grade": 7, "term": world.term.pk}
    c.update({
        "accounts:user_list": [
            Probe("/accounts/users/", data={"q": account_in.username}, present=(account_in.username,)),
            Probe("/accounts/users/", data={"q": account_out.username}, absent=(account_out.username,)),
            Probe("/accounts/users/", data={"active": "initial"}, absent=(account_out.username,)),
        ],
        "accounts:user_create": [Probe("/accounts/users/new/", present=(t.school_in.name,), absent=(t.school_out.name,))],
        "accounts:user_detail": [
            Probe(f"/accounts/users/{account_in.pk}/", present=(account_in.username,)),
            Probe(f"/accounts/users/{account_out.pk}/", status=404, absent=(account_out.username,)),
            Probe(f"/accounts/users/{NO_SUCH_ID}/", status=404),
        ],
        "accounts:role_grant": [
            Probe(f"/accounts/users/{account_in.pk}/roles/", method="post", data=grant, status=302),
            Probe(f"/accounts/users/{account_out.pk}/roles/", method="post", data=grant, status=404),
            # a school outside one's own is not a choice
            Probe(f"/accounts/users/{account_in.pk}/roles/", method="post", status=400, absent=(t.school_out.name,),
                  data={**grant, "school": t.school_out.pk}),
        ],
        "accounts:role_revoke": [
            Probe(f"/accounts/roles/{role_out.pk}/revoke/", method="post", status=404),
            Probe(f"/accounts/roles/{role_in.pk}/revoke/", method="post", status=302),
        ],
        "accounts:user_set_active": [
            Probe(f"/accounts/users/{account_out.pk}/active/", method="post", data={"active": "0"}, status=404),
            Probe(f"/accounts/users/{account_in.pk}/active/", method="post", data={"active": "0"}, status=302),
        ],
        "accounts:user_reset_password": [
            Probe(f"/accounts/users/{account_out.pk}/password/", method="post", status=404, absent=(account_out.username,)),
            Probe(f"/accounts/users/{account_in.pk}/password/", method="post", present=(account_in.username,)),
        ],
        "accounts:bulk_accounts": [Probe("/accounts/bulk/", present=(t.school_in.name,), absent=(t.school_out.name,))],
        "accounts:bulk_teachers": [
            Probe("/accounts/bulk/teachers/", method="post", data={"school": t.school_out.pk}, status=400,
                  absent=(t.school_out.name,)),
            # every demo teacher has an account already: nothing to create
            Probe("/accounts/bulk/teachers/", method="post", data={"school": t.school_in.pk}, status=302),
        ],
        "accounts:bulk_guardians": [
            Probe("/accounts/bulk/guardians/", method="post", data={"school": t.school_out.pk}, status=400,
                  absent=(t.school_out.name,)),
            Probe("/accounts/bulk/guardians/", method="post", data={"school": t.school_in.pk, "school_class": t.class_in.pk},
                  present=("初始密码", t.school_in.name), absent=(t.school_out.name,)),
        ],
    })
    return c
