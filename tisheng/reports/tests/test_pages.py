"""The report pages and the task path: who may request what, progress and status, failures, downloads."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from tisheng.accounts.scope import Scope
from tisheng.audit.models import AuditEvent
from tisheng.reports import actions
from tisheng.reports.models import Report
from tisheng.reports.registry import _REGISTRY, ReportError, ReportKind, register
from tisheng.reports.report_kinds import SchoolForm, build_school_overview_xlsx
from tisheng.roster.models import School

OVERVIEW = "roster.school_overview"
CLASS_LIST = "roster.class_list"


@pytest.fixture
def main():
    return School.objects.get(code="QS01")


@pytest.fixture
def other_school(main):
    return School.objects.filter(district=main.district).exclude(pk=main.pk).exclude(central_school=main).first()


def request(client, kind, **data):
    return client.post(reverse("reports:request", args=[kind]), data)


def test_index_offers_the_kinds_of_the_users_roles(client_for):
    page = client_for("principal").get(reverse("reports:index"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "学校花名册概况" in text and "班级名单" in text
    head = client_for("head_teacher").get(reverse("reports:index")).content.decode()
    assert "班级名单" in head and "学校花名册概况" not in head


@pytest.mark.parametrize("role", ["parent", "subject_leader"])
def test_roles_without_reports_are_refused(client_for, role):
    assert client_for(role).get(reverse("reports:index")).status_code == 403
    assert client_for(role).get(reverse("reports:request", args=[OVERVIEW])).status_code == 403


def test_a_teacher_has_the_class_reports_but_not_the_school_overview(client_for):
    assert client_for("teacher").get(reverse("reports:index")).status_code == 200
    assert client_for("teacher").get(reverse("reports:request", args=[OVERVIEW])).status_code == 403


def test_an_unknown_kind_is_404(client_for):
    assert client_for("principal").get(reverse("reports:request", args=["no.such.kind"])).status_code == 404


def test_a_principal_requests_the_overview_and_downloads_it(world, client_for, main):
    client = client_for("principal")
    form = client.get(reverse("reports:request", args=[OVERVIEW])).content.decode()
    assert main.name in form
    response = request(client, OVERVIEW, school=main.pk, format="docx")
    assert response.status_code == 302
    report = Report.objects.get(requested_by=world.logins["principal"])
    assert (report.status, report.progress, report.school, report.about) == ("done", 100, main, main.name)
    assert report.file.name.endswith(".docx") and report.size > 0
    index = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:download", args=[report.pk]) in index
    download = client.get(reverse("reports:download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    stamp = timezone.localtime(report.finished_at).strftime("%Y%m%d")
    assert f"filename*=UTF-8''{quote(f'{main.name}-学校花名册概况-{stamp}.docx')}" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"PK")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, detail__report=report.pk)
    assert event.actor == world.logins["principal"] and event.school == main and "学校花名册概况" in event.summary


@pytest.mark.parametrize("fmt, content_type", [("pdf", "application/pdf"),
                                               ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")])
def test_pdf_and_excel_downloads_have_their_content_types(world, client_for, main, fmt, content_type):
    client = client_for("academic_office")
    request(client, OVERVIEW, school=main.pk, format=fmt)
    report = Report.objects.get(requested_by=world.logins["academic_office"])
    assert report.status == "done"
    assert client.get(reverse("reports:download", args=[report.pk]))["Content-Type"] == content_type


def test_a_principal_cannot_request_another_schools_overview(world, client_for, other_school):
    client = client_for("principal")
    assert other_school.name not in client.get(reverse("reports:request", args=[OVERVIEW])).content.decode()
    response = request(client, OVERVIEW, school=other_school.pk, format="pdf")
    assert response.status_code == 200 and "school" in response.context["form"].errors
    assert not Report.objects.exists()


def test_the_bureau_chooses_among_the_districts_schools_only(world, client_for, other_school):
    client = client_for("bureau_staff")
    form = client.get(reverse("reports:request", args=[OVERVIEW])).content.decode()
    assert other_school.name in form
    outside = School.objects.exclude(district=world.district).first()
    assert outside.name not in form
    assert request(client, OVERVIEW, school=outside.pk, format="pdf").status_code == 200
    assert not Report.objects.exists()


def test_a_head_teacher_gets_the_list_of_their_own_class_only(world, client_for):
    head = world.logins["head_teacher"]
    own = min(Scope.of(head).head_class_ids)
    taught = Scope.of(head).class_ids - Scope.of(head).head_class_ids
    client = client_for("head_teacher")
    for other in taught:
        assert request(client, CLASS_LIST, school_class=other, format="xlsx").status_code == 200
    assert request(client, CLASS_LIST, school_class=own, format="xlsx").status_code == 302
    assert Report.objects.get().status == "done"


def test_someone_elses_report_is_404_and_the_bureau_admin_sees_the_districts(world, client_for, main):
    request(client_for("principal"), OVERVIEW, school=main.pk, format="pdf")
    report = Report.objects.get()
    for role in ("academic_office", "head_teacher", "bureau_staff"):
        client = client_for(role)
        assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404
        assert client.get(reverse("reports:status", args=[report.pk])).status_code == 404
    admin = client_for("bureau_admin")
    assert main.name in admin.get(reverse("reports:index")).content.decode()
    assert admin.get(reverse("reports:download", args=[report.pk])).status_code == 200
    # made with the principal's scope: only the principal may start it again
    assert admin.post(reverse("reports:run_again", args=[report.pk])).status_code == 403


# --- the task path ------------------------------------------------------------------------------------------
@pytest.fixture
def toy_kind():
    """A kind whose gather is replaced per test; removed from the registry afterwards."""
    seen = {}

    def gather(user, params):
        return seen["gather"](user, params)

    kind = register(ReportKind(key="test.toy", title="Toy", roles=frozenset({"principal"}), form=SchoolForm,
                               gather=gather, xlsx=lambda book, context, styles: book.add_worksheet("表")))
    yield kind, seen
    _REGISTRY.pop(kind.key)


def make(world, kind, main, fmt="xlsx") -> Report:
    return Report.objects.create(kind=kind.key, parameters={"school": main.pk}, format=fmt, about=main.name,
                                 requested_by=world.logins["principal"], district=main.district, school=main)


def test_generation_moves_the_progress_and_ends_done(world, toy_kind, main):
    kind, seen = toy_kind
    report = make(world, kind, main)
    observed = []
    seen["gather"] = lambda user, params: observed.append(Report.objects.values_list("status", "progress").get(pk=report.pk)) or {}
    actions.generate(report.pk)
    assert observed == [("running", 5)]
    report.refresh_from_db()
    assert (report.status, report.progress, report.message) == ("done", 100, "")
    assert report.finished_at is not None
    actions.generate(report.pk)  # a second run of the same task does nothing
    assert Report.objects.get(pk=report.pk).finished_at == report.finished_at


@pytest.mark.parametrize("error, message", [
    (RuntimeError("boom"), actions.INTERNAL),
    (ReportError("There is nothing to report."), "There is nothing to report."),
])
def test_failures_are_stored_with_a_readable_message(world, client_for, toy_kind, main, error, message):
    kind, seen = toy_kind

    def fail(user, params):
        raise error

    seen["gather"] = fail
    report = make(world, kind, main)
    actions.generate(report.pk)
    report.refresh_from_db()
    assert (report.status, report.message) == ("failed", message)
    client = client_for("principal")
    fragment = client.get(reverse("reports:status", args=[report.pk]))
    assert fragment.status_code == 200 and "hx-trigger" not in fragment.content.decode()
    assert reverse("reports:run_again", args=[report.pk]) in fragment.content.decode()
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_out_of_scope_data_fails_the_report_instead_of_leaking(world, toy_kind, other_school):
    kind, seen = toy_kind
    seen["gather"] = kind_gather_school
    report = make(world, kind, other_school)  # parameters naming a school the principal does not see
    actions.generate(report.pk)
    report.refresh_from_db()
    assert (report.status, report.message) == ("failed", actions.OUT_OF_SCOPE)


def kind_gather_school(user, params):
    from tisheng.accounts.scope import get_for_user

    return {"school": get_for_user(user, School, pk=params["school"]).name}


def test_the_failure_message_is_shown_in_the_readers_language(world, client_for, toy_kind, main):
    kind, _seen = toy_kind
    report = make(world, kind, main)
    Report.objects.filter(pk=report.pk).update(status="failed", message=actions.INTERNAL)
    client = client_for("principal")
    assert "服务器" in client.get(reverse("reports:status", args=[report.pk])).content.decode()
    client.cookies["django_language"] = "en"
    assert "error on the server" in client.get(reverse("reports:status", args=[report.pk]),
                                                HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_pending_report_is_polled_every_second(world, client_for, toy_kind, main):
    kind, _seen = toy_kind
    report = make(world, kind, main)
    Report.objects.filter(pk=report.pk).update(status="running", progress=40)
    fragment = client_for("principal").get(reverse("reports:status", args=[report.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'value="40"' in fragment
    assert reverse("reports:run_again", args=[report.pk]) not in fragment


def test_a_report_stuck_after_a_worker_crash_can_run_again(world, client_for, toy_kind, main):
    kind, seen = toy_kind
    seen["gather"] = lambda user, params: {}
    report = make(world, kind, main)
    Report.objects.filter(pk=report.pk).update(status="running", progress=40)
    client = client_for("principal")
    assert client.post(reverse("reports:run_again", args=[report.pk])).status_code == 302
    assert Report.objects.get(pk=report.pk).status == "running"  # not stale yet: left alone
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    fragment = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert "hx-trigger" not in fragment and reverse("reports:run_again", args=[report.pk]) in fragment
    assert client.post(reverse("reports:run_again", args=[report.pk])).status_code == 302
    assert Report.objects.get(pk=report.pk).status == "done"


def test_a_report_of_a_kind_no_longer_offered_fails_cleanly(world, main):
    report = Report.objects.create(kind="gone.kind", format="pdf", requested_by=world.logins["principal"],
                                   district=main.district, school=main)
    actions.generate(report.pk)
    assert Report.objects.get(pk=report.pk).message == actions.UNKNOWN_KIND


def test_the_excel_builder_copes_with_a_school_without_classes(world, main):
    from tisheng.reports.renderers import render_xlsx

    context = {"heading": "空校花名册概况", "term": "", "generated": "", "facts": [], "grades": [], "grade_chart": None,
               "totals": {"students": 0, "male": 0, "female": 0, "boarding": 0, "left_behind": 0, "classes": 0,
                          "teachers": 0}, "titles": [], "subjects": [], "school": {"name": "空校"}}
    assert render_xlsx(build_school_overview_xlsx, context).startswith(b"PK")
