"""Phones: the school's rule, a parent's written application with consent, the head teacher's decision."""

from datetime import date

import pytest

from tisheng.wellbeing import actions
from tisheng.wellbeing.models import PhoneException, PhoneRule
from tisheng.wellbeing.tests.helpers import child_of, own_class


def apply(client, child, **data):
    return client.post(f"/wellbeing/phones/request/{child.pk}/", data)


def test_a_parent_applies_and_the_head_teacher_approves(world, client_for):
    child = child_of(world)
    response = apply(client_for("parent"), child, reason="放学后独自乘公交回家，需要联系家长", parent_consent="on")
    assert response.status_code == 302
    exception = PhoneException.objects.get(student=child)
    assert exception.status == "pending" and exception.school_class == own_class(world)
    head = client_for("head_teacher")
    assert "放学后独自乘公交回家" in head.get("/wellbeing/phones/").content.decode()
    assert head.post(f"/wellbeing/phones/{exception.pk}/decide/", {"decision": "approve"}).status_code == 302
    exception.refresh_from_db()
    assert exception.status == "approved" and exception.decided_by == world.logins["head_teacher"]
    # decided once: a second decision is refused
    with pytest.raises(actions.NotAllowed):
        actions.decide_phone_exception(world.logins["principal"], exception, approve=False, note="不同意")
    body = client_for("parent").get("/wellbeing/family/").content.decode()
    assert "已同意" in body


@pytest.mark.parametrize("data, field", [
    ({"reason": "需要联系家长"}, "parent_consent"),  # no consent: the rule requires it
    ({"parent_consent": "on"}, "reason"),  # no written application
    ({"reason": "  ", "parent_consent": "on"}, "reason"),
    ({"reason": "x" * 1001, "parent_consent": "on"}, "reason"),
])
def test_an_application_without_what_the_rule_requires_is_refused(world, client_for, data, field):
    response = apply(client_for("parent"), child_of(world), **data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PhoneException.objects.exists()


def test_a_refusal_needs_a_reason_and_one_application_waits_at_a_time(world, client_for):
    child, parent = child_of(world), world.logins["parent"]
    exception = actions.request_phone_exception(parent, child, reason="需要联系家长", parent_consent=True)
    with pytest.raises(actions.NotAllowed):
        actions.request_phone_exception(parent, child, reason="再次申请", parent_consent=True)
    head = client_for("head_teacher")
    head.post(f"/wellbeing/phones/{exception.pk}/decide/", {"decision": "refuse", "note": ""})
    exception.refresh_from_db()
    assert exception.status == "pending"
    head.post(f"/wellbeing/phones/{exception.pk}/decide/", {"decision": "refuse", "note": "可使用班主任热线"})
    exception.refresh_from_db()
    assert (exception.status, exception.decision_note) == ("refused", "可使用班主任热线")


def test_the_principal_sets_the_rule_and_parents_see_the_version_in_force(world, client_for):
    school = own_class(world).school
    principal = client_for("principal")
    bad = principal.post("/wellbeing/phones/", {"school": school.pk, "text": "", "storage": "手机柜",
                                                "effective_from": "2026-09-01"})
    assert bad.status_code == 200 and "text" in bad.context["form"].errors and not PhoneRule.objects.exists()
    for when, text in ((date(2026, 9, 1), "旧规定"), (date(2026, 11, 1), "新规定：手机进校交班主任")):
        principal.post("/wellbeing/phones/", {"school": school.pk, "text": text, "storage": "教室手机柜",
                                              "effective_from": when.isoformat()})
    future = principal.post("/wellbeing/phones/", {"school": school.pk, "text": "明年的规定", "storage": "柜",
                                                   "effective_from": "2099-09-01"})
    assert future.status_code == 302 and PhoneRule.objects.count() == 3
    body = client_for("parent").get("/wellbeing/family/").content.decode()
    assert "新规定：手机进校交班主任" in body and "旧规定" not in body and "明年的规定" not in body
    assert client_for("head_teacher").post("/wellbeing/phones/", {"school": school.pk, "text": "x", "storage": "y",
                                                                   "effective_from": "2026-09-01"}).status_code == 403


def test_what_an_application_needs_follows_the_rule_set(world, client_for):
    """A school override that asks for the written application only: no consent box to tick."""
    from tisheng.rulesets.models import RuleOverride

    school = own_class(world).school
    RuleOverride.objects.create(key="phone.bring_into_school.exception_requires", value=["written_application"],
                                school=school, effective_from=date(2026, 1, 1), note="校规")
    response = apply(client_for("parent"), child_of(world), reason="需要联系家长")
    assert response.status_code == 302
    assert PhoneException.objects.get(student=child_of(world)).parent_consent is False


def test_a_bigger_minimum_in_an_override_changes_the_sleep_rule(world):
    from tisheng.rulesets.models import RuleOverride
    from tisheng.wellbeing.rules import WellbeingRules

    school = own_class(world).school
    assert WellbeingRules(school).sleep_min_hours(7) == 9.0
    RuleOverride.objects.create(key="sleep.daily_hours.min", value=9.5, school=school, grades=[7, 8, 9],
                                effective_from=date(2026, 1, 1), note="校规")
    assert WellbeingRules(school).sleep_min_hours(7) == 9.5
