"""Numbers of the exam pages as people read them, and the teacher's latest results for the home page."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tisheng.assessments.home import latest_results

register = template.Library()


@register.filter
def pct(value, places: int = 1) -> str:
    """0.753 → 75.3%; nothing → –."""
    if value is None or value == "":
        return "–"
    return f"{100 * float(value):.{places}f}%"


@register.filter
def num(value, places: int = 1) -> str:
    if value is None or value == "":
        return "–"
    return f"{float(value):.{places}f}"


@register.filter
def signed(value, places: int = 2) -> str:
    """+0.12 / −0.30, with a real minus sign; nothing → –."""
    if value is None or value == "":
        return "–"
    text = f"{float(value):+.{places}f}"
    return text.replace("-", "−")


@register.filter
def points(value) -> str:
    """A score as marked: 12, 12.5 (no trailing zeros)."""
    if value is None or value == "":
        return "–"
    return f"{float(value):g}"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def subgroup_label(code: str) -> str:
    """sex:M → 男生, boarding:1 → 寄宿生 …"""
    labels = {
        "sex:M": _("Boys"), "sex:F": _("Girls"), "boarding:1": pgettext("subgroup", "Boarding"), "boarding:0": _("Day pupils"),
        "left_behind:1": pgettext("subgroup", "Left-behind"), "left_behind:0": _("Not left-behind"),
    }
    return labels.get(code, code)


@register.simple_tag(takes_context=True)
def teacher_results(context):
    """The latest results of the signed-in teacher's classes (``home.latest_results``)."""
    request = context.get("request")
    return latest_results(request.user) if request else []
