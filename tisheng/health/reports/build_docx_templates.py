"""Build the Word template of the fitness report (``fitness_report.docx``) with the reports app's helpers (A4,
宋体/黑体 as East Asian fonts, zh-CN, bordered tables with docxtpl row loops).

    .venv/bin/python tisheng/health/reports/build_docx_templates.py

The result is an ordinary Word file with docxtpl (Jinja) tags that office staff may restyle in Word or WPS.
Its data is ``gather``'s context (tisheng/health/report_kinds.py).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402

from tisheng.reports.templates_src.build_docx_templates import footer, new_document, table  # noqa: E402


def picture(document, name: str) -> None:
    document.add_paragraph(f"{{%p if {name} %}}")
    document.add_paragraph(f"{{{{ {name} }}}}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("{%p endif %}")


def fitness_report():
    d = new_document()
    d.add_paragraph("{{ heading }}", style="Title")
    d.add_paragraph("{{ term }}　·　测试日期 {{ date }}　·　生成于 {{ generated }}", style="Subtitle")

    d.add_paragraph("一、总体情况", style="Heading 1")
    table(d, ["项目", "数值"], [80, 80], "f in facts", ["{{ f[0] }}", "{{ f[1] }}"])
    d.add_paragraph("")
    table(d, ["性别", "评分人数", "合格率", "优良率"], [40, 40, 40, 40], "s in sexes",
          ["{{ s[0] }}", "{{ s[1] }}", "{{ s[2] }}", "{{ s[3] }}"])

    d.add_paragraph("二、各年级男女生等级分布", style="Heading 1")
    table(d, ["年级与性别", "优秀", "良好", "及格", "不及格"], [40, 30, 30, 30, 30], "r in level_rows",
          ["{{ r[0] }}", "{{ r[1] }}", "{{ r[2] }}", "{{ r[3] }}", "{{ r[4] }}"])
    picture(d, "chart")

    d.add_paragraph("三、单项及格率", style="Heading 1")
    table(d, ["项目", "测试人数", "及格率"], [70, 45, 45], "i in items", ["{{ i[0] }}", "{{ i[1] }}", "{{ i[2] }}"])

    d.add_paragraph("四、视力筛查", style="Heading 1")
    d.add_paragraph("{%p if myopia %}")
    d.add_paragraph("{{ myopia.year }}。统计口径：{{ myopia.basis }}。")
    table(d, ["项目", "数值"], [80, 80], "f in myopia.facts", ["{{ f[0] }}", "{{ f[1] }}"])
    d.add_paragraph("")
    table(d, ["学年", "筛查人数", "近视率", "男生", "女生", "变化（百分点）", "年度目标"], [28, 20, 20, 20, 20, 28, 24],
          "r in myopia.trend", [f"{{{{ r[{i}] }}}}" for i in range(7)])
    picture(d, "myopia.trend_chart")
    table(d, ["年级", "筛查人数", "近视率", "男生", "女生", "比上一学年同年级", "2030年目标（低于）"],
          [22, 20, 20, 20, 20, 30, 28], "r in myopia.grades", [f"{{{{ r[{i}] }}}}" for i in range(7)])
    picture(d, "myopia.chart")
    d.add_paragraph("{%p if myopia.classes %}")
    table(d, ["班级", "筛查人数", "近视率", "男生", "女生", "视力不良率", "比本班学生上一学年（百分点）"],
          [30, 20, 20, 20, 20, 22, 32], "r in myopia.classes", [f"{{{{ r[{i}] }}}}" for i in range(7)])
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("判定标准：国家卫生健康委《儿童青少年近视防控适宜技术指南》（2019）。筛查不是诊断。")
    d.add_paragraph("{%p else %}")
    d.add_paragraph("本学年尚无视力筛查数据。")
    d.add_paragraph("{%p endif %}")

    d.add_paragraph("五、学生成绩", style="Heading 1")
    table(d, ["班级", "姓名", "性别", "标准分", "附加分", "学年总分", "等级", "状态"], [24, 22, 12, 18, 16, 20, 16, 22],
          "p in pupils", [f"{{{{ p[{i}] if p[{i}] is not none else '' }}}}" for i in range(8)])
    footer(d, "{{ about }} · {{ title }}")
    d.save(HERE / "fitness_report.docx")


if __name__ == "__main__":
    fitness_report()
