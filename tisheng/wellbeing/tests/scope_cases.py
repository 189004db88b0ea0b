"""Scope cases of the five-managements pages (format: ``tisheng/testing/scope.py``).

Objects: in 七年级1班 of 青山区实验中学 (QS01, the head teacher's class, where the demo parent's child is) a
classmate's waiting phone application, the week's activity and the child's night; in a grade-3 class of
青山区实验小学 (QS04, another school of the district) the same; a reading title in review at each school. Each
carries a marker, so a probe can tell which of them a page shows. Expected statuses come from roster facts.
"""

from datetime import time, timedelta

from django.urls import reverse
from django.utils import timezone

from tisheng.accounts.models import DISTRICT_ROLES, SCHOOL_ROLES, Role, RoleAssignment
from tisheng.homework.queries import monday
from tisheng.roster.models import ClassMembership, School, SchoolClass, TeachingAssignment
from tisheng.testing.scope import Probe
from tisheng.wellbeing import actions, analysis
from tisheng.wellbeing.models import PhoneException, ReadingTitle
from tisheng.wellbeing.tests.helpers import bedtime, child_of, classmate_of, own_class

MINE, FOREIGN = "本班申请理由甲", "外校申请理由丙"
TITLE_MINE, TITLE_FOREIGN = "本校待评议书甲", "外校待评议书丙"
NO_SUCH_ID = 999_999_999


def _world(world):
    """The objects, made once per transaction (a test may collect several roles' cases in one)."""
    today = timezone.localdate()
    main, other = School.objects.get(code="QS01"), School.objects.get(code="QS04")
    own = own_class(world)
    foreign_class = SchoolClass.objects.filter(school=other, academic_year=own.academic_year, grade=3).first()
    child = child_of(world)
    classmate = classmate_of(world, child)
    foreign_pupil = ClassMembership.objects.filter(school_class=foreign_class, term=world.term,
                                                   left_on__isnull=True).first().student
    night = today - timedelta(days=1)
    found = {"main": main, "other": other, "own": own, "foreign_class": foreign_class, "child": child,
             "classmate": classmate, "night": night}
    if ReadingTitle.objects.filter(title=TITLE_MINE).exists():
        return found | {"mine": PhoneException.objects.get(reason=MINE),
                        "foreign": PhoneException.objects.get(reason=FOREIGN),
                        "title": ReadingTitle.objects.get(title=TITLE_MINE),
                        "title_out": ReadingTitle.objects.get(title=TITLE_FOREIGN)}
    parent = world.logins["parent"]
    # the classmate's application is made by a guardian of the classmate: any user will do for the fact
    mine = actions.request_phone_exception(parent, classmate, reason=MINE, parent_consent=True)
    foreign = actions.request_phone_exception(parent, foreign_pupil, reason=FOREIGN, parent_consent=True)
    bedtime(child, own, night, time(21, 30))
    actions.record_wake(parent, child, night, time(7, 0))
    for school_class in (own, foreign_class):
        actions.record_activity(world.logins["head_teacher"], school_class,
                                [actions.DayMinutes(monday(today), 40, 30, 0)])
    analysis.analyse_week(main, monday(night))
    analysis.analyse_week(other, monday(night))
    title = actions.propose_title(world.logins["teacher"], main, world.term, title=TITLE_MINE, author="甲",
                                  publisher="出版社", grades=[7], reason="适合七年级")
    title_out = actions.propose_title(world.logins["teacher"], other, world.term, title=TITLE_FOREIGN, author="丙",
                                      publisher="出版社", grades=[3], reason="适合三年级")
    return found | {"mine": mine, "foreign": foreign, "title": title, "title_out": title_out}


def _records_activity(world, role, user, school_class) -> bool:
    """From roster facts: the head teacher, the school's PE teacher role, or whoever teaches the class PE."""
    if role == Role.HEAD_TEACHER:
        return True
    if RoleAssignment.objects.valid_in(world.term).filter(user=user, role=Role.SCHOOL_DOCTOR,
                                                          school=school_class.school).exists():
        return True
    return TeachingAssignment.objects.filter(teacher__person_id=user.person_id, term=world.term,
                                             school_class=school_class, subject__code="pe").exists()


