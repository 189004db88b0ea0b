"""Every state change of a report: request, generate (the task's work), run again, download (audited); and of
an uploaded Word template: upload (replacing the one in force), remove."""

import io
import logging
import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from tisheng.audit.actions import record
from tisheng.audit.models import AuditEvent
from tisheng.reports.models import Report, WordTemplate
from tisheng.reports.registry import ReportError, ReportForm, ReportKind
from tisheng.reports.renderers import render_docx, render_pdf, render_xlsx
from tisheng.retention import remove_old_files_soon
from tisheng.roster.models import School

logger = logging.getLogger(__name__)

Status = Report.Status

UNKNOWN_KIND = gettext_noop("This kind of report is no longer offered.")
OUT_OF_SCOPE = gettext_noop(
    "The report asks for data you may no longer see (for example a role that has ended, or a class of an "
    "earlier year), so it was not made."
)
INTERNAL = gettext_noop(
    "The report could not be made because of an error on the server. Try again; if it fails again, tell "
    "the administrator (the details are in the server log)."
)
UPLOADED_TEMPLATE_FAILED = gettext_noop(
    "The Word template uploaded for this school or district (see \"Word templates\" in Reports) could not be "
    "filled in with this report's data. Correct it and upload it again, remove it to use the shipped template, "
    "or choose PDF or Excel."
)


def request_report(user, kind: ReportKind, form: ReportForm) -> Report:
    """Record the request of a valid form and queue its generation."""
    from tisheng.reports.tasks import generate_report

    parameters, district, school, about = form.describe(form.cleaned_data)
    report = Report.objects.create(
        kind=kind.key, parameters=parameters, format=form.cleaned_data["format"], about=about[:200],
        requested_by=user, district=district, school=school,
    )
    generate_report.enqueue(report.pk)
    remove_old_files_soon()
    return report


def run_again(report: Report) -> bool:
    """Queue a failed report, or one whose worker died, once more. False when it is neither."""
    from tisheng.reports.tasks import generate_report

    if not report.may_run_again:
        return False
    Report.objects.filter(pk=report.pk).update(
        status=Status.QUEUED, progress=0, message="", updated_at=timezone.now(), file_removed_at=None
    )
    generate_report.enqueue(report.pk)
    return True


def _progress(report_id: int, percent: int) -> None:
    # Outside any transaction: the page polling the status sees each step at once.
    Report.objects.filter(pk=report_id).update(progress=percent, updated_at=timezone.now())


def template_in_force(kind_key: str, district, school) -> WordTemplate | None:
    """The Word template uploaded for the school, else for its district; None: the shipped one is used.
    Read by the pipeline for a report already in the requester's scope, so not through ``visible``."""
    if school is not None:
        own = WordTemplate.objects.filter(kind=kind_key, school=school).first()
        if own is not None:
            return own
    return WordTemplate.objects.filter(kind=kind_key, district=district, school__isnull=True).first()


def render(kind: ReportKind, format: str, context: dict, uploaded: WordTemplate | None = None) -> bytes:
    if format == Report.Format.DOCX:
        if uploaded is None:
            return render_docx(kind.docx, context)
        try:
            with uploaded.file.open("rb") as handle:
                source = io.BytesIO(handle.read())  # python-docx takes a path or a plain binary stream
            return render_docx(source, context)
        except ReportError:
            raise
        except Exception:
            logger.exception("uploaded Word template %s (%s) could not be rendered", uploaded.pk, uploaded.original_name)
            raise ReportError(UPLOADED_TEMPLATE_FAILED) from None
    if format == Report.Format.PDF:
        return render_pdf(kind.pdf, context)
    return render_xlsx(kind.xlsx, context)


