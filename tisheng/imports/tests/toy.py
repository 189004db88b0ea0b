"""A small import declaration for the pipeline's own tests (the roster's real ones are tested in roster)."""

from datetime import date

from tisheng.imports.checks import no_repeated_rows, unique
from tisheng.imports.lookups import ClassName, Grade
from tisheng.imports.parsers import Choice, Date, Decimal, Identifier, IdCardNumber, Integer, Phone, Text, YesNo
from tisheng.imports.spec import Column, Counts, ImportSpec

TOY = ImportSpec(
    kind="tests.toy",
    label="Toy",
    columns=(
        Column("no", "学籍号", Identifier(), aliases=("学号", "学生编号"), required=True),
        Column("name", "姓名", Text(max_length=10), aliases=("学生姓名",), required=True),
        Column("birth", "出生日期", Date(earliest=date(1990, 1, 1))),
        Column("id_card", "身份证号", IdCardNumber(), aliases=("身份证件号",)),
        Column("age", "年龄", Integer(min=3, max=20)),
        Column("score", "分数", Decimal(min=0, max=100, places=1)),
        Column("boarding", "是否寄宿", YesNo()),
        Column("sex", "性别", Choice({"男": "M", "女": "F"})),
        Column("grade", "年级", Grade()),
        Column("class_name", "班级", ClassName()),
        Column("phone", "电话", Phone()),
    ),
    steps=(no_repeated_rows, unique("no")),
    commit=lambda frame, ctx: Counts(created=frame.height),
)
