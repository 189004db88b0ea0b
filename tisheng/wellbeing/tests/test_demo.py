"""The five-managements demo: every page has something to show, and the results are stored."""

from django.db.models import Count

from tisheng.homework.demo import build_homework_demo
from tisheng.wellbeing.demo import build_wellbeing_demo
from tisheng.wellbeing.models import ActivityDay, ClassWeek, PhoneException, PhoneRule, ReadingTitle, WakeReport


def test_the_demo_fills_sleep_activity_phones_and_reading(world, client_for):
    build_homework_demo(world.term)
    counts = build_wellbeing_demo(world.term)
    assert counts["wake-up times"] > 100 and counts["activity days"] > 50
    assert not WakeReport.objects.values("student", "night").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert PhoneRule.objects.count() == world.district.schools.count() + 1  # and the neighbouring district's school
    assert set(PhoneException.objects.values_list("status", flat=True)) == {"pending", "approved", "refused"}
    assert set(ReadingTitle.objects.values_list("status", flat=True)) == {"in_progress", "listed", "rejected"}
    assert ActivityDay.objects.exists()
    weeks = ClassWeek.objects.filter(sleep_nights__gt=0)
    assert weeks.exists() and ClassWeek.objects.filter(pe_days__gt=0).exists()
    assert all(w.sleep_enough <= w.sleep_nights and w.pe_days_enough <= w.pe_days for w in ClassWeek.objects.all())
    # each role's first page shows figures
    for role in ("bureau_staff", "principal", "grade_leader", "head_teacher"):
        body = client_for(role).get("/wellbeing/overview/").content.decode()
        assert "wellbeing-chart" in body, role
    body = client_for("parent").get("/wellbeing/family/").content.decode()
    # the child's junior school: listed titles only, not those in review (昆虫记) or not recommended (西游记)
    assert "骆驼祥子" in body and "海底两万里" in body
    assert "昆虫记" not in body and "西游记" not in body


def test_the_dashboards_go_from_the_district_to_a_school_a_grade_and_a_class(world, client_for):
    from tisheng.roster.models import School

    build_homework_demo(world.term)
    build_wellbeing_demo(world.term)
    main = School.objects.get(code="QS01")
    bureau = client_for("bureau_staff")
    assert bureau.get("/wellbeing/overview/").context["level"] == "school"
    by_grade = bureau.get(f"/wellbeing/overview/?school={main.pk}")
    assert by_grade.context["level"] == "grade" and {g["key"] for g in by_grade.context["groups"]} == {7, 8, 9}
    by_class = bureau.get(f"/wellbeing/overview/?school={main.pk}&grade=7")
    assert by_class.context["level"] == "class" and "七年级1班" in by_class.content.decode()
    # the sums of a level add up to the level above
    total = by_grade.context["total"]
    assert total["sleep_nights"] == sum(g["sleep_nights"] for g in by_grade.context["groups"])
    # a grade leader (grade 7) sees the grade's classes only
    leader = client_for("grade_leader").get("/wellbeing/overview/")
    assert leader.context["level"] == "class"
    assert {ClassWeek.objects.filter(school_class_id=g["key"]).first().grade for g in leader.context["groups"]} == {7}
