"""Forms of the homework pages. Every message is plain language; nothing is written until all rows are valid."""

from datetime import date, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tisheng.homework.actions import ItemData
from tisheng.homework.models import MAX_ITEM_MINUTES, Category, Finished, Kind, Layer, Plan
from tisheng.homework.queries import week_days
from tisheng.homework.rules import SchoolRules


class ItemForm(forms.Form):
    """One piece of homework on one day. A row left empty (no content, no minutes) is ignored."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    date = forms.DateField(required=False, widget=forms.HiddenInput)
    content = forms.CharField(label=_("Homework"), required=False, max_length=500,
                              widget=forms.TextInput(attrs={"placeholder": _("e.g. workbook p. 12, exercises 1–4")}))
    kind = forms.ChoiceField(label=_("Form"), choices=Kind.choices, initial=Kind.WRITTEN)
    category = forms.ChoiceField(label=_("Type"), choices=Category.choices, initial=Category.BASIC)
    layer = forms.ChoiceField(label=_("Layer"), choices=Layer.choices, required=False)
    minutes = forms.IntegerField(label=_("Minutes (tried)"), required=False, min_value=1, max_value=MAX_ITEM_MINUTES,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "minutes"}))

    def __init__(self, *args, plan: Plan, rules: SchoolRules, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.rules = plan, rules

    @property
    def is_empty(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("content") and not data.get("minutes")

    def clean(self):
        data = super().clean()
        if self.is_empty:
            return data
        if not data.get("content"):
            self.add_error("content", _("Say what the homework is."))
        if not data.get("minutes"):
            self.add_error("minutes", _("Give the minutes it took you to do it (试做)."))
        day = data.get("date")
        if day not in week_days(self.plan.week):
            raise ValidationError(_("Choose a day of the plan's week."))
        grade = self.plan.school_class.grade
        if data.get("kind") == Kind.WRITTEN:
            if not self.rules.written_at_home_allowed(grade, day):
                self.add_error("kind", _("Grades 1 and 2 get no written homework to do at home (双减); "
                                         "give practical homework or practise in class."))
            elif self.rules.written_forbidden_in(self.plan.subject.code, grade, day):
                self.add_error("kind", _("The school gives no written homework in %(subject)s.")
                               % {"subject": self.plan.subject.name})
        return data

    def item(self) -> ItemData:
        d = self.cleaned_data
        return ItemData(d["date"], d["content"].strip(), d["kind"], d["category"], d.get("layer") or "",
                        d["minutes"], d.get("id"))


class BaseItemFormSet(forms.BaseFormSet):
    def items(self) -> list[ItemData]:
        return [f.item() for f in self.forms if f not in self.deleted_forms and not f.is_empty]


ItemFormSet = forms.formset_factory(ItemForm, formset=BaseItemFormSet, extra=0, can_delete=True, max_num=200,
                                    validate_max=True)


def stored_items(plan: Plan) -> list[ItemData]:
    return [ItemData(i.date, i.content, i.kind, i.category, i.layer, i.minutes, i.pk) for i in plan.items.all()]


def item_formset(plan: Plan, rules: SchoolRules, data=None, items=None) -> BaseItemFormSet:
    """The week's rows: the plan's items (or ``items``, e.g. copied from last week), then one empty row a day.
    With ``data`` (a POST) the rows are the ones sent."""
    initial = None
    if data is None:
        source = items if items is not None else stored_items(plan)
        initial = [{"id": i.id, "date": i.date, "content": i.content, "kind": i.kind, "category": i.category,
                    "layer": i.layer, "minutes": i.minutes} for i in source]
        initial += [{"date": day, "kind": Kind.WRITTEN, "category": Category.BASIC} for day in week_days(plan.week)]
    return ItemFormSet(data, initial=initial, prefix="items", form_kwargs={"plan": plan, "rules": rules})


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return")),
                                          ("publish", _("Publish"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the plan is returned, so that the teacher knows what to change."))
        return data


MINUTE_CHOICES = [(m, str(m)) for m in (0, 15, 30, 45, 60, 75, 90, 105, 120, 150, 180)]
BEDTIME_CHOICES = [(t, t) for t in ("20:00", "20:30", "21:00", "21:30", "22:00", "22:30", "23:00", "23:30", "00:00")]


class FeedbackForm(forms.Form):
    """A family's answer in a few taps: chips for the minutes, where it was finished and the bedtime."""

    minutes = forms.TypedChoiceField(label=_("How long did today's written homework take (minutes)?"), coerce=int,
                                     choices=MINUTE_CHOICES, widget=forms.RadioSelect)
    finished = forms.ChoiceField(label=_("Was it finished?"), choices=Finished.choices, widget=forms.RadioSelect)
    bedtime = forms.TypedChoiceField(label=_("Bedtime"), required=False, empty_value=None,
                                     coerce=lambda v: time.fromisoformat(v), choices=BEDTIME_CHOICES,
                                     widget=forms.RadioSelect)

    @classmethod
    def for_answer(cls, answer, **kwargs):
        initial = None
        if answer is not None:
            minutes = min((m for m, _label in MINUTE_CHOICES), key=lambda m: abs(m - (answer.minutes or 0)))
            initial = {"minutes": minutes, "finished": answer.finished,
                       "bedtime": answer.bedtime.strftime("%H:%M") if answer.bedtime else None}
        return cls(initial=initial, **kwargs)


class CountForm(forms.Form):
    """The head teacher's count of pupils who finished their written homework in school."""

    date = forms.DateField(widget=forms.HiddenInput)
    finished_in_school = forms.IntegerField(label=_("Finished in school"), min_value=0, max_value=999,
                                            widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "minutes"}))

    def __init__(self, *args, students: int | None = None, days: list[date] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.students, self.days = students, days

    def clean(self):
        data = super().clean()
        if data.get("date") not in self.days:
            raise ValidationError(_("Choose a day of this week up to today."))
        n = data.get("finished_in_school")
        if n is not None and self.students is not None and n > self.students:
            self.add_error("finished_in_school", _("The class has only %(n)d pupils.") % {"n": self.students})
        return data
