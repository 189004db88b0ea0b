"""Import pages: the ledger, upload, preview with every error, commit, progress bar, result, templates.

A batch outside the user's scope is a 404 (``get_for_user``); a page the user's roles do not offer is a 403.
"""

from collections import defaultdict
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tisheng.accounts.scope import Scope, get_for_user
from tisheng.audit.actions import record
from tisheng.audit.models import AuditEvent
from tisheng.imports import actions, progress, queries, workbooks
from tisheng.imports.forms import UploadForm
from tisheng.imports.models import ImportBatch
from tisheng.imports.problems import shown_errors
from tisheng.imports.spec import get_spec
from tisheng.roster.models import District

SHOWN_PER_GROUP = 20
SHOWN_GROUPS = 30


@require_GET
def index(request):
    if not queries.may_see_ledger(request.user):
        raise PermissionDenied
    page = Paginator(queries.batches(request.user), settings.TISHENG["PAGE_SIZE"]).get_page(request.GET.get("page"))
    return render(request, "imports/index.html", {"page": page, "specs": queries.uploadable_specs(request.user)})


@require_http_methods(["GET", "POST"])
def upload(request):
    specs = queries.uploadable_specs(request.user)
    if not specs:
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user, specs=specs,
                      initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        spec, school, upload_file = form.cleaned_data["spec"], form.cleaned_data["school"], form.cleaned_data["file"]
        district = school.district if school else District.objects.filter(
            pk__in=Scope.of(request.user).district_ids).order_by("pk").first()
        batch = actions.upload(request.user, spec, upload_file.name, upload_file.read(), school=school, district=district)
        return redirect("imports:detail", pk=batch.pk)
    return render(request, "imports/upload.html", {"form": form, "specs": specs})


@require_GET
def template(request, kind):
    spec = get_spec(kind)
    if spec is None:
        raise Http404
    if spec not in queries.uploadable_specs(request.user):
        raise PermissionDenied
    return _xlsx(workbooks.template(spec), f"{spec.template_name or spec.kind}.xlsx")


def _batch(request, pk) -> ImportBatch:
    return get_for_user(request.user, queries.batches(request.user), pk=pk)


def _progress(batch: ImportBatch) -> dict:
    state = progress.read(batch.pk) if batch.is_running else None
    if state:
        phase, done, total = state["phase"], state["done"], state["total"]
    else:
        phase, done, total = "checking" if batch.status == ImportBatch.Status.VALIDATING else "writing", 0, 0
    return {
        "phase": phase, "done": done, "total": total,
        "percent": round(100 * done / total) if total else 0,
        "stale": progress.is_stale(batch),
    }


@require_GET
def detail(request, pk):
    batch = _batch(request, pk)
    shown = shown_errors(batch)
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for error in shown:
        if error.row:
            groups[(error.column, error.key)].append(error)
    previous = None
    if batch.status == ImportBatch.Status.VALID:
        previous = queries.batches(request.user).filter(
            sha256=batch.sha256, kind=batch.kind, status=ImportBatch.Status.COMMITTED).exclude(pk=batch.pk).first()
    preview = batch.preview or {}
    return render(request, "imports/detail.html", {
        "batch": batch,
        "file_errors": [e for e in shown if not e.row],
        "groups": [
            {"column": column, "count": len(errors), "errors": errors[:SHOWN_PER_GROUP],
             "more": max(0, len(errors) - SHOWN_PER_GROUP)}
            for (column, _key), errors in list(groups.items())[:SHOWN_GROUPS]
        ],
        "unlisted": batch.error_count - len(batch.errors),
        "columns": preview.get("columns", []),
        "ignored": preview.get("ignored", []),
        "rows": preview.get("rows", []),
        "progress": _progress(batch),
        "may_commit": queries.may_commit(request.user, batch),
        "previous": previous,
    })


@require_GET
def progress_bar(request, pk):
    batch = _batch(request, pk)
    if not batch.is_running:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # the work is done: htmx reloads the page, which shows the outcome
        return response
    return render(request, "imports/detail.html#progress", {"batch": batch, "progress": _progress(batch)})


@require_POST
def commit(request, pk):
    batch = _batch(request, pk)
    if not queries.may_commit(request.user, batch):
        raise PermissionDenied
    if not actions.start_commit(batch, request.user):
        messages.error(request, _("This import cannot be started now; the page shows its current state."))
    return redirect("imports:detail", pk=batch.pk)


@require_POST
def recheck(request, pk):
    """Check the same file again, e.g. after creating the classes it named."""
    batch = _batch(request, pk)
    if not queries.may_commit(request.user, batch):
        raise PermissionDenied
    if batch.is_running and not progress.is_stale(batch) or batch.status == ImportBatch.Status.COMMITTED:
        messages.error(request, _("This import cannot be started now; the page shows its current state."))
    else:
        actions.recheck(batch)
    return redirect("imports:detail", pk=batch.pk)


@require_GET
def errors_workbook(request, pk):
    batch = _batch(request, pk)
    record(request.user, AuditEvent.Action.EXPORT, f"导入错误清单 #{batch.pk} {batch.file_name}",
           school=batch.school, batch=batch.pk, errors=batch.error_count)
    return _xlsx(workbooks.error_report(batch), f"导入错误清单-{batch.pk}.xlsx")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=workbooks.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
