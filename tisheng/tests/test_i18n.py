"""zh-Hans is the default language and English the source: every interface string needs its Chinese.

1. Every string marked for translation anywhere in the tree (extracted with Django's makemessages, i.e.
   GNU xgettext) has a Simplified Chinese translation in one of our catalogues, or in Django's own.
2. No catalogue has untranslated or fuzzy entries, and each committed .mo matches its .po.
"""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import django
import polib
import pytest

from tisheng.conftest import require

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "tisheng"
CATALOGUES = sorted(SOURCE.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def translated(po: polib.POFile) -> set[str]:
    return {e.msgid for e in po if e.translated() and not e.obsolete}


def test_there_are_catalogues():
    assert CATALOGUES, "no zh_Hans catalogue found"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_catalogue_is_complete_and_compiled(path):
    po = polib.pofile(str(path))
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()][:10]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()][:10]
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages"
    mo = polib.mofile(str(mo_path))
    assert {(e.msgid, e.msgstr) for e in mo if e.msgid} == {(e.msgid, e.msgstr) for e in po if e.translated()}, (
        f"{mo_path} is out of date: run compilemessages"
    )


def test_every_marked_string_has_a_chinese_translation(tmp_path):
    require(shutil.which("xgettext") is not None, "GNU gettext (xgettext)")
    copy = tmp_path / "tisheng"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("locale", "data", "__pycache__", "*.mo", "*.po"))
    (copy / "locale").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location", "-v", "0"],
        cwd=copy, env=env, check=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po")) if e.msgid}
    ours = set().union(*(translated(polib.pofile(str(p))) for p in CATALOGUES))
    django_zh = gettext.translation("django", Path(django.__file__).parent / "conf" / "locale", languages=["zh_Hans"])
    missing = sorted(m for m in extracted - ours if django_zh.gettext(m) == m)
    assert not missing, f"{len(missing)} strings have no Chinese translation, e.g. {missing[:15]}"
