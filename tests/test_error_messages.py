"""Editors' error messages, checked by exact text: one fixture file per kind of mistake.

Each ``tests/fixtures/errors/NAME.yml`` starts with ``# target: PATH``; the test
puts it at ``content/PATH`` of a copy of the sample project and compares the
full report with ``NAME.txt`` beside it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.check import load_project
from generator.errors import ContentErrors, format_report
from tests.golden import assert_matches_golden

FIXTURES = Path(__file__).parent / "fixtures" / "errors"
CASES = sorted(FIXTURES.glob("*.yml"))


@pytest.mark.parametrize("fixture", CASES, ids=[p.stem for p in CASES])
def test_error_report_text(fixture: Path, write_project) -> None:
    """The report names file, line, column, key path and says in Chinese what to fix."""
    raw = fixture.read_bytes()
    target = re.match(rb"(?:\xef\xbb\xbf)?# target: (\S+)", raw)
    assert target, f"{fixture.name} must start with '# target: PATH'"
    root = write_project({f"content/{target.group(1).decode()}": raw})
    try:
        project = load_project(root / "content", root=root)
    except ContentErrors as problems:
        report = problems.report()
    else:
        assert project.warnings, f"{fixture.name} should give an error or a warning"
        report = format_report(project.warnings)
    assert_matches_golden(report + "\n", fixture.with_suffix(".txt"))


def test_every_problem_in_every_file_is_reported(write_project) -> None:
    """Problems in several files come back together, not one at a time."""
    root = write_project(
        {
            "content/cases/river-community.yml": (FIXTURES / "unknown-theme.yml").read_bytes(),
            "content/practices/twice-monthly-study.yml": (
                FIXTURES / "missing-case-reference.yml"
            ).read_bytes(),
            "content/materials/hill-school.yml": b"id: hill-school\nkind: material\n",
        }
    )
    with pytest.raises(ContentErrors) as caught:
        load_project(root / "content", root=root)
    files = {error.path for error in caught.value.errors}
    assert files == {
        "content/cases/river-community.yml",
        "content/practices/twice-monthly-study.yml",
        "content/materials/hill-school.yml",
    }
    missing = {e.key for e in caught.value.errors if e.path.endswith("hill-school.yml")}
    assert {
        "title",
        "summary",
        "org_type",
        "themes",
        "sources",
        "sections",
        "key_points",
    } <= missing


def test_sample_project_is_clean(write_project) -> None:
    """The fixture every error case starts from validates without problems."""
    root = write_project({})
    project = load_project(root / "content", root=root)
    assert list(project.entries) == ["river-community", "twice-monthly-study", "hill-school"]
