"""Forms of the assessments pages. Choices come from the user's scope; every problem is named in the user's
language, on its field (or its line, for the items of a paper)."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tisheng.assessments.actions import ItemSpec
from tisheng.assessments.models import Assessment, Item, KnowledgePoint, Paper, Status
from tisheng.roster.models import School, Subject, Term

KIND_WORDS = {"客观": Item.Kind.OBJECTIVE, "客观题": Item.Kind.OBJECTIVE, "选择": Item.Kind.OBJECTIVE,
              "选择题": Item.Kind.OBJECTIVE, "主观": Item.Kind.SUBJECTIVE, "主观题": Item.Kind.SUBJECTIVE,
              "objective": Item.Kind.OBJECTIVE, "subjective": Item.Kind.SUBJECTIVE}
ABILITY_WORDS = {"了解": "know", "识记": "know", "理解": "understand", "掌握": "master", "运用": "apply",
                 "灵活运用": "apply", "应用": "apply"}


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["name", "kind", "term", "date", "grade", "organiser", "school"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, schools, district_wide: bool, grades: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.select_related("academic_year").order_by("-start_date")
        self.fields["grade"] = forms.TypedChoiceField(
            label=_("grade"), coerce=int, choices=[(g, _grade(g)) for g in (grades or range(1, 10))])
        self.fields["school"].queryset = schools
        self.fields["school"].required = False
        organisers = Assessment.Organiser.choices
        if not district_wide:
            organisers = [c for c in organisers if c[0] != Assessment.Organiser.DISTRICT]
        self.fields["organiser"].choices = organisers
        self.fields["school"].empty_label = _("— for the education bureau's assessment —") if district_wide else None

    def clean(self):
        data = super().clean()
        organiser, school, term, day = (data.get(k) for k in ("organiser", "school", "term", "date"))
        if organiser == Assessment.Organiser.DISTRICT:
            data["school"] = None
        elif organiser and school is None:
            self.add_error("school", _("Choose the school."))
        if term and day and not term.start_date <= day <= term.end_date:
            self.add_error("date", _("The date lies outside the term (%(start)s to %(end)s).")
                           % {"start": term.start_date, "end": term.end_date})
        return data


def _grade(g: int) -> str:
    from tisheng.roster.models import grade_name

    return grade_name(g)


class PaperForm(forms.Form):
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=Subject.objects.all())
    full_mark = forms.DecimalField(label=_("Full mark"), min_value=Decimal("1"), max_value=Decimal("1000"),
                                   decimal_places=2)
    items = forms.CharField(
        label=pgettext_lazy("exam", "Items"), required=False, widget=forms.Textarea(attrs={"rows": 12, "class": "mono"}),
        help_text=_("One line per item: number, maximum score, then optionally 客观 or 主观, the codes of its "
                    "knowledge points (comma-separated) and its ability level (了解, 理解, 掌握, 运用). For "
                    "example “1 3 客观 MAT01 了解” or “26(1) 6 主观 MAT05,MAT07 运用”. Columns copied from "
                    "Excel work too. Leave empty for a paper whose scores are imported as totals only."),
    )

    def __init__(self, *args, assessment: Assessment, paper: Paper | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment, self.paper = assessment, paper
        taken = Paper.objects.filter(assessment=assessment).exclude(pk=paper.pk if paper else None)
        self.fields["subject"].queryset = Subject.objects.exclude(pk__in=taken.values("subject_id"))
        if paper is not None:
            self.fields["subject"].disabled = True
            if paper.scores.exists():
                self.fields["items"].disabled = True
                self.fields["items"].help_text = _("The paper has scores: its items can no longer change.")

    def clean(self):
        data = super().clean()
        subject, full, text = data.get("subject"), data.get("full_mark"), data.get("items") or ""
        if subject is None or full is None or self.fields["items"].disabled:
            data["item_specs"] = []
            return data
        points = {kp.code.casefold(): kp.pk for kp in KnowledgePoint.objects.filter(subject=subject)}
        specs, errors, labels = [], [], set()
        for number, line in enumerate(text.splitlines(), start=1):
            tokens = [t for t in re.split(r"[\s\t]+", line.strip()) if t]
            if not tokens:
                continue
            label = tokens[0]
            try:
                maximum = Decimal(tokens[1]) if len(tokens) > 1 else None
            except InvalidOperation:
                maximum = None
            if maximum is None or maximum <= 0:
                errors.append(_("Line %(line)s: “%(text)s” needs a maximum score above 0 after the item number.")
                              % {"line": number, "text": line.strip()})
                continue
            if label in labels:
                errors.append(_("Line %(line)s: item %(item)s is there twice.") % {"line": number, "item": label})
            labels.add(label)
            kind, ability, kps = Item.Kind.SUBJECTIVE, "", []
            for token in tokens[2:]:
                if token in KIND_WORDS:
                    kind = KIND_WORDS[token]
                elif token in ABILITY_WORDS:
                    ability = ABILITY_WORDS[token]
                else:
                    for code in filter(None, re.split(r"[,，、;；]", token)):
                        if code.casefold() not in points:
                            errors.append(_("Line %(line)s: there is no knowledge point “%(code)s” in the %(subject)s "
                                            "catalogue.") % {"line": number, "code": code, "subject": subject})
                        else:
                            kps.append(points[code.casefold()])
            specs.append(ItemSpec(label, maximum, kind, ability, kps))
        if specs and not errors:
            total = sum(s.max_score for s in specs)
            if total != full:
                errors.append(_("The items add up to %(total)s points, but the full mark is %(full)s.")
                              % {"total": f"{total:g}", "full": f"{full:g}"})
        if errors:
            self.add_error("items", errors)
        data["item_specs"] = specs
        return data


def items_text(paper: Paper) -> str:
    """A paper's items in the form's format, to edit them."""
    words = {Item.Kind.OBJECTIVE: "客观", Item.Kind.SUBJECTIVE: "主观"}
    abilities = {"know": "了解", "understand": "理解", "master": "掌握", "apply": "运用"}
    lines = []
    for item in paper.items.prefetch_related("knowledge_points"):
        parts = [item.label, f"{item.max_score:g}", words[item.kind]]
        codes = ",".join(kp.code for kp in item.knowledge_points.all())
        if codes:
            parts.append(codes)
        if item.ability:
            parts.append(abilities[item.ability])
        lines.append(" ".join(parts))
    return "\n".join(lines)


class UploadForm(forms.Form):
    paper = forms.ChoiceField(label=_("Scores of"))
    file = forms.FileField(
        label=_("File"), help_text=_("The marking system's export (.xlsx, .xls or .csv), at most 40 MB. The next "
                                     "page shows how its columns are read."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv,.txt"}),
    )

    def __init__(self, *args, assessment: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        papers = list(assessment.papers.select_related("subject").order_by("subject__order"))
        choices = [(str(p.pk), _("%(subject)s: item scores") % {"subject": p.subject}) for p in papers if p.items.exists()]
        if any(not p.items.exists() for p in papers):
            choices.append(("totals", _("Subject totals (papers without items)")))
        self.fields["paper"].choices = choices


class MappingForm(forms.Form):
    """One choice per column of the file: which field it is, or nothing."""

    def __init__(self, *args, labels: list[str], samples: list[list[str]], targets: list[tuple[str, str]],
                 initial_columns: dict[int, str], sheets: list[str], sheet: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        if len(sheets) > 1:
            self.fields["sheet"] = forms.ChoiceField(label=_("Sheet"), choices=[(s, s) for s in sheets], initial=sheet,
                                                     required=False)
        choices = [("", _("— not imported —")), *targets]
        self.columns = []
        for j, label in enumerate(labels):
            name = f"col_{j}"
            self.fields[name] = forms.ChoiceField(label=label or _("(no header)"), choices=choices, required=False,
                                                  initial=initial_columns.get(j, ""))
            self.columns.append((j, name, [row[j] if j < len(row) else "" for row in samples[:3]]))

    def clean(self):
        data = super().clean()
        chosen: dict[str, str] = {}
        for j, name, _samples in self.columns:
            value = data.get(name)
            if not value:
                continue
            if value in chosen:
                self.add_error(name, _("“%(field)s” is already the column “%(other)s”.")
                               % {"field": dict(self.fields[name].choices)[value], "other": self.fields[chosen[value]].label})
            chosen[value] = name
        if not {"student_no", "name"} & set(chosen):
            raise forms.ValidationError(_("Choose the column of the 学籍号 or of the pupils' names."))
        data["columns"] = {j: data[name] for j, name, _s in self.columns if data.get(name)}
        return data


class CorrectionForm(forms.Form):
    item = forms.ModelChoiceField(label=pgettext_lazy("exam", "Item"), queryset=Item.objects.none(), required=False,
                                  empty_label=_("— the paper's total (a paper without items) —"))
    score = forms.DecimalField(label=_("Correct score"), required=False, min_value=0, decimal_places=2)
    status = forms.ChoiceField(label=_("Or mark the pupil as"), required=False,
                               choices=[("", "—"), *[(s, label) for s, label in Status.choices if s != Status.SAT]])
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             help_text=_("Kept in the record of corrections, e.g. “marking error, item 13 re-marked”."))

    def __init__(self, *args, paper: Paper, **kwargs):
        super().__init__(*args, **kwargs)
        self.paper = paper
        self.fields["item"].queryset = paper.items.all()
        self.fields["item"].label_from_instance = lambda item: _("Item %(label)s (max. %(max)s)") % {
            "label": item.label, "max": f"{item.max_score:g}"}

    def clean(self):
        data = super().clean()
        item, score, status = data.get("item"), data.get("score"), data.get("status")
        if not status and score is None:
            raise forms.ValidationError(_("Give the correct score, or choose a status."))
        if status and score is not None:
            raise forms.ValidationError(_("Give either a score or a status, not both."))
        if score is not None:
            top = item.max_score if item else self.paper.full_mark
            if item is None and self.paper.items.exists():
                self.add_error("item", _("Choose the item: this paper's total is the sum of its items."))
            elif score > top:
                self.add_error("score", _("At most %(max)s points.") % {"max": f"{top:g}"})
        return data


class KnowledgePointsForm(forms.Form):
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=Subject.objects.all())
    lines = forms.CharField(
        label=_("Knowledge points"), widget=forms.Textarea(attrs={"rows": 8, "class": "mono"}),
        help_text=_("One per line: code, then name, e.g. “MAT03 一元一次方程”. An existing code gets the new name."),
    )

    def clean_lines(self):
        rows, errors = [], []
        for number, line in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            parts = line.strip().split(None, 1)
            if not parts:
                continue
            if len(parts) < 2 or len(parts[0]) > 30 or len(parts[1]) > 100:
                errors.append(_("Line %(line)s: write the code (up to 30 characters), a space, then the name (up to "
                                "100).") % {"line": number})
                continue
            rows.append((parts[0], parts[1].strip()))
        if errors:
            raise forms.ValidationError(errors)
        return rows


def school_choices(user):
    """Schools for a school's own assessment: those where the user is principal or academic office (or grade
    leader)."""
    from tisheng.accounts.scope import Scope
    from tisheng.assessments.queries import exam_school_ids

    s = Scope.of(user)
    ids = set(exam_school_ids(s)) | {school for school, _grade in s.grades}
    return School.objects.filter(pk__in=ids).order_by("code")
