"""The audit trail for the bureau's administrators (R-ASR-3): events (exports, imports, accounts, logins) and
the row history that django-simple-history keeps of the roster and of role assignments."""

from dataclasses import dataclass
from datetime import datetime, time

from django import forms
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import CharField, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisheng.accounts.models import RoleAssignment, User
from tisheng.audit.models import AuditEvent
from tisheng.dashboard.navigation import can_view_audit
from tisheng.roster.models import (
    ClassMembership,
    District,
    Guardianship,
    HeadTeacher,
    Person,
    School,
    SchoolClass,
    SchoolGroup,
    Student,
    Subject,
    Teacher,
    TeachingAssignment,
)
from tisheng.roster.views import render_list

# The models whose row history the viewer shows, by the key used in the filter and the URL.
HISTORY_MODELS = {
    m._meta.model_name: m
    for m in (
        Student, Guardianship, ClassMembership, Person, Teacher, TeachingAssignment, HeadTeacher,
        SchoolClass, School, SchoolGroup, District, RoleAssignment,
    )
}


def audit_only(view):
    def wrapped(request, *args, **kwargs):
        if not can_view_audit(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput)
    user = forms.CharField(label=_("User"), required=False, max_length=50,
                           widget=forms.SearchInput(attrs={"placeholder": _("Username or name")}))

    def values(self) -> dict:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}

    def users(self):
        """The accounts the "user" filter names (username or the person's name)."""
        q = self.values().get("user")
        return User.objects.filter(Q(username__icontains=q) | Q(person__name__contains=q)) if q else None

    def period(self, field: str, qs):
        values = self.values()
        zone = timezone.get_current_timezone()
        if start := values.get("date_from"):
            qs = qs.filter(**{f"{field}__gte": datetime.combine(start, time.min, zone)})
        if end := values.get("date_to"):
            qs = qs.filter(**{f"{field}__lte": datetime.combine(end, time.max, zone)})
        return qs


class EventFilterForm(AuditFilterForm):
    action = forms.ChoiceField(label=_("Action"), choices=[("", _("All actions"))] + AuditEvent.Action.choices,
                               required=False)


class HistoryFilterForm(AuditFilterForm):
    model = forms.ChoiceField(label=_("Record"), required=False)
    change = forms.ChoiceField(label=_("Change"), required=False, choices=[
        ("", _("All changes")), ("+", _("Created")), ("~", _("Changed")), ("-", _("Deleted"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("All records"))] + [
            (key, model._meta.verbose_name) for key, model in HISTORY_MODELS.items()
        ]


def _page(request, qs):
    page = Paginator(qs, settings.TISHENG["PAGE_SIZE"]).get_page(request.GET.get("page"))
    return page, page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@audit_only
def event_list(request):
    form = EventFilterForm(request.GET)
    qs = form.period("at", AuditEvent.objects.select_related("actor__person", "school"))
    if (users := form.users()) is not None:
        qs = qs.filter(actor__in=users)
    if action := form.values().get("action"):
        qs = qs.filter(action=action)
    page, page_range = _page(request, qs.order_by("-at", "-pk"))
    return render_list(request, "audit/event_list.html", {"form": form, "page": page, "page_range": page_range,
                                                          "rows": page.object_list})


# --- row history -------------------------------------------------------------------------------------------
@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryRow:
    at: datetime
    user: User | None
    model: str
    change: str
    record: str
    changes: list[Change] | None  # None: no earlier version is recorded to compare with


def _history_union(form: HistoryFilterForm):
    """One ordered query over the history tables: (model key, history id, date), newest first."""
    values = form.values()
    keys = [values["model"]] if values.get("model") in HISTORY_MODELS else list(HISTORY_MODELS)
    users = form.users()
    parts = []
    for key in keys:
        qs = form.period("history_date", HISTORY_MODELS[key].history.all())
        if users is not None:
            qs = qs.filter(history_user__in=users)
        if change := values.get("change"):
            qs = qs.filter(history_type=change)
        parts.append(
            qs.order_by().annotate(audit_model=Value(key, output_field=CharField())).values_list(
                "audit_model", "history_id", "history_date"
            )
        )
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-history_date", "-history_id") if rest else first.order_by(
        "-history_date", "-history_id"
    )


def _label(record) -> str:
    """What the row is about, in words: a student's name and number, "张三 · 七年级3班"."""
    instance = record.instance
    try:
        match instance:
            case Student():
                return f"{instance.name}（{instance.student_no}）"
            case Guardianship():
                return f"{instance.student.name} · {instance.guardian.name}（{instance.get_relation_display()}）"
            case ClassMembership():
                return f"{instance.student.name} · {instance.school_class.school.name} {instance.school_class.name}"
            case TeachingAssignment():
                return f"{instance.teacher.person.name} · {instance.school_class.name} {instance.subject.name}"
            case HeadTeacher():
                return f"{instance.teacher.person.name} · {instance.school_class.school.name} {instance.school_class.name}"
            case Teacher():
                return f"{instance.person.name}（{instance.staff_no}）"
            case SchoolClass():
                return f"{instance.school.name} {instance.name}"
            case RoleAssignment():
                return f"{instance.user.username} · {instance}"
        return str(instance)
    except ObjectDoesNotExist:  # a related row deleted since
        return f"#{record.id}"


def _display(field, value) -> str:
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return str(value)  # a related object (or simple-history's DeletedObject) by its name


def _changes(record) -> list[Change] | None:
    if record.history_type != "~":
        return []
    previous = record.prev_record
    if previous is None:  # rows written in bulk (the demo, some imports) have no earlier version
        return None
    delta = record.diff_against(previous, foreign_keys_are_objs=True)
    meta = record.instance._meta
    result = []
    for change in delta.changes:
        field = meta.get_field(change.field)
        label = str(field.verbose_name)
        if field.many_to_many:  # a teacher's subjects: lists of through rows
            old, new = _m2m_display(change.old), _m2m_display(change.new)
        else:
            old, new = _display(field, change.old), _display(field, change.new)
        result.append(Change(label, old, new))
    return result


def _m2m_display(rows) -> str:
    ids = [r.get("subject") for r in rows or [] if isinstance(r, dict)]
    names = dict(Subject.objects.filter(pk__in=ids).values_list("pk", "name"))
    return "、".join(names.get(i, str(i)) for i in ids) or "—"


@audit_only
def history_list(request):
    form = HistoryFilterForm(request.GET)
    page, page_range = _page(request, _history_union(form))
    by_model: dict[str, list[int]] = {}
    for key, history_id, _date in page.object_list:
        by_model.setdefault(key, []).append(history_id)
    records = {}
    for key, ids in by_model.items():
        for r in HISTORY_MODELS[key].history.filter(history_id__in=ids).select_related("history_user__person"):
            records[(key, r.history_id)] = r
    rows = []
    for key, history_id, _date in page.object_list:
        r = records[(key, history_id)]
        rows.append(HistoryRow(
            at=r.history_date, user=r.history_user, model=str(HISTORY_MODELS[key]._meta.verbose_name),
            change=r.history_type, record=_label(r), changes=_changes(r),
        ))
    return render_list(request, "audit/history_list.html", {"form": form, "page": page, "page_range": page_range,
                                                            "rows": rows})