def generate(report_id: int) -> None:
    """Gather the data as the requester (today's scope), render it, store the file. Never raises: a failure
    is stored with a message the requester can read. Running it twice is harmless: only a queued report is
    taken up."""
    claimed = Report.objects.filter(pk=report_id, status=Status.QUEUED).update(
        status=Status.RUNNING, progress=5, updated_at=timezone.now()
    )
    if not claimed:
        return
    report = Report.objects.select_related("requested_by").get(pk=report_id)
    try:
        kind = report.kind_spec
        if kind is None or report.format not in kind.formats:
            raise ReportError(UNKNOWN_KIND)
        with translation.override("zh-hans"):  # documents are Chinese whatever the interface language
            context = kind.gather(report.requested_by, report.parameters)
            _progress(report_id, 40)
            uploaded = template_in_force(kind.key, report.district, report.school) if report.format == "docx" else None
            content = render(kind, report.format, context, uploaded)
        _progress(report_id, 90)
        report.file.save(f"{report.pk}.{report.format}", ContentFile(content), save=False)
        Report.objects.filter(pk=report_id).update(
            status=Status.DONE, progress=100, file=report.file.name, size=len(content),
            finished_at=timezone.now(), message="",
        )
    except ReportError as error:
        _fail(report_id, error.message)
    except Http404:
        _fail(report_id, OUT_OF_SCOPE)
    except Exception:
        logger.exception("report %s (%s): generation failed", report_id, report.kind)
        _fail(report_id, INTERNAL)


def remove_old_files(before, now) -> int:
    """Remove the files of reports made before ``before``; the rows stay (who asked for what, when), and
    the requester can have the report made again from today's data. Returns how many files went."""
    removed = 0
    for report in Report.objects.filter(status=Status.DONE, finished_at__lt=before).exclude(file=""):
        report.file.delete(save=False)
        Report.objects.filter(pk=report.pk).update(file="", size=0, file_removed_at=now)
        removed += 1
    return removed


def _fail(report_id: int, message: str) -> None:
    Report.objects.filter(pk=report_id).update(
        status=Status.FAILED, message=message, finished_at=timezone.now(), updated_at=timezone.now()
    )


def download_name(report: Report) -> str:
    """The Chinese file name: "青山区实验中学-学校花名册概况-20260301.docx"."""
    kind = report.kind_spec
    title = kind.file_title if kind and kind.file_title else report.kind
    when = timezone.localtime(report.finished_at or report.created_at)
    name = f"{report.about}-{title}-{when:%Y%m%d}.{report.format}"
    return re.sub(r'[\\/:*?"<>|\s]+', "", name)  # characters Windows refuses in file names, and spaces


def record_download(user, report: Report) -> AuditEvent:
    """One export event per download (R-ASR-3), in Chinese for the bureau's reviewers."""
    with translation.override("zh-hans"):
        summary = f"下载报告 {download_name(report)}"
    return record(user, AuditEvent.Action.EXPORT, summary, school=report.school, report=report.pk,
                  kind=report.kind, format=report.format, requested_by=report.requested_by_id)


# --- uploaded Word templates ---------------------------------------------------------------------------

def upload_template(user, kind: ReportKind, place, upload) -> WordTemplate:
    """Put a validated upload (``forms.WordTemplateForm``) in force for ``kind`` at ``place`` (a school, or a
    district for the bureau), replacing the one in force there."""
    school = place if isinstance(place, School) else None
    district = place.district if school else place
    with transaction.atomic():
        previous = WordTemplate.objects.select_for_update().filter(kind=kind.key, district=district, school=school).first()
        old_file = previous.file.name if previous else None
        if previous:
            previous.delete()
        template = WordTemplate(kind=kind.key, district=district, school=school, uploaded_by=user,
                                original_name=upload.name[:200])
        template.file.save(upload.name, upload, save=True)
        record(user, AuditEvent.Action.TEMPLATE_CHANGED, f"上传 Word 模板 {kind.file_title or kind.key} {place.name}"
               f"（{template.original_name}）", school=school, word_template=template.pk, kind=kind.key,
               district=district.pk, replaced=bool(previous))
        if old_file:  # only once the new one is in force
            transaction.on_commit(lambda: template.file.storage.delete(old_file))
    return template


def remove_template(user, template: WordTemplate) -> None:
    """Remove an uploaded template: the shipped one is used again."""
    kind = template.kind_spec
    place = template.school or template.district
    with transaction.atomic():
        name = template.file.name
        record(user, AuditEvent.Action.TEMPLATE_CHANGED,
               f"删除 Word 模板 {kind.file_title if kind else template.kind} {place.name}"
               f"（{template.original_name}），恢复系统模板", school=template.school, word_template=template.pk,
               kind=template.kind, district=template.district_id, removed=True)
        template.delete()
        transaction.on_commit(lambda: template.file.storage.delete(name))
