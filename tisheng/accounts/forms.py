from datetime import date, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisheng.accounts import queries
from tisheng.accounts.models import ASSIGNABLE_ROLES, DISTRICT_ROLES, Role, RoleAssignment, User
from tisheng.accounts.scope import Scope, visible
from tisheng.roster.models import District, SchoolClass, Subject, Term

STANDING = ""


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": _("Username, name or phone")}))
    role = forms.ChoiceField(label=_("Role"), required=False)
    active = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Deactivated")), ("initial", _("Initial password not yet changed"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the roles held as assignments; teachers, head teachers and parents come from the roster
        self.fields["role"].choices = [("", _("All"))] + [(r.value, r.label) for r in Role if r in ASSIGNABLE_ROLES]

    def filter(self, admin, qs):
        f = self.cleaned_data
        if q := f.get("q"):
            qs = qs.filter(Q(username__icontains=q) | Q(person__name__contains=q) | Q(person__phone__startswith=q))
        if role := f.get("role"):
            # only by assignments the administrator may see: a principal does not learn of bureau roles
            qs = qs.filter(pk__in=visible(admin, RoleAssignment).filter(role=role).values("user_id"))
        match f.get("active"):
            case "yes":
                qs = qs.filter(is_active=True)
            case "no":
                qs = qs.filter(is_active=False)
            case "initial":
                qs = qs.filter(must_change_password=True)
        return qs


def _term_choices():
    today = date.today()
    terms = Term.objects.filter(end_date__gte=today).select_related("academic_year").order_by("start_date")[:3]
    return [(STANDING, _("Standing (until revoked)"))] + [(str(t.pk), str(t)) for t in terms]


class RoleGrantForm(forms.Form):
    """A role for an account, where the administrator may grant it; term-bound or standing."""

    role = forms.ChoiceField(label=_("Role"))
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False)
    school = forms.ModelChoiceField(label=_("School"), queryset=None, required=False)
    grade = forms.TypedChoiceField(label=_("Grade"), coerce=int, required=False, empty_value=None,
                                   choices=[("", "—")] + [(g, str(g)) for g in range(1, 10)])
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=Subject.objects.all(), required=False)
    term = forms.ChoiceField(label=_("Valid for"), required=False)

    def __init__(self, admin, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.admin = admin
        scope = Scope.of(admin)
        self.fields["role"].choices = [(r.value, r.label) for r in queries.grantable_roles(admin)]
        self.fields["school"].queryset = queries.administered_schools(admin)
        self.fields["district"].queryset = District.objects.filter(pk__in=scope.admin_district_ids)
        if len(scope.admin_district_ids) == 1:
            self.fields["district"].initial = next(iter(scope.admin_district_ids))
        self.fields["term"].choices = _term_choices()
        current = Term.current()
        self.fields["term"].initial = str(current.pk) if current else STANDING

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if not role:
            return data
        if role in DISTRICT_ROLES:
            data["school"] = data["grade"] = None
            if not data.get("district"):
                self.add_error("district", _("Choose the district for a bureau role."))
        else:
            data["district"] = None
            if not data.get("school"):
                self.add_error("school", _("Choose the school for this role."))
        if role == Role.GRADE_LEADER and not data.get("grade"):
            self.add_error("grade", _("A grade leader needs a grade."))
        if role == Role.SUBJECT_LEADER and not data.get("subject"):
            self.add_error("subject", _("A subject-group leader needs a subject."))
        if role not in (Role.GRADE_LEADER, Role.SUBJECT_LEADER):
            data["grade"] = None
        if role not in (Role.SUBJECT_LEADER, Role.RESEARCHER):
            data["subject"] = None
        term = data.get("term")
        data["term"] = Term.objects.get(pk=term) if term else None
        if not self.errors and not queries.can_grant(
            self.admin, role, district_id=getattr(data.get("district"), "pk", None), school_id=getattr(data.get("school"), "pk", None)
        ):
            raise forms.ValidationError(_("You may grant roles only within your own district or school."))
        return data

    def role_fields(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("role", "district", "school", "grade", "subject", "term")}


class NewAccountForm(RoleGrantForm):
    """An account for someone who is not in the roster, created with its first role."""

    name = forms.CharField(label=_("Name"), max_length=50)
    username = forms.RegexField(
        label=_("Username"), max_length=30, regex=r"^[A-Za-z0-9_.@-]+$",
        error_messages={"invalid": _("Use letters, digits and . _ @ - only.")},
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    field_order = ["name", "username", "phone", "role", "district", "school", "grade", "subject", "term"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username


class BulkTeachersForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=None)

    def __init__(self, admin, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = queries.administered_schools(admin)


class BulkGuardiansForm(BulkTeachersForm):
    school_class = forms.ModelChoiceField(
        label=_("Class"), queryset=None, required=False, empty_label=_("All classes of the school"),
    )

    def __init__(self, admin, *args, **kwargs):
        super().__init__(admin, *args, **kwargs)
        scope = Scope.of(admin)
        self.fields["school_class"].queryset = (
            visible(admin, SchoolClass).filter(academic_year_id=scope.academic_year_id)
            .select_related("school").order_by("school__code", "grade", "number")
        )
        self.fields["school_class"].label_from_instance = lambda c: f"{c.school.name} {c.name}"

    def clean(self):
        data = super().clean()
        school, school_class = data.get("school"), data.get("school_class")
        if school and school_class and school_class.school_id != school.pk:
            self.add_error("school_class", _("This class is not in the chosen school."))
        return data


class TokenForm(forms.Form):
    EXPIRY = [("30", _("30 days")), ("90", _("90 days")), ("365", _("one year")), ("", _("never"))]
    name = forms.CharField(label=_("What it is for"), max_length=100,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. the school's timetable system")}))
    expires = forms.ChoiceField(label=_("Expires after"), choices=EXPIRY, initial="90", required=False)

    def expires_at(self):
        days = self.cleaned_data.get("expires")
        return timezone.now() + timedelta(days=int(days)) if days else None
