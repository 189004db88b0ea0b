"""Reading materials: a title goes 初选 → 评议 → 确认 → 备案 (the rule set's procedure), each decision with its
reason; parents see the titles through the last step only."""

import pytest

from tisheng.core.rules import defaults
from tisheng.wellbeing import actions
from tisheng.wellbeing.models import ReadingTitle
from tisheng.wellbeing.tests.helpers import own_class

PROPOSAL = {"title": "昆虫记", "author": "法布尔", "publisher": "人民教育出版社", "grades": ["7", "8"],
            "reason": "科普名著，适合七八年级"}


def test_the_procedure_runs_step_by_step_and_parents_see_the_listed_title(world, client_for):
    school = own_class(world).school
    steps = defaults().value("reading.recommendation.procedure", 7)
    assert steps == ["初选", "评议", "确认", "备案"]
    response = client_for("teacher").post("/wellbeing/reading/", {**PROPOSAL, "school": school.pk})
    assert response.status_code == 302
    item = ReadingTitle.objects.get(title="昆虫记")
    assert (item.steps_done, item.grades, item.status) == (1, [7, 8], "in_progress")
    assert "昆虫记" not in client_for("parent").get("/wellbeing/family/").content.decode()
    # 评议 and 确认 by the school's leaders, 备案 by the bureau; nobody else
    assert client_for("teacher").post(f"/wellbeing/reading/{item.pk}/decide/",
                                      {"decision": "pass", "reason": "好"}).status_code == 403
    for role in ("academic_office", "principal"):
        assert client_for("bureau_staff").post(f"/wellbeing/reading/{item.pk}/decide/",
                                               {"decision": "pass", "reason": "好"}).status_code == 403
        assert client_for(role).post(f"/wellbeing/reading/{item.pk}/decide/",
                                     {"decision": "pass", "reason": "评议通过"}).status_code == 302
    assert client_for("principal").post(f"/wellbeing/reading/{item.pk}/decide/",
                                        {"decision": "pass", "reason": "好"}).status_code == 403
    assert client_for("bureau_staff").post(f"/wellbeing/reading/{item.pk}/decide/",
                                           {"decision": "pass", "reason": "已备案"}).status_code == 302
    item.refresh_from_db()
    assert (item.steps_done, item.status) == (4, "listed")
    assert [(d.step, d.passed) for d in item.decisions.all()] == [(s, True) for s in steps]
    assert "昆虫记" in client_for("parent").get("/wellbeing/family/").content.decode()
    with pytest.raises(actions.NotAllowed):  # nothing left to decide
        actions.decide_title(world.logins["principal"], item, passed=True, reason="再来")


def test_a_title_not_recommended_stops_with_its_reason(world, client_for):
    school = own_class(world).school
    item = actions.propose_title(world.logins["teacher"], school, world.term, title="某书", author="某人",
                                 publisher="某社", grades=[7], reason="推荐")
    bad = client_for("principal").post(f"/wellbeing/reading/{item.pk}/decide/", {"decision": "reject", "reason": ""})
    assert bad.status_code == 200 and "reason" in bad.context["form"].errors
    item.refresh_from_db()
    assert item.steps_done == 1 and item.decisions.count() == 1
    client_for("principal").post(f"/wellbeing/reading/{item.pk}/decide/", {"decision": "reject", "reason": "内容不适宜"})
    item.refresh_from_db()
    assert item.status == "rejected" and item.decisions.last().reason == "内容不适宜"
    assert actions.next_step(item) is None


@pytest.mark.parametrize("change, field", [
    ({"title": ""}, "title"),
    ({"author": ""}, "author"),
    ({"publisher": "x" * 121}, "publisher"),
    ({"grades": []}, "grades"),
    ({"grades": ["2"]}, "grades"),  # a junior school has no grade 2
    ({"reason": ""}, "reason"),
])
def test_a_bad_proposal_names_the_field_and_writes_nothing(world, client_for, change, field):
    school = own_class(world).school
    response = client_for("teacher").post("/wellbeing/reading/", {**PROPOSAL, "school": school.pk, **change})
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not ReadingTitle.objects.exists()


def test_the_same_title_twice_in_a_term_is_refused(world, client_for):
    school = own_class(world).school
    client = client_for("teacher")
    client.post("/wellbeing/reading/", {**PROPOSAL, "school": school.pk})
    response = client.post("/wellbeing/reading/", {**PROPOSAL, "school": school.pk})
    assert response.status_code == 200 and ReadingTitle.objects.count() == 1
