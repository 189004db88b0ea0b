"""The bulk writer keeps what django-simple-history keeps, and ids stay unique."""

from datetime import date

import polars as pl
import pytest
from simple_history.utils import bulk_create_with_history

from tisheng.imports.spec import ImportContext
from tisheng.imports.writing import Writer, effective_date, fetch
from tisheng.roster.models import Person, Term


@pytest.fixture
def writer(world):
    return Writer(ImportContext(user=world.logins["principal"], term=world.term, batch_id=7), planned=4)


def history_rows(ids):
    return sorted(
        (h.name, h.phone, h.sex, h.history_type, h.history_change_reason, h.history_user_id)
        for h in Person.history.filter(id__in=ids)
    )


def test_insert_writes_what_bulk_create_with_history_writes(world, writer):
    ids = writer.insert(Person, pl.DataFrame({"name": ["甲", "乙"], "phone": ["13800000001", ""]}))
    twins = bulk_create_with_history([Person(name="甲", phone="13800000001"), Person(name="乙", phone="")], Person,
                                     default_user=world.logins["principal"], default_change_reason="import #7")
    fields = ["name", "sex", "phone", "id_card_no"]
    assert list(Person.objects.filter(pk__in=ids).order_by("pk").values(*fields)) == list(
        Person.objects.filter(pk__in=[p.pk for p in twins]).order_by("pk").values(*fields))
    assert history_rows(ids) == history_rows([p.pk for p in twins])
    assert writer.done == 2


def test_ids_are_never_reused_and_the_orm_continues_after_them(world, writer):
    last = Person.objects.create(name="临时")
    deleted = last.pk
    last.delete()
    (first,) = writer.insert(Person, pl.DataFrame({"name": ["丙"]}))
    assert first > deleted
    assert Person.objects.create(name="丁").pk > first


def test_history_is_copied_for_our_rows_only_when_another_session_took_ids_between_them(world, writer, monkeypatch):
    import tisheng.imports.writing as writing

    start = Person.objects.order_by("-pk").first().pk + 10
    theirs = Person.objects.create(pk=start + 1, name="别人的")  # PostgreSQL's sequence gave it to another session
    monkeypatch.setattr(writing, "_next_ids", lambda model, n: [start, start + 2])
    assert writer.insert(Person, pl.DataFrame({"name": ["甲", "乙"]})) == [start, start + 2]
    assert sorted((h.id, h.name, h.history_change_reason) for h in Person.history.filter(id__gte=start)) == [
        (start, "甲", "import #7"), (theirs.pk, "别人的", None), (start + 2, "乙", "import #7"),
    ]


def test_fetch_reads_in_chunks_with_conditions(world, monkeypatch):
    import tisheng.imports.writing as writing

    monkeypatch.setattr(writing, "CHUNK", 2)
    people = Person.objects.order_by("pk")[:5]
    frame = fetch(Person, {"id": pl.Int64, "name": pl.String}, "id", [p.pk for p in people] + [None])
    assert sorted(frame["id"].to_list()) == sorted(p.pk for p in people)
    named = fetch(Person, {"id": pl.Int64}, "id", [p.pk for p in people], name=people[0].name)
    assert people[0].pk in named["id"].to_list()
    assert fetch(Person, {"id": pl.Int64}, "id", []).height == 0


def test_changes_take_effect_within_the_term():
    term = Term(start_date=date(2026, 9, 1), end_date=date(2027, 1, 20))
    assert effective_date(term, date(2026, 8, 20)) == date(2026, 9, 1)
    assert effective_date(term, date(2026, 10, 8)) == date(2026, 10, 8)
    assert effective_date(term, date(2027, 2, 1)) == date(2027, 1, 20)
