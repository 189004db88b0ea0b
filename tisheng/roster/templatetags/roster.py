from django import template

from tisheng.roster.queries import shown_student_no

register = template.Library()


@register.simple_tag(takes_context=True)
def student_no(context, obj, class_id=None) -> str:
    """``{% student_no student %}``, ``{% student_no student class_id=c.pk %}`` or ``{% student_no membership %}``:
    the 学籍号 as the signed-in user may see it (the class decides for a head teacher)."""
    user = context["request"].user
    if hasattr(obj, "school_class_id") and hasattr(obj, "student"):
        return shown_student_no(user, obj.student, obj.school_class_id)
    return shown_student_no(user, obj, class_id or getattr(obj, "class_id", None))
