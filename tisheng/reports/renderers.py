"""The three renderers and the chart helper. Each takes a kind's context (``gather``'s dict) and returns bytes.

    render_docx(template_path, context)   Word from a docxtpl template (Jinja tags in an ordinary .docx)
    render_pdf(typst_template, context)   PDF from a typst template; the context arrives as JSON in
                                          ``sys.inputs.data`` (``#let data = json(bytes(sys.inputs.data))``)
    render_xlsx(builder, context)         Excel: ``builder(book, context, styles)`` writes sheets with XlsxWriter
    chart_png(chart) / chart_svg(chart)   a ``Chart`` drawn by matplotlib with a Chinese font

A ``Chart`` in the context is drawn by each renderer in its own way: a PNG picture in Word, a vector SVG in
the PDF; in Excel the builder draws a native chart from the cells with ``native_chart``.

Chinese needs a CJK font (Debian's fonts-noto-cjk); without one, Chinese would come out as boxes, so the PDF
and chart renderers refuse to run and say so (``ReportError``) instead.
"""

import io
import json
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_noop

from tisheng.reports.registry import ReportError

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC")
NO_CJK_FONT = gettext_noop(
    "No Chinese font is installed on the server, so Chinese would print as empty boxes. "
    "Ask the administrator to install the Noto CJK fonts (Debian package fonts-noto-cjk)."
)
OFFLINE_ONLY = gettext_noop("The report template asks for a typst package from the internet, which is not allowed.")
# Series colours: blue and red for boys and girls, as school statistics usually show them.
PALETTE = ("#2f6fb0", "#d0543f", "#5b9a4a", "#d99a2b", "#7a5ea8", "#4a9fa8")
# Word and Excel: the fonts every Chinese office has (宋体 body, 黑体 headings); Latin text in Times New Roman.
OFFICE_FONT = "宋体"


@dataclass(frozen=True)
class Chart:
    """A simple chart: categories along one axis, one or more series of numbers."""

    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]  # (name, one value per category)
    kind: str = "column"  # "column" (vertical bars), "bar" (horizontal bars) or "line"
    stacked: bool = False
    value_label: str = ""  # the value axis's title, e.g. "人数"
    width_mm: float = 150
    height_mm: float = 70


# --- charts ----------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _matplotlib_font() -> str:
    from matplotlib import font_manager

    def installed() -> str | None:
        for family in CJK_FAMILIES:
            try:
                font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
                return family
            except ValueError:
                continue
        return None

    family = installed()
    if family is None:
        # matplotlib lists the fonts once, into a cache file kept across runs: fonts installed later (as the
        # message asks) are looked for here, or they would stay unseen until that file is deleted.
        for path in font_manager.findSystemFonts():
            if "CJK" in Path(path).name:
                font_manager.fontManager.addfont(path)
        family = installed()
    if family is None:
        raise ReportError(NO_CJK_FONT)
    return family


def _draw(chart: Chart, **savefig) -> None:
    """Draw ``chart`` with matplotlib and save it (``savefig``'s arguments), all with the CJK font."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    family = _matplotlib_font()
    with plt.rc_context({
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,  # the CJK fonts lack U+2212: a minus would be a box
        "svg.fonttype": "path",  # glyphs as outlines: the SVG needs no font where it is drawn
        "font.size": 9,
    }):
        figure = Figure(figsize=(chart.width_mm / 25.4, chart.height_mm / 25.4), layout="constrained")
        ax = figure.subplots()
        count = len(chart.categories)
        positions = list(range(count))
        many = len(chart.series)
        width = 0.8 if chart.stacked or many == 1 else 0.8 / many
        bottoms = [0.0] * count
        for i, (name, values) in enumerate(chart.series):
            color = PALETTE[i % len(PALETTE)]
            values = [float(v or 0) for v in values]
            if chart.kind == "line":
                ax.plot(positions, values, marker="o", color=color, label=name)
                continue
            offsets = positions if chart.stacked or many == 1 else [p - 0.4 + width * (i + 0.5) for p in positions]
            draw = ax.barh if chart.kind == "bar" else ax.bar
            base = {"left": bottoms} if chart.kind == "bar" else {"bottom": bottoms}
            bars = draw(offsets, values, width, color=color, label=name, **(base if chart.stacked else {}))
            if not chart.stacked:
                ax.bar_label(bars, fmt="%g", padding=2, fontsize=7)
            bottoms = [b + v for b, v in zip(bottoms, values)]
        if chart.kind == "bar":
            ax.set_yticks(positions, chart.categories)
            ax.invert_yaxis()
            ax.set_xlabel(chart.value_label)
        else:
            ax.set_xticks(positions, chart.categories)
            ax.set_ylabel(chart.value_label, rotation=0, ha="right", va="center")  # Chinese reads upright
        ax.set_title(chart.title, fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
        ax.margins(y=0.12) if chart.kind != "bar" else ax.margins(x=0.12)
        if many > 1:
            ax.legend(frameon=False, fontsize=8)
        figure.savefig(**savefig)  # inside the rc context: fonts are looked up when the text is drawn


def chart_png(chart: Chart, dpi: int = 200) -> bytes:
    buffer = io.BytesIO()
    _draw(chart, fname=buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def chart_svg(chart: Chart) -> str:
    buffer = io.StringIO()
    _draw(chart, fname=buffer, format="svg")
    return buffer.getvalue()


def _convert(value, chart):
    """The context with every Chart replaced by ``chart(value)``, lazy strings made strings."""
    if isinstance(value, Chart):
        return chart(value)
    if isinstance(value, dict):
        return {k: _convert(v, chart) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_convert(v, chart) for v in value]
    if isinstance(value, Promise):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return _convert(asdict(value), chart)
    return value


# --- Word ------------------------------------------------------------------------------------------------
def render_docx(template_path, context: dict) -> bytes:
    """``template_path``: a shipped template's Path, or a binary stream (an uploaded template)."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    template = DocxTemplate(template_path if hasattr(template_path, "read") else str(template_path))
    filled = _convert(context, lambda c: InlineImage(template, io.BytesIO(chart_png(c)), width=Mm(c.width_mm)))
    template.render(filled, autoescape=True)  # autoescape: a name with "&" or "<" must not break the XML
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _typst_fonts():
    import typst

    fonts = typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)
    if not set(CJK_FAMILIES) & set(fonts.families()):
        raise ReportError(NO_CJK_FONT)
    return fonts


