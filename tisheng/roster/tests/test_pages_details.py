"""Detail pages: the related lists, personal data masked for those who do not need it, 404 outside the scope."""

from datetime import date

from django.db.models import Count
from django.urls import reverse

from tisheng.accounts.scope import visible
from tisheng.roster.models import (
    ClassMembership,
    Guardianship,
    HeadTeacher,
    School,
    SchoolClass,
    Student,
    Teacher,
    TeachingAssignment,
)
from tisheng.roster.queries import mask_id_card, mask_phone


def own_class(world):
    return visible(world.logins["head_teacher"], SchoolClass).get()


def test_masks():
    assert mask_id_card("370102200901011234") == "3701**********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_card("") == "" and mask_phone("") == ""


def test_class_page_has_head_teacher_teachers_per_subject_and_students(world, client_for):
    school_class = own_class(world)
    body = client_for("head_teacher").get(reverse("roster:class_detail", args=[school_class.pk])).content.decode()
    head = HeadTeacher.objects.get(school_class=school_class, term=world.term)
    assert head.teacher.person.name in body
    for a in TeachingAssignment.objects.filter(school_class=school_class, term=world.term).select_related("subject", "teacher__person"):
        assert a.subject.name in body and a.teacher.person.name in body
    members = ClassMembership.objects.filter(school_class=school_class, term=world.term, left_on__isnull=True)
    for m in members.select_related("student"):
        assert m.student.student_no in body
    listed = (f'?school={school_class.school_id}&amp;grade={school_class.grade}&amp;number={school_class.number}">'
              f'<span class="stat-value">{members.count()}<')
    assert listed in body


def test_class_of_another_school_is_404_for_a_principal(world, client_for):
    user = world.logins["principal"]
    other = SchoolClass.objects.exclude(pk__in=visible(user, SchoolClass)).first()
    response = client_for("principal").get(reverse("roster:class_detail", args=[other.pk]))
    assert response.status_code == 404
    assert other.school.name not in response.content.decode()
    assert "找不到这个页面" in response.content.decode()


def test_student_page_masks_id_and_phones_for_bureau_staff_but_not_for_the_head_teacher(world, client_for):
    school_class = own_class(world)
    pupil = (Student.objects.filter(memberships__school_class=school_class, memberships__term=world.term,
                                    memberships__left_on__isnull=True).exclude(id_card_no="")
             .filter(guardianships__guardian__phone__gt="").first())
    phone = Guardianship.objects.filter(student=pupil).exclude(guardian__phone="").first().guardian.phone
    url = reverse("roster:student_detail", args=[pupil.pk])

    # (the demo's 学籍号 is G + the ID number, as the national 学籍号 often is: look at the ID field itself)
    def id_field(body):
        return body.split("身份证号</dt>")[1].split("</dd>")[0]

    staff = client_for("bureau_staff").get(url).content.decode()
    assert id_field(staff).endswith(mask_id_card(pupil.id_card_no))
    assert mask_phone(phone) in staff and phone not in staff

    head = client_for("head_teacher").get(url).content.decode()
    assert id_field(head).endswith(pupil.id_card_no) and phone in head

    admin = client_for("bureau_admin").get(url).content.decode()
    assert id_field(admin).endswith(pupil.id_card_no)
    assert phone not in admin  # the bureau needs the 学籍, not the parents' numbers


def test_student_page_shows_the_class_history(world, client_for):
    moved = (ClassMembership.objects.filter(student__school__district=world.district)
             .values("student").annotate(n=Count("pk"))
             .filter(n__gt=1).order_by("student").values_list("student", flat=True).first())
    body = client_for("bureau_admin").get(reverse("roster:student_detail", args=[moved])).content.decode()
    history = ClassMembership.objects.filter(student_id=moved).select_related("term__academic_year", "school_class")
    for m in history.filter(term__start_date__lte=date.today()):
        assert str(m.term) in body and m.school_class.name in body
    for m in history.filter(term__start_date__gt=date.today()):  # next term's class is not history yet
        assert str(m.term) not in body


def test_parent_sees_the_own_child_and_nothing_of_the_classmates(world, client_for):
    user = world.logins["parent"]
    child = visible(user, Student).get()
    client = client_for("parent")
    body = client.get(reverse("roster:student_detail", args=[child.pk])).content.decode()
    assert child.name in body and child.student_no in body
    membership = child.membership_on(world.term)
    classmate = (Student.objects.filter(memberships__school_class=membership.school_class, memberships__term=world.term)
                 .exclude(pk=child.pk).first())
    assert client.get(reverse("roster:student_detail", args=[classmate.pk])).status_code == 404
    assert client.get(reverse("roster:class_detail", args=[membership.school_class_id])).status_code == 404
    assert client.get(reverse("roster:school_detail", args=[child.school_id])).status_code == 404
    head = HeadTeacher.objects.get(school_class=membership.school_class, term=world.term)
    assert client.get(reverse("roster:teacher_detail", args=[head.teacher_id])).status_code == 404
    assert f'href="{reverse("roster:class_detail", args=[membership.school_class_id])}"' not in body


def test_teacher_page_shows_subjects_title_and_assignments(world, client_for):
    teacher = Teacher.objects.get(person_id=world.logins["teacher"].person_id)
    body = client_for("teacher").get(reverse("roster:teacher_detail", args=[teacher.pk])).content.decode()
    assert teacher.staff_no in body and teacher.get_title_display() in body
    for a in TeachingAssignment.objects.filter(teacher=teacher, term=world.term).select_related("subject", "school_class"):
        assert a.subject.name in body and a.school_class.name in body
    colleague = Teacher.objects.filter(school=teacher.school).exclude(
        pk__in=visible(world.logins["teacher"], Teacher)).first()
    assert client_for("teacher").get(reverse("roster:teacher_detail", args=[colleague.pk])).status_code == 404


def test_school_page_counts_link_to_the_filtered_lists(world, client_for):
    user = world.logins["principal"]
    school = visible(user, School).order_by("code").first()
    body = client_for("principal").get(reverse("roster:school_detail", args=[school.pk])).content.decode()
    enrolled = visible(user, Student).filter(school=school, active=True).count()
    assert f'href="/roster/students/?school={school.pk}"><span class="stat-value">{enrolled}<' in body
    assert f'?school={school.pk}&amp;grade=' in body


def test_unknown_ids_are_404(client_for):
    client = client_for("bureau_admin")
    for name in ("roster:school_detail", "roster:class_detail", "roster:student_detail", "roster:teacher_detail"):
        assert client.get(reverse(name, args=[999_999_999])).status_code == 404


def test_english_class_page_names_subjects_and_classes_in_english(world, client_for):
    school_class = own_class(world)
    client = client_for("head_teacher")
    client.cookies["django_language"] = "en"
    body = client.get(reverse("roster:class_detail", args=[school_class.pk])).content.decode()
    assert f"Grade {school_class.grade} Class {school_class.number}" in body and "Teachers by subject" in body
    for a in TeachingAssignment.objects.filter(school_class=school_class, term=world.term).select_related("subject"):
        assert f"<td>{a.subject.name_en}</td>" in body
