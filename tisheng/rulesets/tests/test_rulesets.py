"""Local rules (R-ASR-1): stored overrides on top of the national rule set, by school, district, grade, date."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tisheng.accounts.models import Role
from tisheng.roster.models import School
from tisheng.rulesets import actions
from tisheng.rulesets.forms import OverrideForm
from tisheng.rulesets.models import RuleOverride
from tisheng.rulesets.queries import schools_for_override
from tisheng.rulesets.services import resolve, rule_value

KEY = "homework.written.daily_avg_minutes.max"


@pytest.fixture
def schools(world):
    return School.objects.get(code="QS01"), School.objects.get(code="QS04")


def test_national_values_without_overrides(world, schools):
    junior, primary = schools
    assert rule_value(KEY, school=junior, grade=8) == 90
    assert rule_value(KEY, school=primary, grade=4) == 60
    assert rule_value("homework.written_home.allowed", school=primary, grade=1) is False
    assert resolve(KEY, school=junior, grade=8).layer == "national"


def test_school_override_beats_district_override_and_national(world, schools):
    junior, primary = schools
    RuleOverride.objects.create(key=KEY, value=80, district=world.district, grades=[7, 8, 9],
                                effective_from=date(2025, 9, 1), note="区通知")
    RuleOverride.objects.create(key=KEY, value=70, school=junior, grades=[8], effective_from=date(2025, 9, 1), note="校规")
    assert rule_value(KEY, school=junior, grade=8, on=date(2026, 10, 1)) == 70
    assert rule_value(KEY, school=junior, grade=7, on=date(2026, 10, 1)) == 80  # the district's, grade 7
    assert rule_value(KEY, school=primary, grade=4, on=date(2026, 10, 1)) == 60  # not the junior school's
    assert resolve(KEY, school=junior, grade=8, on=date(2026, 10, 1)).scope == ("school", "QS01")


def test_override_applies_only_between_its_dates(world, schools):
    junior, _ = schools
    RuleOverride.objects.create(key=KEY, value=75, school=junior, effective_from=date(2026, 3, 1),
                                effective_to=date(2026, 7, 1), note="试行一学期")
    assert rule_value(KEY, school=junior, grade=8, on=date(2026, 2, 28)) == 90
    assert rule_value(KEY, school=junior, grade=8, on=date(2026, 3, 1)) == 75
    assert rule_value(KEY, school=junior, grade=8, on=date(2026, 7, 1)) == 90


def test_another_districts_override_is_not_read(world, schools):
    junior, _ = schools
    other = School.objects.get(code="DH01")
    RuleOverride.objects.create(key=KEY, value=30, school=other, effective_from=date(2025, 9, 1), note="东湖")
    RuleOverride.objects.create(key=KEY, value=30, district=other.district, effective_from=date(2025, 9, 1), note="东湖")
    assert rule_value(KEY, school=junior, grade=8) == 90


def _form(user, **data):
    base = {"key": KEY, "value_text": "80", "grades_text": "7，8", "effective_from": "2026-09-01", "note": "校规"}
    return OverrideForm({**base, **data}, schools=schools_for_override(user), district_wide=False)


def test_form_accepts_a_number_and_chinese_commas(world, schools):
    principal = world.logins[Role.PRINCIPAL]
    form = _form(principal, school=schools[0].pk)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value_text"] == 80 and form.cleaned_data["grades_text"] == [7, 8]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"value_text": "true"}, "value_text"),  # a boolean for a number of minutes
        ({"grades_text": "7,十"}, "grades_text"),
        ({"grades_text": "0"}, "grades_text"),
        ({"key": "homework.no_such_rule"}, "key"),
        ({"effective_to": "2026-08-01"}, "effective_to"),
    ],
)
def test_form_reports_each_bad_field(world, schools, data, field):
    form = _form(world.logins[Role.PRINCIPAL], school=schools[0].pk, **data)
    assert not form.is_valid()
    assert field in form.errors


def test_principal_cannot_set_a_rule_for_another_school(world, schools):
    _, primary = schools
    principal = world.logins[Role.PRINCIPAL]
    assert primary not in schools_for_override(principal)
    with pytest.raises(PermissionDenied):
        actions.add_override(principal, key=KEY, value=30, school=primary, effective_from=date(2026, 9, 1), note="x")
    assert not RuleOverride.objects.exists()


def test_bureau_admin_sets_a_district_rule_and_history_keeps_who(world):
    admin = world.logins[Role.BUREAU_ADMIN]
    o = actions.add_override(admin, key=KEY, value=80, grades=[9], effective_from=date(2026, 9, 1), note="区教育局通知")
    assert o.district == world.district and o.created_by == admin
    actions.end_override(admin, o, date(2026, 12, 1))
    o.refresh_from_db()
    assert o.effective_to == date(2026, 12, 1)
    assert o.history.count() == 2


def test_ending_before_it_started_removes_it(world):
    admin = world.logins[Role.BUREAU_ADMIN]
    o = actions.add_override(admin, key=KEY, value=80, effective_from=date(2027, 9, 1), note="下学年")
    actions.end_override(admin, o, date(2026, 12, 1))
    assert not RuleOverride.objects.filter(pk=o.pk).exists()


def test_rule_page_shows_the_local_value_with_its_origin(world, schools, client_for):
    RuleOverride.objects.create(key=KEY, value=70, school=schools[0], grades=[8], effective_from=date(2025, 9, 1),
                                note="实验中学校规")
    page = client_for(Role.PRINCIPAL).get(reverse("rulesets:rule_list"), {"area": "homework"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "实验中学校规" in text and "<strong>70</strong>" in text
    assert "sleep.daily_hours.min" not in text  # filtered to homework


def test_principal_creates_a_rule_through_the_page(world, schools, client_for):
    client = client_for(Role.PRINCIPAL)
    response = client.post(reverse("rulesets:override_create"), {
        "key": KEY, "value_text": "75", "grades_text": "7", "school": schools[0].pk,
        "effective_from": "2026-09-01", "note": "七年级减负",
    })
    assert response.status_code == 302
    assert RuleOverride.objects.get().value == 75


def test_bad_value_is_reported_in_chinese_and_nothing_written(world, schools, client_for):
    response = client_for(Role.PRINCIPAL).post(reverse("rulesets:override_create"), {
        "key": KEY, "value_text": "false", "school": schools[0].pk, "effective_from": "2026-09-01", "note": "x",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["value_text"]
    assert not RuleOverride.objects.exists()


def test_parent_may_not_see_rules(world, client_for):
    assert client_for(Role.PARENT).get(reverse("rulesets:rule_list")).status_code == 403


# --- read once per request (tisheng.memo) ---------------------------------------------------------------
def _in_request(fn):
    """Runs ``fn`` as the request memo middleware runs a view."""
    from tisheng.memo import RequestMemoMiddleware

    return RequestMemoMiddleware(lambda request: fn())(None)


def test_rules_are_read_once_per_request(world, schools, django_assert_num_queries):
    junior = School.objects.select_related("district").get(pk=schools[0].pk)  # only the rules are left to read

    def view():
        with django_assert_num_queries(1):
            values = [rule_value(KEY, school=junior, grade=g, on=date(2026, 10, 1)) for g in (7, 8, 9)]
        return values

    assert _in_request(view) == [90, 90, 90]
    # outside a request nothing is kept: a background task sees every change at once
    RuleOverride.objects.create(key=KEY, value=70, school=junior, effective_from=date(2025, 9, 1), note="校规")
    assert rule_value(KEY, school=junior, grade=8, on=date(2026, 10, 1)) == 70
    assert _in_request(lambda: rule_value(KEY, school=junior, grade=8, on=date(2026, 10, 1))) == 70


def test_a_change_in_the_request_is_seen_by_the_rest_of_it(world, schools):
    junior, _ = schools
    principal = world.logins[Role.PRINCIPAL]

    def view():
        before = rule_value(KEY, school=junior, grade=8, on=date(2026, 10, 1))
        o = actions.add_override(principal, key=KEY, value=70, school=junior, effective_from=date(2026, 9, 1), note="校规")
        added = rule_value(KEY, school=junior, grade=8, on=date(2026, 10, 1))
        actions.end_override(principal, o, date(2026, 9, 15))
        ended = rule_value(KEY, school=junior, grade=8, on=date(2026, 10, 1))
        return before, added, ended

    assert _in_request(view) == (90, 70, 90)
