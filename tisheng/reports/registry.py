"""How a domain declares a report kind. The pipeline (``actions.py``, ``tasks.py``, the pages) does the rest.

    from tisheng.reports.registry import ReportForm, ReportKind, register, school_choices

    class SchoolForm(ReportForm):
        school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["school"].queryset = school_choices(self.user)   # only what the user may see

        def describe(self, data):                                        # → parameters, district, school, about
            school = data["school"]
            return {"school": school.pk}, school.district, school, school.name

    def gather(user, params) -> dict:                                    # reads through visible/get_for_user only
        school = get_for_user(user, School, pk=params["school"])
        return {"school": {"name": school.name}, "chart": Chart(...), ...}

    register(ReportKind(
        key="roster.school_overview", title=_("School roster overview"), description=_("…"),
        roles=frozenset({Role.PRINCIPAL, ...}), form=SchoolForm, gather=gather,
        docx=TEMPLATES / "docx" / "school_overview.docx",     # a docxtpl template (Word with Jinja tags)
        pdf=TEMPLATES / "typst" / "school_overview.typ",      # a typst template reading sys.inputs.data
        xlsx=build_workbook,                                  # builder(book, context, styles) with XlsxWriter
        file_title="学校花名册概况",
    ))

- ``gather`` runs in the task worker as the user who requested the report, with today's scope: it must read
  only through ``tisheng.accounts.scope.visible``/``get_for_user`` (or the scoped helpers of
  ``roster.queries`` built on them), so a report cannot contain data its requester may not see. An object
  gone out of scope raises Http404, which fails the report with a readable message. It returns one plain
  context (strings, numbers, lists, dicts, dates and ``renderers.Chart``), the same for every format, in
  Chinese: documents are Chinese whatever the interface language (the task runs in zh-Hans).
- Only the formats a kind declares are offered. Templates are files shipped with the app; the Word ones are
  built by ``templates_src/`` scripts so they can be regenerated, and may be edited by hand in Word.

Declarations live in each app's ``report_kinds.py``, imported when Django starts.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tisheng.accounts.scope import Scope, visible
from tisheng.roster.models import School, SchoolClass


class ReportError(Exception):
    """A report that cannot be made, for a reason the requester can read. ``message`` is an English msgid
    marked with ``gettext_noop`` (no parameters): it is stored and shown translated in the reader's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ReportForm(forms.Form):
    """A kind's parameters plus the format. Subclasses add fields whose choices come from the user's scope
    and implement ``describe``."""

    format = forms.ChoiceField(label=_("Format"), widget=forms.RadioSelect)

    def __init__(self, *args, user, kind: "ReportKind", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.kind = kind
        self.fields["format"].choices = kind.format_choices()
        self.fields["format"].initial = kind.format_choices()[0][0]
        self.order_fields([name for name in self.fields if name != "format"] + ["format"])

    def describe(self, data: dict) -> tuple[dict, Any, Any, str]:
        """(JSON parameters for ``gather``, district, school or None, the words for what it is about)."""
        raise NotImplementedError


@dataclass(frozen=True)
class ReportKind:
    key: str
    title: Any  # a (lazy) translated name for the pages, e.g. _("School roster overview")
    roles: frozenset[str]  # accounts.Role values that may request it
    form: type[ReportForm]
    gather: Callable[[Any, dict], dict]
    description: Any = ""
    docx: Path | None = None  # docxtpl template
    pdf: Path | None = None  # typst template
    xlsx: Callable | None = None  # builder(book, context, styles)
    file_title: str = ""  # Chinese, for the downloaded file's name

    @property
    def formats(self) -> list[str]:
        return [f for f in ("docx", "pdf", "xlsx") if getattr(self, f) is not None]

    def format_choices(self) -> list[tuple[str, str]]:
        from tisheng.reports.models import Report

        return [(f, Report.Format(f).label) for f in self.formats]


_REGISTRY: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    if not kind.formats:
        raise ValueError(f"report kind {kind.key} offers no format")
    _REGISTRY[kind.key] = kind
    return kind


def get_kind(key: str) -> ReportKind | None:
    return _REGISTRY.get(key)


def all_kinds() -> list[ReportKind]:
    return list(_REGISTRY.values())


def kinds_for(user) -> list[ReportKind]:
    """The kinds ``user`` may request, by role."""
    scope = Scope.of(user)
    return [kind for kind in _REGISTRY.values() if scope.has_role(*kind.roles)]


# --- choices for parameter forms: only what the user sees as a whole ------------------------------------
def school_choices(user) -> QuerySet[School]:
    """The schools ``user`` sees whole: the district's for a bureau role, the own school (with its branch
    schools) for a whole-school role. A teacher's or grade leader's own school is not among them."""
    scope = Scope.of(user)
    return visible(user, School).filter(Q(district_id__in=scope.district_ids) | Q(pk__in=scope.school_ids)).order_by("code")


def class_choices(user) -> QuerySet[SchoolClass]:
    """This academic year's classes ``user`` is responsible for: all in the district or school, the grade of
    a grade leader, the own class of a head teacher (not merely the classes a teacher teaches)."""
    scope = Scope.of(user)
    q = Q(school__district_id__in=scope.district_ids) | Q(school_id__in=scope.school_ids) | Q(id__in=scope.head_class_ids)
    for school_id, grade in scope.grades:
        q |= Q(school_id=school_id, grade=grade)
    return (
        visible(user, SchoolClass)
        .filter(q, academic_year_id=scope.academic_year_id)
        .select_related("school")
        .order_by("school__code", "grade", "number")
    )
