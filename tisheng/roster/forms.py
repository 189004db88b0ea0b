"""The filter bars of the roster lists. Choices come from what the user may see: a school dropdown must not
name schools outside the scope. A value that does not validate is reported and left out of the filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tisheng.dashboard.navigation import subject_label
from tisheng.roster import queries
from tisheng.roster.models import AcademicYear, School, Sex, Subject, Teacher, grade_name

YES_NO = [("", _("All")), ("yes", _("Yes")), ("no", _("No"))]


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SubjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return subject_label(obj)


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50, widget=forms.SearchInput)
    search_hint = ""

    # (value, label, order_by) — the first is the default. Names are not sorted: without a pinyin
    # collation, sorting Chinese names by code point means nothing to a reader.
    sort_options: list[tuple[str, str, tuple[str, ...]]] = []

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        if "school" in self.fields:
            self.fields["school"].queryset = queries.schools(user).order_by("code")
        if "sort" in self.fields:
            self.fields["sort"].choices = [(value, label) for value, label, _order in self.sort_options]
        self.fields["q"].widget.attrs["placeholder"] = self.search_hint

    def values(self) -> dict:
        """The valid filters (an invalid one is dropped and its error shown next to it)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}

    def order_by(self) -> tuple[str, ...]:
        chosen = self.values().get("sort")
        for value, _label, order in self.sort_options:
            if value == chosen:
                return order
        return self.sort_options[0][2]

    def described(self) -> dict[str, str]:
        """The applied filters in words, for the audit entry of an export ("学校: 青山区实验中学")."""
        described = {}
        for name, value in self.values().items():
            field = self.fields[name]
            if hasattr(field, "choices") and not isinstance(field, forms.ModelChoiceField):
                value = dict(field.choices).get(value, value)
            described[str(field.label)] = str(value)
        return described


def grade_choices():
    return [("", _("All grades"))] + [(g, grade_name(g)) for g in range(1, 10)]


class StudentFilterForm(FilterForm):
    STATUS = [("enrolled", _("Enrolled")), ("left", _("Left the school")), ("all", _("All"))]
    school = SchoolChoiceField(label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("All schools"))
    grade = forms.TypedChoiceField(label=_("Grade"), choices=grade_choices, coerce=int, required=False)
    number = forms.IntegerField(label=_("Class"), min_value=1, max_value=99, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("All"))] + Sex.choices, required=False)
    boarding = forms.ChoiceField(label=_("Boarding"), choices=YES_NO, required=False)
    left_behind = forms.ChoiceField(label=_("Left-behind"), choices=YES_NO, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS, required=False)
    sort = forms.ChoiceField(label=_("Order"), required=False)

    search_hint = _("Name or student number")
    sort_options = [
        ("class", _("By class"), ("school__code", "grade", "class_number", "student_no")),
        ("student_no", _("By student number"), ("student_no",)),
        ("birth_date", _("By birth date"), ("birth_date", "student_no")),
    ]


class ClassFilterForm(FilterForm):
    school = SchoolChoiceField(label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("All schools"))
    grade = forms.TypedChoiceField(label=_("Grade"), choices=grade_choices, coerce=int, required=False)
    year = forms.ModelChoiceField(label=_("Academic year"), queryset=AcademicYear.objects.order_by("-start_year"),
                                  required=False, empty_label=_("Current year"))
    sort = forms.ChoiceField(label=_("Order"), required=False)

    sort_options = [
        ("class", _("By school and class"), ("school__code", "grade", "number")),
        ("grade", _("By grade"), ("grade", "school__code", "number")),
    ]

    search_hint = _("Head teacher's name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Head teacher")


class TeacherFilterForm(FilterForm):
    STATUS = [("active", _("Working")), ("left", _("No longer working")), ("all", _("All"))]
    school = SchoolChoiceField(label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("All schools"))
    subject = SubjectChoiceField(label=_("Subject"), queryset=Subject.objects.all(), required=False, empty_label=_("All subjects"))
    title = forms.ChoiceField(label=_("Title"), choices=[("", _("All"))] + Teacher.Title.choices, required=False)
    honour = forms.ChoiceField(label=_("Honour"), choices=[("", _("All")), ("any", _("Any honour"))]
                               + [c for c in Teacher.Honour.choices if c[0]], required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("All"))] + Sex.choices, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS, required=False)
    sort = forms.ChoiceField(label=_("Order"), required=False)

    search_hint = _("Name or staff number")
    sort_options = [
        ("staff_no", _("By staff number"), ("staff_no",)),
        ("school", _("By school"), ("school__code", "staff_no")),
    ]


class SchoolFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds"))] + School.Kind.choices, required=False)
    sort = forms.ChoiceField(label=_("Order"), required=False)

    search_hint = _("Name or school code")
    sort_options = [
        ("code", _("By school code"), ("code",)),
        ("kind", _("By kind"), ("kind", "code")),
    ]
