"""The life of a weekly plan: draft, review, publishing within the limits, edits after approval, conflicts."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tisheng.homework import actions
from tisheng.homework.actions import Conflict, ItemData, NotAllowed
from tisheng.homework.models import Item, Plan, PostedItem
from tisheng.homework.tests.helpers import colleague_plan, item, maths_plan, next_week, own_class, publish

Status = Plan.Status


def items_of(plan):
    return [ItemData(i.date, i.content, i.kind, i.category, i.layer, i.minutes, i.pk) for i in plan.items.all()]


def test_draft_submit_approve_publishes_to_the_class(world):
    plan = maths_plan(world)
    assert plan.status == Status.DRAFT and plan.items.count() == 5
    assert not PostedItem.objects.exists()

    teacher = world.logins["head_teacher"]
    plan = actions.save_plan(teacher, plan, version=plan.version, items=items_of(plan), submit=True)
    assert plan.status == Status.SUBMITTED and plan.submitted_at is not None

    over = actions.approve(world.logins["subject_leader"], plan, version=plan.version)
    plan.refresh_from_db()
    assert over == [] and plan.status == Status.PUBLISHED
    assert plan.reviewed_by == world.logins["subject_leader"]
    posted = PostedItem.objects.filter(plan=plan)
    assert posted.count() == 5 and {p.school_class_id for p in posted} == {own_class(world).pk}
    # every change is kept, with who made it and why
    reasons = list(plan.history.order_by("history_date").values_list("history_change_reason", "history_user"))
    assert [r for r, _u in reasons][-2:] == ["submitted", "approved_published"]
    assert reasons[-1][1] == world.logins["subject_leader"].pk


def test_a_plan_filed_after_the_due_date_is_marked_late(world):
    week = next_week() + timedelta(days=7)  # due a week before it starts: in the future, so on time
    plan = maths_plan(world, week=week)
    plan = actions.save_plan(plan.updated_by, plan, version=plan.version, items=items_of(plan), submit=True)
    assert plan.late is False
    late = maths_plan(world, week=next_week() - timedelta(days=7))  # this week: its due date has passed
    late = actions.save_plan(late.updated_by, late, version=late.version, items=items_of(late), submit=True)
    assert late.late is True


def test_edit_after_approval_goes_back_to_review_and_the_approved_version_stays_posted(world):
    plan = maths_plan(world)
    publish(world, plan)
    plan.refresh_from_db()
    changed = items_of(plan)
    changed[0] = ItemData(changed[0].date, "改为：课本第20页练习", "written", "basic", "", 25, changed[0].id)
    plan = actions.save_plan(world.logins["head_teacher"], plan, version=plan.version, items=changed, submit=False)
    assert plan.status == Status.SUBMITTED
    posted = PostedItem.objects.filter(plan=plan).order_by("date").first()
    assert posted.content == "练习册第12页 1–4题" and posted.minutes == 30  # parents still see the approved one
    actions.approve(world.logins["subject_leader"], plan, version=plan.version)
    assert PostedItem.objects.filter(plan=plan).order_by("date").first().content == "改为：课本第20页练习"
    # the item kept its row, so its history shows the change of minutes
    first = Item.objects.get(pk=changed[0].id)
    assert list(first.history.order_by("history_date").values_list("minutes", flat=True)) == [30, 25]


def test_saving_unchanged_items_leaves_a_published_plan_published(world):
    plan = maths_plan(world)
    publish(world, plan)
    plan.refresh_from_db()
    plan = actions.save_plan(world.logins["head_teacher"], plan, version=plan.version, items=items_of(plan), submit=True)
    assert plan.status == Status.PUBLISHED


def test_return_needs_a_reason_and_the_teacher_resubmits(world):
    plan = maths_plan(world)
    plan = actions.save_plan(plan.updated_by, plan, version=plan.version, items=items_of(plan), submit=True)
    leader = world.logins["subject_leader"]
    with pytest.raises(NotAllowed):
        actions.return_plan(leader, plan, version=plan.version, reason="  ")
    plan = actions.return_plan(leader, plan, version=plan.version, reason="周三的量太大，请减少")
    assert plan.status == Status.RETURNED and plan.review_note == "周三的量太大，请减少"
    with pytest.raises(NotAllowed):
        actions.approve(leader, plan, version=plan.version)
    plan = actions.save_plan(plan.updated_by, plan, version=plan.version, items=items_of(plan)[:4], submit=True)
    assert plan.status == Status.SUBMITTED and plan.review_note == ""


def test_two_people_saving_the_same_version_get_a_conflict_not_a_lost_update(world):
    plan = maths_plan(world)
    opened = plan.version  # the teacher and the grade leader both open the form
    teacher, leader = world.logins["head_teacher"], world.logins["grade_leader"]
    monday = plan.week
    actions.save_plan(teacher, plan, version=opened, items=[item(monday, 20, "教师的修改")], submit=False)
    with pytest.raises(Conflict) as caught:
        actions.save_plan(leader, plan, version=opened, items=[item(monday, 10, "组长的修改")], submit=False)
    assert caught.value.current.updated_by == teacher
    assert list(Plan.objects.get(pk=plan.pk).items.values_list("content", flat=True)) == ["教师的修改"]
    # a review decision on a stale version is refused too
    with pytest.raises(Conflict):
        actions.approve(world.logins["subject_leader"], plan, version=opened)


def test_conflict_shown_on_the_page_keeps_both_versions_visible(world, client_for):
    plan = maths_plan(world)
    client = client_for("head_teacher")
    url = reverse("homework:plan_edit", args=[plan.pk])
    actions.save_plan(world.logins["grade_leader"], plan, version=plan.version, items=[item(plan.week, 15, "组长改过")],
                      submit=False)
    data = {"version": plan.version, "items-TOTAL_FORMS": 1, "items-INITIAL_FORMS": 0, "items-0-date": plan.week,
            "items-0-content": "我的新内容", "items-0-kind": "written", "items-0-category": "basic", "items-0-minutes": 25}
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "你的修改没有保存" in body or "您的修改没有保存" in body
    assert "我的新内容" in body and "组长改过" in body
    assert list(Plan.objects.get(pk=plan.pk).items.values_list("content", flat=True)) == ["组长改过"]


def test_copy_from_last_week_moves_the_items_seven_days(world, client_for):
    last = maths_plan(world, week=next_week() - timedelta(days=7), minutes=(20, 0, 25))
    plan = maths_plan(world, minutes=())
    response = client_for("head_teacher").get(reverse("homework:plan_edit", args=[plan.pk]), {"copy": "last_week"})
    assert response.status_code == 200
    formset = response.context["formset"]
    copied = [f.initial for f in formset.forms if f.initial.get("content")]
    assert [(c["date"], c["minutes"]) for c in copied] == [(plan.week, 20), (plan.week + timedelta(days=2), 25)]
    assert last.items.count() == 2 and plan.items.count() == 0  # nothing is saved until the teacher saves


def test_copy_to_parallel_classes_skips_plans_already_in_review(world):
    teacher_user = world.logins["teacher"]
    from tisheng.homework.queries import own_assignments

    assignments = list(own_assignments(teacher_user))
    by_key = {}
    for a in assignments:
        by_key.setdefault((a.subject_id, a.school_class.grade), []).append(a)
    group = next((g for g in by_key.values() if len(g) >= 2), None)
    if group is None:
        pytest.skip("the demo teacher has no parallel classes")
    first, second = group[0], group[1]
    plan = actions.start_plan(teacher_user, teacher=first.teacher, school_class=first.school_class,
                              subject=first.subject, week=next_week())
    plan = actions.save_plan(teacher_user, plan, version=plan.version, items=[item(plan.week, 15)], submit=False)
    result = actions.copy_to_parallel(teacher_user, plan, [second.school_class])
    assert result == {"copied": [second.school_class], "skipped": []}
    target = Plan.objects.get(school_class=second.school_class, subject=first.subject, week=plan.week)
    assert target.status == Status.DRAFT and target.items.get().minutes == 15
    actions.save_plan(teacher_user, target, version=target.version, items=items_of(target), submit=True)
    again = actions.copy_to_parallel(teacher_user, plan, [second.school_class])
    assert again["skipped"] == [second.school_class]