def cases(world, role, user):
    w = _world(world)
    district = role in DISTRICT_ROLES
    school = role in SCHOOL_ROLES
    parent = role == Role.PARENT
    staff = not parent
    own, foreign_class, child, classmate = w["own"], w["foreign_class"], w["child"], w["classmate"]
    teaches_own = TeachingAssignment.objects.filter(teacher__person_id=user.person_id, term=world.term,
                                                    school_class=own).exists()
    class_visible = staff and (district or school or role in (Role.GRADE_LEADER, Role.SUBJECT_LEADER,
                                                               Role.HEAD_TEACHER) or teaches_own)
    # pupils' applications: the class's head teacher, the grade, the school and the district
    pupils_visible = district or school or role in (Role.GRADE_LEADER, Role.HEAD_TEACHER)
    decides = role in (Role.HEAD_TEACHER, Role.PRINCIPAL, Role.ACADEMIC_OFFICE)
    absent_other = () if district else (w["other"].name, FOREIGN, TITLE_FOREIGN)

    def status(sees: bool, may: bool, ok: int = 200) -> int:
        return ok if sees and may else 403 if sees else 404

    def class_probes(name, present=()):
        return [
            Probe(reverse(name, args=[own.pk]), status=200 if class_visible else 404,
                  present=present if class_visible else ()),
            Probe(reverse(name, args=[foreign_class.pk]), status=200 if district else 404,
                  absent=() if district else (w["other"].name,)),
            Probe(reverse(name, args=[NO_SUCH_ID]), status=404),
        ]

    def child_probes(name, *args):
        return [
            Probe(reverse(name, args=[child.pk, *args]), status=200 if parent else 404),
            Probe(reverse(name, args=[classmate.pk, *args]), status=404, absent=(classmate.name,)),
            Probe(reverse(name, args=[classmate.pk, *args]), method="post", status=404,
                  data={"wake_time": "07:00", "reason": "需要联系家长", "parent_consent": "on"}),
        ]

    grid = {"days-TOTAL_FORMS": 1, "days-INITIAL_FORMS": 1, "days-0-date": monday(timezone.localdate()),
            "days-0-pe_minutes": 40, "days-0-break_minutes": 30, "days-0-activity_minutes": 10,
            "week": monday(timezone.localdate())}
    records = _records_activity(world, role, user, own)
    mine, foreign, title, title_out = w["mine"], w["foreign"], w["title"], w["title_out"]
    staff_of_main = staff and not district

    return {
        "wellbeing:index": [Probe(reverse("wellbeing:index"), status=302)],
        "wellbeing:family": [Probe(reverse("wellbeing:family"), status=200 if parent else 403,
                                   present=(child.name, "21:30", "07:00") if parent else (),
                                   absent=(classmate.name, MINE, TITLE_MINE))],
        "wellbeing:wake": child_probes("wellbeing:wake", w["night"]),
        "wellbeing:phone_request": child_probes("wellbeing:phone_request"),
        "wellbeing:class_sleep": class_probes("wellbeing:class_sleep", present=(child.name, "21:30")),
        "wellbeing:activity": class_probes("wellbeing:activity") + [
            Probe(reverse("wellbeing:activity", args=[own.pk]), method="post", data=grid,
                  status=status(class_visible, records, 302)),
        ],
        "wellbeing:dashboard": [
            Probe(reverse("wellbeing:dashboard"), status=200 if staff else 403,
                  absent=() if district else (w["other"].name,)),
            Probe(reverse("wellbeing:dashboard"), data={"school": w["other"].pk, "grade": 3},
                  status=200 if staff else 403, present=(foreign_class.name,) if district else (),
                  absent=() if district else (w["other"].name, foreign_class.name)),
        ],
        "wellbeing:phones": [
            Probe(reverse("wellbeing:phones"), status=200 if staff else 403,
                  present=(classmate.name, MINE) if pupils_visible else (),
                  absent=(FOREIGN, foreign.student.name) if not district else ()),
            Probe(reverse("wellbeing:phones"), data={"school": w["other"].pk},
                  status=200 if district else 404 if staff else 403, absent=absent_other if staff else ()),
            Probe(reverse("wellbeing:phones"), method="post",
                  data={"school": w["main"].pk, "text": "规定", "storage": "手机柜", "effective_from": "2026-09-01"},
                  status=302 if role in (Role.PRINCIPAL, Role.ACADEMIC_OFFICE) else 403),
        ],
        "wellbeing:phone_decide": [
            Probe(reverse("wellbeing:phone_decide", args=[mine.pk]), method="post", data={"decision": "approve"},
                  status=status(pupils_visible, decides, 302)),
            Probe(reverse("wellbeing:phone_decide", args=[foreign.pk]), method="post", data={"decision": "approve"},
                  status=403 if district else 404, absent=(FOREIGN,)),
            Probe(reverse("wellbeing:phone_decide", args=[NO_SUCH_ID]), method="post", status=404),
        ],
        "wellbeing:reading": [
            Probe(reverse("wellbeing:reading"), status=200 if staff else 403,
                  present=(TITLE_MINE,) if staff else (), absent=(TITLE_FOREIGN,) if not district else ()),
            Probe(reverse("wellbeing:reading"), method="post", status=302 if staff_of_main else 403,
                  data={"title": "新书", "author": "乙", "publisher": "出版社", "grades": [7], "reason": "好书",
                        "school": w["main"].pk}),
        ],
        "wellbeing:reading_detail": [
            Probe(reverse("wellbeing:reading_detail", args=[title.pk]), status=200 if staff else 404,
                  present=(TITLE_MINE,) if staff else (), absent=() if staff else (TITLE_MINE,)),
            Probe(reverse("wellbeing:reading_detail", args=[title_out.pk]), status=200 if district else 404,
                  absent=() if district else (TITLE_FOREIGN,)),
            Probe(reverse("wellbeing:reading_detail", args=[NO_SUCH_ID]), status=404),
        ],
        "wellbeing:reading_decide": [
            # the next step is 评议: the school's principal or academic office
            Probe(reverse("wellbeing:reading_decide", args=[title.pk]), method="post",
                  data={"decision": "pass", "reason": "同意"},
                  status=status(staff, role in (Role.PRINCIPAL, Role.ACADEMIC_OFFICE), 302)),
            Probe(reverse("wellbeing:reading_decide", args=[title_out.pk]), method="post",
                  data={"decision": "pass", "reason": "同意"}, status=403 if district else 404),
            Probe(reverse("wellbeing:reading_decide", args=[NO_SUCH_ID]), method="post", status=404),
        ],
    }
