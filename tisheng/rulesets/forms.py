import json

from django import forms
from django.utils.translation import gettext_lazy as _

from tisheng.core.rules import defaults
from tisheng.roster.models import School
from tisheng.rulesets.models import RuleOverride


def _same_kind(value, base) -> bool:
    """An override keeps the type of the rule it overrides (a number stays a number, a list a list)."""
    if isinstance(base, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(base, bool)
    if isinstance(base, (int, float)):
        return isinstance(value, (int, float))
    return type(value) is type(base)


class OverrideForm(forms.ModelForm):
    """A district's or a school's own value for a rule, with the date it takes effect."""

    key = forms.ChoiceField(label=_("rule"))
    value_text = forms.CharField(label=_("Value"), help_text=_("A number, true/false, or JSON such as [\"english\"]."))
    grades_text = forms.CharField(label=_("Grades"), required=False, help_text=_("e.g. 1,2 — empty for every grade."))

    class Meta:
        model = RuleOverride
        fields = ["key", "school", "effective_from", "effective_to", "note"]
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}),
            "effective_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, schools, district_wide: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(k, k) for k in defaults().keys()]
        self.fields["school"].queryset = schools
        self.fields["school"].required = not district_wide
        self.fields["school"].empty_label = _("The whole district") if district_wide else None

    def clean_value_text(self):
        text = self.cleaned_data["value_text"].strip()
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text  # a plain word, e.g. a time "21:20", is kept as text

    def clean_grades_text(self):
        text = self.cleaned_data["grades_text"].replace("，", ",").strip()
        if not text:
            return []
        try:
            grades = sorted({int(g) for g in text.split(",") if g.strip()})
        except ValueError:
            raise forms.ValidationError(_("Write grades as numbers 1–9 separated by commas.")) from None
        if any(g < 1 or g > 9 for g in grades):
            raise forms.ValidationError(_("Write grades as numbers 1–9 separated by commas."))
        return grades

    def clean(self):
        data = super().clean()
        key, value = data.get("key"), data.get("value_text")
        base = base_value(key, data.get("grades_text") or []) if key and "value_text" in data else None
        if base is not None and not _same_kind(value, base):
            self.add_error("value_text", _("This rule's value is of another kind (the national value is %(base)s).")
                           % {"base": json.dumps(base, ensure_ascii=False)})
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end <= start:
            self.add_error("effective_to", _("The end date must come after the start date."))
        return data


def base_value(key: str, grades: list[int]):
    """The national (or Tisheng) value of ``key`` for the first grade given, else its first record's."""
    try:
        return defaults().resolve(key, grade=grades[0] if grades else None).value
    except LookupError:  # it differs by grade and no grade was given, or no record covers that grade
        return defaults().records(key)[0]["value"]
