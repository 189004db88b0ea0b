import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tisheng.accounts.models import ApiToken, User
from tisheng.roster.models import Guardianship, Student, Teacher
from tisheng.testing.scope import targets


@pytest.fixture
def bearer(world):
    def make(role: str) -> Client:
        _token, key = ApiToken.issue(world.logins[role], "test")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make


def body(response):
    return json.loads(response.content)


def patch(client, url, data):
    return client.patch(url, data=json.dumps(data), content_type="application/json")


# --- the schema and its docs page ---------------------------------------------------------------------
def test_openapi_schema_is_3_1_and_lists_every_operation_with_its_security(client_for):
    schema = body(client_for("teacher").get("/api/openapi.json"))
    assert schema["openapi"].startswith("3.1")
    assert {"/api/me", "/api/schools", "/api/schools/{school_id}", "/api/classes", "/api/classes/{class_id}",
            "/api/students", "/api/students/{student_id}", "/api/teachers", "/api/teachers/{teacher_id}"} <= set(schema["paths"])
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "BrowserSessionAuth"}
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"TokenAuth": []}, {"BrowserSessionAuth": []}], (method, path)
    description = schema["components"]["schemas"]["StudentOut"]["properties"]["student_no"]["description"]
    assert "学籍号" in description


def test_every_operation_answers_401_without_credentials(client_for):
    schema = body(client_for("teacher").get("/api/openapi.json"))
    anonymous = Client()
    wrong = Client(headers={"Authorization": "Bearer ts_not-a-key"})
    basic = Client(headers={"Authorization": "Basic YWRtaW46eA=="})
    for path, operations in schema["paths"].items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            for client in (anonymous, wrong, basic):
                if method == "get":
                    response = client.get(url)
                else:
                    response = getattr(client, method)(url, data="{}", content_type="application/json")
                assert response.status_code == 401, (method, url, response.status_code)


def test_docs_page_is_served_locally_without_any_cdn(client_for):
    response = client_for("parent").get("/api/docs")
    html = response.content.decode()
    assert response.status_code == 200
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    assert "http://" not in html and "https://" not in html


