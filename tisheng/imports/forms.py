from django import forms
from django.utils.translation import gettext_lazy as _

from tisheng.imports.problems import MESSAGES
from tisheng.imports.queries import importable_schools, imports_district_wide
from tisheng.imports.reading import MAX_BYTES
from tisheng.roster.models import School


class UploadForm(forms.Form):
    """Which import, for which school, and the file. Only kinds and schools within the user's scope are offered."""

    kind = forms.ChoiceField(label=_("What to import"))
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none(), required=False)
    file = forms.FileField(
        label=_("File"), help_text=_("An Excel workbook (.xlsx or .xls) or a CSV file, at most 40 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv,.txt"}),
    )

    def __init__(self, *args, user, specs, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.specs = {spec.kind: spec for spec in specs}
        self.fields["kind"].choices = [(spec.kind, spec.label) for spec in specs]
        schools = School.objects.none()
        for spec in specs:
            schools = schools | importable_schools(user, spec)
        self.fields["school"].queryset = schools.distinct().order_by("code")
        self.district_wide = any(imports_district_wide(user, spec) for spec in specs)
        if self.district_wide:
            self.fields["school"].empty_label = _("Several schools: the file's 学校 column says which")
            self.fields["school"].help_text = _("Choose a school, or leave this for a file with a 学校 column.")
        else:
            self.fields["school"].required = True
            self.fields["school"].empty_label = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(MESSAGES["file_too_big"], params={"max_mb": MAX_BYTES // (1024 * 1024)})
        return upload

    def clean(self):
        data = super().clean()
        spec = self.specs.get(data.get("kind"))
        school = data.get("school")
        if spec is None:
            return data
        if school is not None and not importable_schools(self.user, spec).filter(pk=school.pk).exists():
            # The same words as for a school that does not exist: no hint that it does.
            self.add_error("school", forms.ModelChoiceField.default_error_messages["invalid_choice"])
        elif school is None and not imports_district_wide(self.user, spec):
            self.add_error("school", forms.Field.default_error_messages["required"])
        data["spec"] = spec
        return data
