"""The filters of the roster lists, applied to already scoped querysets (``queries``) with a validated form."""

from django.db.models import F, Q, QuerySet

YES = {"yes": True, "no": False}


def ordered(qs: QuerySet, fields: tuple[str, ...]) -> QuerySet:
    """Order by ``fields`` ascending; rows without a value (a pupil without a class this term) come last."""
    return qs.order_by(*(F(f).asc(nulls_last=True) for f in fields))


def filter_students(qs: QuerySet, f: dict) -> QuerySet:
    if q := f.get("q"):
        qs = qs.filter(Q(name__contains=q) | Q(student_no__startswith=q))
    if school := f.get("school"):
        qs = qs.filter(school=school)
    if grade := f.get("grade"):
        qs = qs.filter(grade=grade)
    if number := f.get("number"):
        qs = qs.filter(class_number=number)
    if sex := f.get("sex"):
        qs = qs.filter(sex=sex)
    if (boarding := f.get("boarding")) in YES:
        qs = qs.filter(boarding=YES[boarding])
    if (left_behind := f.get("left_behind")) in YES:
        qs = qs.filter(left_behind=YES[left_behind])
    status = f.get("status", "enrolled")
    if status != "all":
        qs = qs.filter(active=status == "enrolled")
    return qs


def filter_classes(qs: QuerySet, f: dict) -> QuerySet:
    if q := f.get("q"):  # classes are found by their head teacher's name
        qs = qs.filter(head_teachers__teacher__person__name__contains=q).distinct()
    if school := f.get("school"):
        qs = qs.filter(school=school)
    if grade := f.get("grade"):
        qs = qs.filter(grade=grade)
    return qs


def filter_teachers(qs: QuerySet, f: dict) -> QuerySet:
    if q := f.get("q"):
        qs = qs.filter(Q(person__name__contains=q) | Q(staff_no__startswith=q))
    if school := f.get("school"):
        qs = qs.filter(school=school)
    if subject := f.get("subject"):
        qs = qs.filter(subjects=subject)
    if title := f.get("title"):
        qs = qs.filter(title=title)
    if honour := f.get("honour"):
        qs = qs.exclude(honour="") if honour == "any" else qs.filter(honour=honour)
    if sex := f.get("sex"):
        qs = qs.filter(person__sex=sex)
    status = f.get("status", "active")
    if status != "all":
        qs = qs.filter(active=status == "active")
    return qs


def filter_schools(qs: QuerySet, f: dict) -> QuerySet:
    if q := f.get("q"):
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    if kind := f.get("kind"):
        qs = qs.filter(kind=kind)
    return qs
