"""The reference tables in core/data are copies of shared/reference: they must not drift apart."""

import filecmp
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "reference"


@pytest.mark.parametrize("name", sorted(p.name for p in SHARED.glob("*")) if SHARED.exists() else [])
def test_copy_matches_shared_reference(name):
    assert (DATA / name).exists(), f"{name} is in shared/reference but not copied into tisheng/core/data"
    assert filecmp.cmp(DATA / name, SHARED / name, shallow=False), f"{name} differs from shared/reference"


def test_reference_files_are_present():
    for name in ("nsphs2014_score_tables.csv", "policy_rules.json", "exam_analysis.md", "import_layouts.md"):
        assert (DATA / name).stat().st_size > 1000
