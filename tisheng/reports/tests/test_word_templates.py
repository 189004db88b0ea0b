"""Uploaded Word templates: a school's (or the district's) own .docx replaces the shipped one for its reports;
bad files are refused field by field with nothing written; another school's template is a 404."""

import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tisheng.audit.models import AuditEvent
from tisheng.reports import forms as template_forms
from tisheng.reports.models import Report, WordTemplate
from tisheng.reports.registry import get_kind
from tisheng.roster.models import School

OVERVIEW = "roster.school_overview"
MARK = "本校定制模板"


@pytest.fixture
def main():
    return School.objects.get(code="QS01")


@pytest.fixture
def other_school(main):
    return School.objects.filter(district=main.district).exclude(pk=main.pk).exclude(central_school=main).first()


def template_docx(extra: str) -> bytes:
    """The shipped overview template with one more paragraph (``extra`` may hold Jinja tags)."""
    document = docx.Document(str(get_kind(OVERVIEW).docx))
    document.add_paragraph(extra)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, place: str, content: bytes, name: str = "我校模板.docx"):
    return client.post(reverse("reports:upload_template", args=[place, OVERVIEW]),
                       {"file": SimpleUploadedFile(name, content)})


def word_report_text(client, world, role: str, school) -> str:
    client.post(reverse("reports:request", args=[OVERVIEW]), {"school": school.pk, "format": "docx"})
    report = Report.objects.filter(requested_by=world.logins[role]).latest("pk")
    assert report.status == "done", report.message
    with report.file.open("rb") as handle:
        return "\n".join(p.text for p in docx.Document(handle).paragraphs)


def test_an_uploaded_template_is_used_for_the_schools_next_word_report(world, client_for, main):
    client = client_for("principal")
    assert MARK not in word_report_text(client, world, "principal", main)
    response = upload(client, f"s{main.pk}", template_docx(f"{MARK}：{{{{ school.name }}}}"))
    assert response.status_code == 302
    template = WordTemplate.objects.get()
    assert (template.kind, template.school, template.district, template.original_name) == (
        OVERVIEW, main, main.district, "我校模板.docx")
    assert template.uploaded_by == world.logins["principal"]
    event = AuditEvent.objects.get(detail__word_template=template.pk)
    assert event.action == AuditEvent.Action.TEMPLATE_CHANGED and event.school == main
    assert "上传 Word 模板" in event.summary
    assert f"{MARK}：{main.name}" in word_report_text(client, world, "principal", main)
    page = client.get(reverse("reports:word_templates")).content.decode()
    assert "我校模板.docx" in page
    assert client.get(reverse("reports:uploaded_template", args=[template.pk])).status_code == 200


def test_a_new_upload_replaces_the_one_in_force(world, client_for, main, django_capture_on_commit_callbacks):
    client = client_for("academic_office")
    upload(client, f"s{main.pk}", template_docx("第一版"), "一.docx")
    first_file = WordTemplate.objects.get().file.name
    with django_capture_on_commit_callbacks(execute=True):  # the old file goes once the new one is in force
        upload(client, f"s{main.pk}", template_docx(MARK), "二.docx")
    template = WordTemplate.objects.get()
    assert template.original_name == "二.docx"
    assert not template.file.storage.exists(first_file)
    assert MARK in word_report_text(client, world, "academic_office", main)


def test_the_districts_template_serves_schools_without_their_own(world, client_for, main):
    upload(client_for("bureau_admin"), f"d{main.district_id}", template_docx("区级模板"))
    assert WordTemplate.objects.get().school is None
    principal = client_for("principal")
    assert "区级模板" in word_report_text(principal, world, "principal", main)
    upload(principal, f"s{main.pk}", template_docx(MARK))
    text = word_report_text(principal, world, "principal", main)
    assert MARK in text and "区级模板" not in text  # the school's own wins


def test_removing_the_template_restores_the_shipped_one(world, client_for, main, django_capture_on_commit_callbacks):
    client = client_for("principal")
    upload(client, f"s{main.pk}", template_docx(MARK))
    template = WordTemplate.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:remove_template", args=[template.pk]))
    assert response.status_code == 302
    assert not WordTemplate.objects.exists() and not template.file.storage.exists(template.file.name)
    assert AuditEvent.objects.filter(detail__word_template=template.pk, detail__removed=True).exists()
    assert MARK not in word_report_text(client, world, "principal", main)


def _zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize("content, error", [
    (b"not a word file at all", "这不是 Word 文档"),
    (_zip_without_document(), "这不是 Word 文档"),
])
def test_files_that_are_not_word_documents_are_refused(world, client_for, main, content, error):
    response = upload(client_for("principal"), f"s{main.pk}", content)
    assert response.status_code == 200 and error in response.context["form"].errors["file"][0]
    assert not WordTemplate.objects.exists() and not AuditEvent.objects.filter(detail__has_key="word_template")


@pytest.mark.parametrize("extra, error", [
    ("{{ school.name ", "模板中的标记无法解析"),  # an unclosed tag
    ("{% for x in %}", "模板中的标记无法解析"),
    ("{{ salary }}", "模板使用了本报告不提供的数据：salary"),
])
def test_templates_docxtpl_cannot_fill_are_refused(world, client_for, main, extra, error):
    response = upload(client_for("principal"), f"s{main.pk}", template_docx(extra))
    assert response.status_code == 200 and error in response.context["form"].errors["file"][0]
    assert not WordTemplate.objects.exists()


def test_a_file_over_the_size_limit_is_refused(world, client_for, main, monkeypatch):
    monkeypatch.setattr(template_forms, "MAX_TEMPLATE_BYTES", 1024 * 1024)
    response = upload(client_for("principal"), f"s{main.pk}", b"x" * (1024 * 1024 + 1))
    assert "文件超过 1 MB" in response.context["form"].errors["file"][0]
    assert not WordTemplate.objects.exists()


def test_a_template_that_fails_while_rendering_fails_the_report_with_a_message(world, client_for, main):
    client = client_for("principal")
    upload(client, f"s{main.pk}", template_docx("{{ school.name.no_such.thing }}"))  # compiles, fails when filled
    assert WordTemplate.objects.exists()
    client.post(reverse("reports:request", args=[OVERVIEW]), {"school": main.pk, "format": "docx"})
    report = Report.objects.get()
    assert report.status == "failed" and "Word templates" in report.message
    assert "Word 模板" in client.get(reverse("reports:index")).content.decode()
    client.post(reverse("reports:request", args=[OVERVIEW]), {"school": main.pk, "format": "pdf"})
    assert Report.objects.latest("pk").status == "done"  # other formats are not affected


def test_a_principal_cannot_touch_another_schools_template(world, client_for, main, other_school):
    theirs = WordTemplate.objects.create(kind=OVERVIEW, district=other_school.district, school=other_school,
                                         file="report-templates/x.docx", original_name="他校模板.docx")
    client = client_for("principal")
    assert client.get(reverse("reports:uploaded_template", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("reports:remove_template", args=[theirs.pk])).status_code == 404
    assert upload(client, f"s{other_school.pk}", template_docx(MARK)).status_code == 404
    assert list(WordTemplate.objects.all()) == [theirs]
    assert "他校模板.docx" not in client.get(reverse("reports:word_templates")).content.decode()


@pytest.mark.parametrize("role", ["teacher", "head_teacher", "bureau_staff", "parent"])
def test_only_template_managers_see_the_page(client_for, role):
    assert client_for(role).get(reverse("reports:word_templates")).status_code == 403
