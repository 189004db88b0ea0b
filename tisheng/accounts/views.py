from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tisheng.accounts import actions, queries
from tisheng.accounts.forms import (
    BulkGuardiansForm,
    BulkTeachersForm,
    NewAccountForm,
    RoleGrantForm,
    TokenForm,
    UserFilterForm,
)
from tisheng.accounts.models import ApiToken, RoleAssignment, User
from tisheng.accounts.scope import get_for_user, visible
from tisheng.roster.models import Term

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("dashboard:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        actions.password_changed(self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


# --- account administration ---------------------------------------------------------------------------
def account_admin_required(view):
    """Bureau administrators, principals and the academic office; for anyone else the page is 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not queries.is_account_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _sheet_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    response["Cache-Control"] = "no-store"
    return response


def _initial_password_page(request, credential, status=200):
    response = render(request, "accounts/initial_password.html", {"credential": credential}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@account_admin_required
def user_list(request):
    form = UserFilterForm(request.GET or None)
    qs = queries.users(request.user)
    if form.is_valid():
        qs = form.filter(request.user, qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"form": form, "page": page, "rows": page.object_list})


def _detail_context(request, account, grant_form=None):
    return {
        "account": account,
        "roles": visible(request.user, RoleAssignment).filter(user=account).select_related(
            "school", "district", "subject", "term"
        ).order_by("role"),
        "grant_form": grant_form or RoleGrantForm(request.user),
        "manages": queries.manages(request.user, account),
        "is_self": account.pk == request.user.pk,
        "current_term": Term.current(),
    }


@account_admin_required
def user_detail(request, pk):
    account = get_for_user(request.user, queries.users(request.user), pk=pk)
    return render(request, "accounts/user_detail.html", _detail_context(request, account))


@account_admin_required
@require_POST
def role_grant(request, pk):
    account = get_for_user(request.user, User, pk=pk)
    if account.pk == request.user.pk:
        raise PermissionDenied  # nobody widens their own scope
    form = RoleGrantForm(request.user, request.POST)
    if not form.is_valid():
        return render(request, "accounts/user_detail.html", _detail_context(request, account, form), status=400)
    assignment = actions.grant_role(request.user, account, **form.role_fields())
    messages.success(request, _("Role granted: %(role)s.") % {"role": assignment})
    return redirect("accounts:user_detail", pk=account.pk)


@account_admin_required
@require_POST
def role_revoke(request, pk):
    assignment = get_for_user(request.user, RoleAssignment.objects.select_related("user"), pk=pk)
    if assignment.user_id == request.user.pk or not queries.can_grant(
        request.user, assignment.role, district_id=assignment.district_id, school_id=assignment.school_id
    ):
        raise PermissionDenied
    actions.revoke_role(request.user, assignment)
    messages.success(request, _("Role revoked: %(role)s.") % {"role": assignment})
    return redirect("accounts:user_detail", pk=assignment.user_id)


def _managed_account(request, pk):
    account = get_for_user(request.user, User, pk=pk)
    if not queries.manages(request.user, account):
        raise PermissionDenied
    return account


@account_admin_required
@require_POST
def user_set_active(request, pk):
    account = _managed_account(request, pk)
    active = request.POST.get("active") == "1"
    actions.set_active(request.user, account, active)
    if active:
        messages.success(request, _("The account %(username)s can log in again.") % {"username": account.username})
    else:
        messages.success(request, _("The account %(username)s has been deactivated.") % {"username": account.username})
    return redirect("accounts:user_detail", pk=account.pk)


@account_admin_required
@require_POST
@never_cache
def user_reset_password(request, pk):
    account = _managed_account(request, pk)
    return _initial_password_page(request, actions.reset_password(request.user, account))


@account_admin_required
@never_cache
def user_create(request):
    form = NewAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        credential = actions.create_account(
            request.user, name=d["name"], username=d["username"], phone=d["phone"], role_fields=form.role_fields()
        )
        return _initial_password_page(request, credential)
    return render(request, "accounts/user_create.html", {"form": form}, status=400 if form.errors else 200)


@account_admin_required
def bulk_accounts(request):
    """The page with both bulk forms; each posts to its own URL, which answers with the one-time sheet."""
    return render(request, "accounts/bulk_accounts.html", {
        "teachers_form": BulkTeachersForm(request.user),
        "guardians_form": BulkGuardiansForm(request.user),
    })


def _bulk_result(request, credentials, content, filename, skipped=()):
    for line in skipped:
        messages.warning(request, _("No account for %(who)s: the staff number is already a username.") % {"who": line})
    if not credentials:
        messages.info(request, _("Everybody there already has an account: nothing was created."))
        return redirect("accounts:bulk_accounts")
    return _sheet_response(content, filename)


@account_admin_required
@require_POST
def bulk_teachers(request):
    form = BulkTeachersForm(request.user, request.POST)
    if not form.is_valid():
        return render(request, "accounts/bulk_accounts.html", {
            "teachers_form": form, "guardians_form": BulkGuardiansForm(request.user)}, status=400)
    school = form.cleaned_data["school"]
    with transaction.atomic():
        credentials, skipped = actions.create_teacher_accounts(request.user, school)
        content = actions.export_initial_passwords(request.user, credentials, school=school) if credentials else b""
    return _bulk_result(request, credentials, content, f"初始密码-教师-{school.code}.xlsx", skipped)


@account_admin_required
@require_POST
def bulk_guardians(request):
    form = BulkGuardiansForm(request.user, request.POST)
    term = Term.current()
    if not form.is_valid() or term is None:
        return render(request, "accounts/bulk_accounts.html", {
            "teachers_form": BulkTeachersForm(request.user), "guardians_form": form}, status=400)
    school, school_class = form.cleaned_data["school"], form.cleaned_data["school_class"]
    with transaction.atomic():
        credentials = actions.create_guardian_accounts(request.user, school, school_class, term)
        content = (
            actions.export_initial_passwords(request.user, credentials, school=school, with_students=True)
            if credentials else b""
        )
    suffix = f"{school.code}-{school_class.grade}-{school_class.number}" if school_class else school.code
    return _bulk_result(request, credentials, content, f"初始密码-家长-{suffix}.xlsx")


# --- one's own API tokens -----------------------------------------------------------------------------
@never_cache
def token_list(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = actions.issue_token(request.user, form.cleaned_data["name"], form.expires_at())
        form = TokenForm()
    tokens = visible(request.user, ApiToken).order_by("-created_at")
    response = render(request, "accounts/token_list.html", {
        "form": form, "tokens": tokens, "new_key": new_key, "now": timezone.now(),
        "docs_url": reverse("api:openapi-view"),
    }, status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request, pk):
    token = get_for_user(request.user, ApiToken, pk=pk)
    actions.revoke_token(request.user, token)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("accounts:token_list")
