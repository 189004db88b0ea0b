"""Imports whose columns depend on what the upload is for (``ImportSpec.columns_for``, ``params``) and
declarations with a reader of their own (``ImportSpec.read``)."""

import polars as pl
import pytest

from tisheng.accounts.models import Role
from tisheng.imports import actions, queries, spec as specs
from tisheng.imports.models import ImportBatch
from tisheng.imports.parsers import Decimal, Identifier
from tisheng.imports.reading import Table, raw_sheets
from tisheng.imports.spec import Column, Counts, ImportSpec
from tisheng.imports.tests.files import csv_bytes
from tisheng.imports.tests.helpers import messages
from tisheng.roster.models import School

written = []


def per_item_columns(params):
    """One column per item of the "paper" named in the parameters."""
    return (Column("no", "学号", Identifier(), required=True),
            *(Column(f"item_{i}", str(i), Decimal(min=0, max=params["max"])) for i in range(1, params["items"] + 1)))


def commit(frame, ctx):
    written.append((ctx.params, frame.columns, frame.height))
    return Counts(created=frame.height)


PER_ITEM = ImportSpec(kind="tests.per_item", label="Per item", columns=(), columns_for=per_item_columns,
                      commit=commit, roles=frozenset({Role.PRINCIPAL}))


def second_row_header(data, spec, params):
    """A reader of the declaration's own: the header is the file's second row, whatever the first says."""
    _kind, sheets = raw_sheets(data)
    frame = sheets[0][1]
    header = frame.row(1)
    by_header = {c.header: c.name for c in spec.columns}
    picked = {by_header[h]: f"c{j}" for j, h in enumerate(header) if h in by_header}
    rows = frame.slice(2).select([pl.col(col).alias(name) for name, col in picked.items()]).with_columns(
        pl.int_range(3, 3 + frame.height - 2, dtype=pl.Int64).alias("_row"), pl.lit(None, dtype=pl.String).alias("_sheet"))
    return Table(frame=rows, labels={name: name for name in picked})


OWN_READER = ImportSpec(kind="tests.own_reader", label="Own reader", columns=(), columns_for=per_item_columns,
                        read=second_row_header, commit=commit, roles=frozenset({Role.PRINCIPAL}))


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    monkeypatch.setitem(specs._REGISTRY, PER_ITEM.kind, PER_ITEM)
    monkeypatch.setitem(specs._REGISTRY, OWN_READER.kind, OWN_READER)
    written.clear()


@pytest.fixture
def principal(world):
    return world.logins[Role.PRINCIPAL]


@pytest.fixture
def school():
    return School.objects.get(code="QS01")


def test_the_columns_come_from_the_batch_parameters(principal, school, media):
    data = csv_bytes([["学号", "1", "2", "3"], ["A1", "2", "3", "4"], ["A2", "1", "0", "5"]])
    batch = actions.upload(principal, PER_ITEM, "小分.csv", data, school=school, params={"items": 3, "max": 4})
    assert batch.params == {"items": 3, "max": 4}
    assert batch.status == ImportBatch.Status.INVALID
    assert messages(batch) == ["3|3|5 超出了3的允许范围（0 到 4）。"]
    assert [c["header"] for c in batch.preview["columns"]] == ["学号", "1", "2", "3"]

    batch = actions.upload(principal, PER_ITEM, "小分.csv", data, school=school, params={"items": 3, "max": 5})
    assert batch.status == ImportBatch.Status.VALID
    assert actions.start_commit(batch, principal)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert written[-1] == ({"items": 3, "max": 5}, ["_row", "_sheet", "no", "item_1", "item_2", "item_3"], 2)


def test_a_declaration_may_read_the_file_itself(principal, school, media):
    data = csv_bytes([["2025学年期中 小分表", "", ""], ["学号", "1", "2"], ["A1", "2", "3"]])
    batch = actions.upload(principal, OWN_READER, "小分.csv", data, school=school, params={"items": 2, "max": 3})
    assert batch.status == ImportBatch.Status.VALID, messages(batch)
    assert batch.preview["rows"][0] == {"row": 3, "sheet": None, "cells": ["A1", "2", "3"]}


def test_parametrised_kinds_are_not_offered_by_the_generic_upload_page(principal, client_for):
    assert PER_ITEM in queries.usable_specs(principal)
    assert PER_ITEM not in queries.uploadable_specs(principal)
    page = client_for(Role.PRINCIPAL).get("/imports/new/")
    assert page.status_code == 200 and "tests.per_item" not in page.content.decode()
    assert client_for(Role.PRINCIPAL).get("/imports/templates/tests.per_item.xlsx").status_code == 403
