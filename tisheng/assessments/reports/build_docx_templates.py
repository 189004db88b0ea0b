"""Build the Word templates of the exam reports (``quality_report.docx``, ``student_sheets.docx``) with the
reports app's helpers (A4, 宋体/黑体 as East Asian fonts, zh-CN, bordered tables with docxtpl row loops).

    .venv/bin/python tisheng/assessments/reports/build_docx_templates.py

The results are ordinary Word files with docxtpl (Jinja) tags that office staff may restyle in Word or WPS.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK  # noqa: E402

from tisheng.reports.templates_src.build_docx_templates import footer, new_document, table  # noqa: E402


def picture(document, name: str) -> None:
    document.add_paragraph(f"{{%p if {name} %}}")
    document.add_paragraph(f"{{{{ {name} }}}}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("{%p endif %}")


def quality_report():
    d = new_document(landscape=True)
    d.add_paragraph("{{ heading }}", style="Title")
    d.add_paragraph("{{ where }}　·　{{ assessment.grade }}　·　{{ assessment.date }}　·　{{ requested_by }} 生成于 {{ generated }}",
                    style="Subtitle")
    d.add_paragraph("一、总体情况", style="Heading 1")
    d.add_paragraph("{%p for line in summary %}")
    d.add_paragraph("{{ line }}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("统计口径：{{ rules_text }}")

    d.add_paragraph("二、各学科成绩", style="Heading 1")
    table(d, ["学科", "参考", "缺考", "平均分", "得分率", "及格率", "优秀率", "低分率", "比均率", "变化"],
          [30, 18, 18, 22, 22, 22, 22, 22, 22, 22], "s in subjects",
          ["{{ s.name }}", "{{ s.n_sat }}", "{{ s.n_absent }}", "{{ s.mean_t }}", "{{ s.score_rate_t }}",
           "{{ s.pass_rate_t }}", "{{ s.excellent_rate_t }}", "{{ s.low_rate_t }}", "{{ s.ratio_t }}", "{{ s.change_t }}"])
    picture(d, "subject_chart")

    d.add_paragraph("{%p if groups %}")
    d.add_paragraph("三、各{{ group_label }}对比（总分）", style="Heading 1")
    table(d, ["{{ group_label }}", "参考", "缺考", "平均分", "及格率", "优秀率", "低分率", "比均率", "综合指数", "变化"],
          [40, 18, 18, 22, 22, 22, 22, 22, 22, 22], "g in groups",
          ["{{ g.name }}", "{{ g.n_sat }}", "{{ g.n_absent }}", "{{ g.mean_t }}", "{{ g.pass_rate_t }}",
           "{{ g.excellent_rate_t }}", "{{ g.low_rate_t }}", "{{ g.ratio_t }}", "{{ g.combined_t }}", "{{ g.change_t }}"])
    picture(d, "group_chart")
    d.add_paragraph("{%p endif %}")

    d.add_paragraph("{%p if subgroups %}")
    d.add_paragraph("四、学生群体（总分）", style="Heading 1")
    table(d, ["群体", "参考", "缺考", "平均分", "及格率", "优秀率", "低分率"], [40, 20, 20, 25, 25, 25, 25], "g in subgroups",
          ["{{ g.name }}", "{{ g.n_sat }}", "{{ g.n_absent }}", "{{ g.mean_t }}", "{{ g.pass_rate_t }}",
           "{{ g.excellent_rate_t }}", "{{ g.low_rate_t }}"])
    d.add_paragraph("{%p endif %}")

    d.add_paragraph("五、知识点与试题", style="Heading 1")
    d.add_paragraph("{%p for w in weak_points %}")
    d.add_paragraph("{{ w.subject }}：掌握较弱的知识点 {{ w.points }}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p for i in hard_items %}")
    d.add_paragraph("{{ i.subject }}：得分率最低的试题 {{ i.hard }}{% if i.poor %}；区分度偏低（建议命题时改进）：{{ i.poor }}{% endif %}")
    d.add_paragraph("{%p endfor %}")

    d.add_paragraph("{%p if attention %}")
    d.add_paragraph("六、需要关注的学生", style="Heading 1")
    d.add_paragraph("依据该学科最近几次考试，持续处于同一类别的学生人数：")
    d.add_paragraph("{%p for x in attention %}")
    d.add_paragraph("{{ x.group }}：{{ x.text }}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p endif %}")

    d.add_paragraph("{%p if value_added %}")
    d.add_paragraph("七、增值评价", style="Heading 1")
    d.add_paragraph("{{ value_added.note }}")
    d.add_paragraph("{%p for v in value_added.subjects %}")
    d.add_paragraph("{{ v.subject }}", style="Heading 2")
    d.add_paragraph("{{ v.caption }}")
    table(d, ["学校/班级", "增值（分）", "区间", "人数", "解读"], [40, 22, 34, 16, 58], "r in v.rows",
          ["{{ r.name }}", "{{ r.estimate_t }}", "{{ r.interval_t }}", "{{ r.n }}", "{{ r.reading }}"])
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p endif %}")
    footer(d, "{{ where }} · {{ title }}")
    d.save(HERE / "quality_report.docx")


def student_sheets():
    d = new_document()
    d.add_paragraph("{%p for s in students %}")
    d.add_paragraph("{{ s.name }}　学业诊断单", style="Title")
    d.add_paragraph("{{ school }}　{{ class_name }}　·　{{ heading }}", style="Subtitle")
    table(d, ["学科", "等级", "需加强的知识点"], [30, 25, 105], "x in s.subjects",
          ["{{ x.name }}", "{{ x.level }}", "{{ x.work_on }}"])
    d.add_paragraph("")
    d.add_paragraph("{{ note }}")
    d.add_paragraph("")
    d.add_paragraph("家长意见：________________________________________________")
    d.add_paragraph("家长签字：________________　　　　日期：________________")
    d.add_paragraph("{%p if not loop.last %}")
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p endfor %}")
    footer(d, "{{ school }} {{ class_name }} · {{ title }}")
    d.save(HERE / "student_sheets.docx")


if __name__ == "__main__":
    quality_report()
    student_sheets()
