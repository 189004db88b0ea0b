"""Forms of the wellbeing pages. Every message is plain language; nothing is written until every field is valid."""

from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tisheng.roster.models import GRADE_NAMES_ZH, grade_name
from tisheng.wellbeing.models import MAX_DAY_MINUTES

# Chips for the wake-up time: every quarter of an hour from 05:30 to 08:30.
WAKE_CHOICES = [(f"{h:02d}:{m:02d}", f"{h:02d}:{m:02d}") for h in range(5, 9) for m in (0, 15, 30, 45)
                if "05:30" <= f"{h:02d}:{m:02d}" <= "08:30"]


class WakeForm(forms.Form):
    """A family's wake-up time in one tap."""

    wake_time = forms.TypedChoiceField(label=_("Woke up at"), coerce=time.fromisoformat, choices=WAKE_CHOICES,
                                       widget=forms.RadioSelect)


class ActivityDayForm(forms.Form):
    """One school day of the week's grid. A day left empty is not recorded."""

    date = forms.DateField(widget=forms.HiddenInput)
    pe_minutes = forms.IntegerField(label=_("PE lesson"), required=False, min_value=0, max_value=MAX_DAY_MINUTES)
    break_minutes = forms.IntegerField(label=_("Big break"), required=False, min_value=0, max_value=MAX_DAY_MINUTES)
    activity_minutes = forms.IntegerField(label=_("Other activity"), required=False, min_value=0,
                                          max_value=MAX_DAY_MINUTES)
    MINUTES = ("pe_minutes", "break_minutes", "activity_minutes")

    def __init__(self, *args, days=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.days = days
        for name in self.MINUTES:
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "class": "minutes"})

    @property
    def is_empty(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return all(data.get(name) is None for name in self.MINUTES)

    def clean(self):
        data = super().clean()
        if data.get("date") not in self.days:
            raise ValidationError(_("Choose a school day of this week up to today."))
        if not self.is_empty and data.get("pe_minutes") is not None and data.get("break_minutes") is not None:
            total = sum(data.get(name) or 0 for name in self.MINUTES)
            if total > MAX_DAY_MINUTES:
                raise ValidationError(_("More minutes than a school day has (%(n)d).") % {"n": MAX_DAY_MINUTES})
        return data


ActivityFormSet = forms.formset_factory(ActivityDayForm, extra=0, max_num=7, validate_max=True)


def activity_formset(days, rows, data=None):
    """One row per school day of the week up to today, filled with what is recorded."""
    initial = [{"date": d, **({n: getattr(rows[d], n) for n in ActivityDayForm.MINUTES} if d in rows else {})}
               for d in days]
    return ActivityFormSet(data, initial=None if data else initial, prefix="days", form_kwargs={"days": days})


class PhoneRuleForm(forms.Form):
    text = forms.CharField(label=_("The school's rule"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    storage = forms.CharField(label=_("Where phones are kept"), max_length=300)
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))


class PhoneRequestForm(forms.Form):
    """The written application (书面申请) for a child to bring a phone; the parent's consent where the rule asks
    for it (``phone.bring_into_school.exception_requires``)."""

    reason = forms.CharField(label=_("Why does your child need a phone at school?"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 4}))
    parent_consent = forms.BooleanField(label=_("I am the parent and agree that my child brings a phone to school, "
                                                "hands it in as the school's rule says and does not take it into "
                                                "class."))

    def __init__(self, *args, requires=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = "written_application" in requires
        self.fields["parent_consent"].required = "parent_consent" in requires


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", pgettext_lazy("phone application", "Approve")),
                                          ("refuse", pgettext_lazy("phone application", "Refuse"))])
    note = forms.CharField(label=_("Reason"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the application is refused."))
        return data


def grade_choices():
    return [(g, grade_name(g)) for g in GRADE_NAMES_ZH]


class TitleForm(forms.Form):
    """初选: a title proposed for the school's list."""

    title = forms.CharField(label=_("Book title"), max_length=200)
    author = forms.CharField(label=_("Author"), max_length=120)
    publisher = forms.CharField(label=_("Publisher"), max_length=120)
    grades = forms.TypedMultipleChoiceField(label=_("Grades"), coerce=int, choices=grade_choices,
                                            widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("Why this title"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    school = forms.ModelChoiceField(label=_("School"), queryset=None, empty_label=None)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools

    def clean(self):
        data = super().clean()
        school, grades = data.get("school"), data.get("grades")
        if school is not None and grades:
            outside = sorted(set(grades) - set(school.grades))
            if outside:
                self.add_error("grades", _("The school has no grade %(g)s.") % {"g": ", ".join(map(str, outside))})
        return data


class StepForm(forms.Form):
    """A decision on the next step of the procedure, always with its reason."""

    decision = forms.ChoiceField(choices=[("pass", _("Passes this step")), ("reject", _("Not recommended"))])
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
