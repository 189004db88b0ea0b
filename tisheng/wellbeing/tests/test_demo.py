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
