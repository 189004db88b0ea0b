"""Template tags of the shell: the menu and the role line of the signed-in user."""

from django import template

from tisheng.dashboard import navigation
from tisheng.roster.models import class_name, grade_name

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_items(context):
    request = context.get("request")
    return navigation.nav_items(request.user, request.path) if request else []


@register.simple_tag(takes_context=True)
def role_lines(context):
    request = context.get("request")
    return navigation.role_lines(request.user) if request else []


@register.filter
def minutes(delta) -> int:
    """A timedelta as whole minutes (the login cool-off)."""
    return int(delta.total_seconds() // 60) if delta else 0


@register.simple_tag
def class_label(grade, number) -> str:
    """七年级3班 (Grade 7 Class 3 in English) from a grade and a class number; empty when there is none."""
    return class_name(grade, number) if grade and number else ""


@register.filter(name="grade_name")
def grade_name_filter(grade) -> str:
    return grade_name(grade) if grade else ""


@register.filter
def subject_label(subject) -> str:
    return navigation.subject_label(subject)


@register.simple_tag
def list_sep() -> str:
    return navigation.list_sep()