def _json_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} cannot go into a report's data")


def render_pdf(typst_template: Path, context: dict) -> bytes:
    import typst

    source = typst_template.read_text(encoding="utf-8")
    if "@preview/" in source:  # typst would download the package: intranets have no internet
        raise ReportError(OFFLINE_ONLY)
    data = json.dumps(_convert(context, chart_svg), default=_json_default, ensure_ascii=False)
    compiler = typst.Compiler(
        str(typst_template), root=str(typst_template.parent), font_paths=_typst_fonts(), sys_inputs={"data": data}
    )
    return compiler.compile(format="pdf", timestamp=timezone.now().replace(microsecond=0))


# --- Excel -----------------------------------------------------------------------------------------------
@dataclass
class Styles:
    """The cell formats of a report workbook, made once per workbook."""

    book: object
    formats: dict = field(default_factory=dict)

    def __post_init__(self):
        base = {"font_name": OFFICE_FONT, "font_size": 11, "valign": "vcenter"}
        cell = {**base, "border": 1, "border_color": "#B7C3D0"}
        specs = {
            "title": {**base, "bold": True, "font_size": 16, "font_name": "黑体"},
            "subtitle": {**base, "font_color": "#555555"},
            "heading": {**base, "bold": True, "font_size": 12, "font_name": "黑体"},
            "header": {**cell, "bold": True, "bg_color": "#E9F1FA", "align": "center", "text_wrap": True},
            "cell": cell,
            "text": {**cell, "num_format": "@"},  # identifiers (学籍号) stay text
            "number": {**cell, "num_format": "0", "align": "right"},
            "date": {**cell, "num_format": "yyyy-mm-dd", "align": "center"},
            "total": {**cell, "bold": True, "bg_color": "#F4F6F8"},
            "total_number": {**cell, "bold": True, "bg_color": "#F4F6F8", "num_format": "0", "align": "right"},
            "label": {**cell, "bold": True, "bg_color": "#F4F6F8"},
        }
        self.formats = {name: self.book.add_format(spec) for name, spec in specs.items()}

    def __getattr__(self, name):
        try:
            return self.__dict__["formats"][name]
        except KeyError:
            raise AttributeError(name) from None


def render_xlsx(builder, context: dict) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd"})
    builder(book, _convert(context, lambda c: c), Styles(book))
    book.close()
    return buffer.getvalue()


def native_chart(book, sheet, chart: Chart, *, first_row: int, last_row: int, category_col: int,
                 series_cols: list[int], anchor: str):
    """An Excel chart of the cells already on ``sheet`` (rows first_row..last_row, zero-based), titled and
    typed as ``chart``; series names from ``chart.series``. It stays live when someone edits the numbers."""
    kind = {"column": "column", "bar": "bar", "line": "line"}[chart.kind]
    options = {"type": kind}
    if chart.stacked and kind != "line":
        options["subtype"] = "stacked"
    excel = book.add_chart(options)
    name = sheet.get_name()
    for i, col in enumerate(series_cols):
        excel.add_series({
            "name": chart.series[i][0],
            "categories": [name, first_row, category_col, last_row, category_col],
            "values": [name, first_row, col, last_row, col],
            "fill": {"color": PALETTE[i % len(PALETTE)]},
            "line": {"color": PALETTE[i % len(PALETTE)]},
            "data_labels": {"value": not chart.stacked},
        })
    font = {"name": OFFICE_FONT}
    excel.set_title({"name": chart.title, "name_font": {**font, "size": 12, "bold": True}})
    excel.set_x_axis({"num_font": font, "name_font": font})
    excel.set_y_axis({"num_font": font, "name_font": font, "name": chart.value_label or None,
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    excel.set_legend({"position": "bottom", "font": font} if len(series_cols) > 1 else {"none": True})
    excel.set_size({"width": chart.width_mm * 3.78, "height": chart.height_mm * 3.78})  # mm → pixels at 96 dpi
    sheet.insert_chart(anchor, excel)
    return excel
