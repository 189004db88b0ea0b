"""Report pages: the index (kinds to request, own reports with live status), the request form of a kind,
the status fragment htmx polls, the download, and running a failed report again; and the Word templates
page, where a school (principal, academic office) or the bureau (administrator) puts its own .docx in force.

A report outside the user's scope is a 404 (``get_for_user``); a kind the user's roles do not offer is a 403.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tisheng.accounts.scope import get_for_user
from tisheng.reports import actions
from tisheng.reports.forms import WordTemplateForm
from tisheng.reports.models import Report
from tisheng.reports.queries import reports, template_places, word_templates
from tisheng.reports.registry import all_kinds, get_kind, kinds_for
from tisheng.roster.models import District

CONTENT_TYPES = {
    Report.Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Report.Format.PDF: "application/pdf",
    Report.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
def index(request):
    kinds = kinds_for(request.user)
    mine = reports(request.user)
    if not kinds and not mine.exists():
        raise PermissionDenied
    page = Paginator(mine, settings.TISHENG["PAGE_SIZE"]).get_page(request.GET.get("page"))
    return render(request, "reports/index.html",
                  {"kinds": kinds, "page": page, "manages_templates": bool(template_places(request.user))})


@require_http_methods(["GET", "POST"])
def request_report(request, kind):
    spec = get_kind(kind)
    if spec is None:
        raise Http404
    if spec not in kinds_for(request.user):
        raise PermissionDenied
    # a link may fill the form in (e.g. the class and week of the page it is on): ?field=value
    form = spec.form(request.POST or None, user=request.user, kind=spec,
                     initial=request.GET.dict() if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        actions.request_report(request.user, spec, form)
        messages.success(request, _("The report is being made; the list below shows its progress."))
        return redirect("reports:index")
    return render(request, "reports/request.html", {"kind": spec, "form": form})


def _report(request, pk) -> Report:
    return get_for_user(request.user, reports(request.user), pk=pk)


@require_GET
def status(request, pk):
    return render(request, "reports/index.html#status", {"report": _report(request, pk)})


@require_GET
def download(request, pk):
    report = _report(request, pk)
    if report.status != Report.Status.DONE or not report.file:
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    actions.record_download(request.user, report)
    response = FileResponse(handle, content_type=CONTENT_TYPES[report.format])
    name = actions.download_name(report)
    response["Content-Disposition"] = (
        f"attachment; filename=\"report-{report.pk}.{report.format}\"; filename*=UTF-8''{quote(name)}"
    )
    return response


@require_POST
def run_again(request, pk):
    report = _report(request, pk)
    if report.requested_by_id != request.user.pk:
        raise PermissionDenied  # a report is made with its requester's scope: only they start it again
    if not actions.run_again(report):
        messages.error(request, _("This report cannot be run again now; the list shows its current state."))
    return redirect("reports:index")


# --- Word templates ------------------------------------------------------------------------------------
DOCX = CONTENT_TYPES[Report.Format.DOCX]


def _places(request) -> list:
    places = template_places(request.user)
    if not places:
        raise PermissionDenied
    return places


def _place_key(place) -> str:
    """A place in a URL: "d3" a district, "s12" a school."""
    return f"{'d' if isinstance(place, District) else 's'}{place.pk}"


def _place(places, key: str):
    """The user's own place named by ``key``; any other is a 404."""
    for place in places:
        if _place_key(place) == key:
            return place
    raise Http404


def _word_kind(kind: str):
    spec = get_kind(kind)
    if spec is None or spec.docx is None:
        raise Http404
    return spec


@require_GET
def word_templates_page(request):
    places = _places(request)
    in_force = {(t.kind, _place_key(t.school or t.district)): t for t in word_templates(request.user)}
    word_kinds = [kind for kind in all_kinds() if kind.docx is not None]
    sections = [
        {"place": place, "key": _place_key(place),
         "rows": [(kind, in_force.get((kind.key, _place_key(place)))) for kind in word_kinds]}
        for place in places
    ]
    return render(request, "reports/word_templates.html", {"sections": sections})


@require_GET
def shipped_template(request, kind):
    _places(request)
    spec = _word_kind(kind)
    response = FileResponse(spec.docx.open("rb"), content_type=DOCX)
    name = f"{spec.file_title or spec.key}-系统模板.docx"
    response["Content-Disposition"] = f"attachment; filename=\"{spec.docx.name}\"; filename*=UTF-8''{quote(name)}"
    return response


@require_GET
def uploaded_template(request, pk):
    template = get_for_user(request.user, word_templates(request.user), pk=pk)
    try:
        handle = template.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=DOCX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"template-{template.pk}.docx\"; filename*=UTF-8''{quote(template.original_name)}"
    )
    return response


@require_http_methods(["GET", "POST"])
def upload_template(request, place, kind):
    places = _places(request)
    where = _place(places, place)
    spec = _word_kind(kind)
    form = WordTemplateForm(request.POST or None, request.FILES or None, kind=spec)
    if request.method == "POST" and form.is_valid():
        actions.upload_template(request.user, spec, where, form.cleaned_data["file"])
        messages.success(request, _("The template is in force: the next Word reports use it."))
        return redirect("reports:word_templates")
    return render(request, "reports/word_template_upload.html", {"kind": spec, "place": where, "form": form})


@require_POST
def remove_template(request, pk):
    template = get_for_user(request.user, word_templates(request.user), pk=pk)
    actions.remove_template(request.user, template)
    messages.success(request, _("The template was removed: Word reports use the shipped template again."))
    return redirect("reports:word_templates")