def test_docs_and_schema_need_a_login():
    for url in ("/api/docs", "/api/openapi.json"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- authentication -------------------------------------------------------------------------------------
def test_bearer_token_authenticates_and_is_marked_used(world, bearer):
    response = bearer("head_teacher").get("/api/me")
    assert response.status_code == 200
    assert body(response)["username"] == "banzhuren"
    assert set(body(response)["roles"]) == {"head_teacher", "teacher"}
    assert ApiToken.objects.get(user=world.logins["head_teacher"]).last_used_at is not None


def test_expired_revoked_and_inactive_tokens_are_refused(world):
    user = world.logins["teacher"]
    expired, expired_key = ApiToken.issue(user, "old", expires_at=timezone.now() - timedelta(minutes=1))
    assert Client(headers={"Authorization": f"Bearer {expired_key}"}).get("/api/me").status_code == 401
    revoked, revoked_key = ApiToken.issue(user, "revoked")
    revoked.delete()
    assert Client(headers={"Authorization": f"Bearer {revoked_key}"}).get("/api/me").status_code == 401
    _token, key = ApiToken.issue(user, "live")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    assert client.get("/api/me").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/api/me").status_code == 401


def test_session_writes_need_the_csrf_token(world):
    user = world.logins["head_teacher"]
    student = targets(world, "head_teacher").student_in
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(f"/api/students/{student.pk}").status_code == 200
    response = patch(client, f"/api/students/{student.pk}", {"boarding": not student.boarding})
    assert response.status_code == 403
    assert Student.objects.get(pk=student.pk).boarding == student.boarding
    client.get("/api/docs")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.patch(f"/api/students/{student.pk}", data=json.dumps({"boarding": not student.boarding}),
                            content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert Student.objects.get(pk=student.pk).boarding is (not student.boarding)


# --- reads ----------------------------------------------------------------------------------------------------
def test_parent_sees_own_child_only(world, bearer):
    client = bearer("parent")
    parent = world.logins["parent"]
    children = set(Guardianship.objects.filter(guardian_id=parent.person_id).values_list("student_id", flat=True))
    listing = body(client.get("/api/students"))
    assert {s["id"] for s in listing["items"]} == children and listing["count"] == len(children)
    assert body(client.get("/api/schools"))["count"] == 0
    assert body(client.get("/api/classes"))["count"] == 0
    assert body(client.get("/api/teachers"))["count"] == 0


def test_student_list_filters_and_pages(world, bearer):
    client = bearer("principal")
    t = targets(world, "principal")
    first = body(client.get("/api/students", {"page_size": 5}))
    assert len(first["items"]) == 5 and first["count"] > 5
    second = body(client.get("/api/students", {"page_size": 5, "page": 2}))
    assert not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}
    in_class = body(client.get("/api/students", {"class": t.class_in.pk, "page_size": 100}))
    assert in_class["count"] > 0 and {s["class_id"] for s in in_class["items"]} == {t.class_in.pk}
    graded = body(client.get("/api/students", {"grade": t.class_in.grade, "page_size": 100}))
    assert {s["grade"] for s in graded["items"]} == {t.class_in.grade}
    found = body(client.get("/api/students", {"q": t.student_in.student_no}))
    assert [s["student_no"] for s in found["items"]] == [t.student_in.student_no]
    # another school's id as a filter gives nothing, not an error and not its pupils
    assert body(client.get("/api/students", {"school": t.school_out.pk}))["count"] == 0
    assert client.get("/api/students", {"grade": 12}).status_code == 422


def test_student_detail_has_no_id_card_number_and_masks_phones_outside_the_school(world, bearer):
    t = targets(world, "bureau_staff")
    student = t.student_in
    detail = body(bearer("bureau_staff").get(f"/api/students/{student.pk}"))
    assert "id_card_no" not in detail
    guardian = Guardianship.objects.filter(student=student).select_related("guardian").first()
    shown = next(g for g in detail["guardians"] if g["id"] == guardian.guardian_id)
    assert shown["phone"] != guardian.guardian.phone and "****" in shown["phone"]
    principal_view = body(bearer("principal").get(f"/api/students/{student.pk}"))
    assert next(g for g in principal_view["guardians"] if g["id"] == guardian.guardian_id)["phone"] == guardian.guardian.phone


def test_teacher_list_filters_by_class_taught(world, bearer):
    t = targets(world, "grade_leader")
    listing = body(bearer("grade_leader").get("/api/teachers", {"class": t.class_in.pk}))
    assert listing["count"] > 0
    teachers = Teacher.objects.filter(assignments__school_class=t.class_in, assignments__term=world.term).distinct()
    assert {x["id"] for x in listing["items"]} == set(teachers.values_list("pk", flat=True))


def test_class_list_of_an_academic_year(world, bearer):
    client = bearer("principal")
    year = world.term.academic_year.start_year
    current = body(client.get("/api/classes"))
    assert current["count"] > 0 and {c["academic_year"] for c in current["items"]} == {year}
    last = body(client.get("/api/classes", {"academic_year": year - 1}))
    assert last["count"] > 0 and {c["academic_year"] for c in last["items"]} == {year - 1}
    assert body(client.get("/api/classes", {"academic_year": 1990}))["count"] == 0


# --- the one write ------------------------------------------------------------------------------------
def test_head_teacher_changes_flags_and_a_guardian_phone_with_history(world, bearer):
    user = world.logins["head_teacher"]
    student = targets(world, "head_teacher").student_in
    guardian = Guardianship.objects.filter(student=student).first().guardian
    response = patch(bearer("head_teacher"), f"/api/students/{student.pk}",
                     {"left_behind": True, "guardians": [{"guardian_id": guardian.pk, "phone": "13912345678"}]})
    assert response.status_code == 200, response.content
    assert body(response)["left_behind"] is True
    student.refresh_from_db()
    guardian.refresh_from_db()
    assert student.left_behind is True and guardian.phone == "13912345678"
    latest = student.history.first()
    assert latest.history_user == user and latest.history_change_reason == "API"
    assert guardian.history.first().history_user == user


@pytest.mark.parametrize(
    "payload",
    [
        {"left_behind": True, "guardians": [{"guardian_id": 0, "phone": "13912345678"}]},  # not a guardian
        {"left_behind": True, "guardians": [{"guardian_id": "GUARDIAN", "phone": "12345"}]},  # bad phone
        {"left_behind": True, "name": "改名"},  # not a field one may change
        {"left_behind": "perhaps"},
    ],
)
def test_bad_writes_are_refused_whole(world, bearer, payload):
    student = targets(world, "principal").student_in
    guardian = Guardianship.objects.filter(student=student).first().guardian
    for g in payload.get("guardians", []):
        if g["guardian_id"] == "GUARDIAN":
            g["guardian_id"] = guardian.pk
    response = patch(bearer("principal"), f"/api/students/{student.pk}", payload)
    assert response.status_code == 422
    assert Student.objects.get(pk=student.pk).left_behind == student.left_behind
    assert type(guardian).objects.get(pk=guardian.pk).phone == guardian.phone


def test_bad_phone_is_explained_in_chinese(world, bearer):
    student = targets(world, "principal").student_in
    guardian = Guardianship.objects.filter(student=student).first().guardian
    response = patch(bearer("principal"), f"/api/students/{student.pk}",
                     {"guardians": [{"guardian_id": guardian.pk, "phone": "12345"}]})
    assert response.status_code == 422
    assert "请输入 11 位手机号" in json.dumps(body(response), ensure_ascii=False)


@pytest.mark.parametrize("role", ["teacher", "grade_leader", "bureau_admin", "school_doctor", "parent"])
def test_only_school_office_and_head_teacher_may_write(world, bearer, role):
    student = targets(world, role).student_in
    response = patch(bearer(role), f"/api/students/{student.pk}", {"boarding": not student.boarding})
    assert response.status_code == 403
    assert Student.objects.get(pk=student.pk).boarding == student.boarding


# --- health ---------------------------------------------------------------------------------------------
def test_a_head_teacher_reads_the_class_fitness_and_vision_records(world, bearer):
    from tisheng.health.demo import build_health_demo
    from tisheng.health.models import FitnessRecord, FitnessTest, VisionRecord

    build_health_demo(world.district, world.term)
    client = bearer("head_teacher")
    tests = body(client.get("/api/health/fitness-tests"))["items"]
    assert tests and all(set(t) == {"id", "school_id", "term_id", "date", "scored_at"} for t in tests)
    this_year = next(t for t in tests if t["term_id"] == world.term.pk)
    records = body(client.get(f"/api/health/fitness-tests/{this_year['id']}/records"))
    test = FitnessTest.objects.get(pk=this_year["id"])
    head_class = {r["class_id"] for r in records["items"]}
    assert len(head_class) == 1 and records["count"] == FitnessRecord.objects.filter(
        test=test, school_class_id__in=head_class).count()
    scored = next(r for r in records["items"] if r["status"] == "ok")
    stored = FitnessRecord.objects.get(pk=scored["id"])
    assert scored["name"] == stored.student.name and scored["total"] == stored.total and scored["level"] == stored.level
    assert scored["items"]["run_50m"] == {"measurement": stored.run_50m, "score": stored.run_50m_score, "bonus": None}
    assert "id_card_no" not in json.dumps(records) and "student_no" not in json.dumps(records)

    screening = body(client.get("/api/health/vision-screenings"))["items"][0]
    eyes = body(client.get(f"/api/health/vision-screenings/{screening['id']}/records"))["items"]
    first = VisionRecord.objects.get(pk=eyes[0]["id"])
    assert (eyes[0]["va_right"], eyes[0]["myopia"], eyes[0]["basis"]) == (first.va_right, first.myopia, first.basis)
