"""The upload of a school's (or the district's) own Word template for a report kind.

A template is accepted only if the pipeline can fill it in: a real .docx (a zip holding word/document.xml)
under ``MAX_TEMPLATE_BYTES``, whose Jinja tags docxtpl compiles, and which asks only for data the kind's
shipped template asks for (the kind's ``gather`` provides those names; any other would print empty or fail).
"""

import io
import zipfile

from django import forms
from django.utils.translation import gettext_lazy as _

from tisheng.reports.registry import ReportKind

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024  # a Word template with a logo or two is well under this


def template_variables(source) -> set[str]:
    """The top-level names a docxtpl template reads (loop variables excluded). Raises on a broken template."""
    from docxtpl import DocxTemplate

    return DocxTemplate(source).get_undeclared_template_variables()


class WordTemplateForm(forms.Form):
    file = forms.FileField(label=_("Word template (.docx)"))

    def __init__(self, *args, kind: ReportKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(_("The file is larger than %(max_mb)d MB."),
                                        params={"max_mb": MAX_TEMPLATE_BYTES // (1024 * 1024)})
        content = upload.read()
        upload.seek(0)
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                is_word = "word/document.xml" in archive.namelist()
        except zipfile.BadZipFile:
            is_word = False
        if not is_word:
            raise forms.ValidationError(_("This is not a Word document (.docx). Save it in Word or WPS as .docx."))
        try:
            used = template_variables(io.BytesIO(content))
        except Exception as error:  # docxtpl/Jinja: a tag that does not close, an unknown filter, …
            raise forms.ValidationError(
                _("The template's tags cannot be read (%(error)s). Check the {{ … }} and {%% … %%} tags."),
                params={"error": str(error)[:200]},
            ) from None
        unknown = sorted(used - template_variables(str(self.kind.docx)))
        if unknown:
            raise forms.ValidationError(
                _("The template uses data this report does not provide: %(names)s. Use the names of the "
                  "shipped template."),
                params={"names": ", ".join(unknown)},
            )
        return upload
