"""What every machine installs: the ranges pyproject.toml allows and the lock CI installs from."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

LOCK = REPO / "requirements.lock"


def _declared() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [Requirement(line) for line in project["dependencies"]]
    extras = [
        Requirement(line) for lines in project["optional-dependencies"].values() for line in lines
    ]
    return runtime, extras


def _locked() -> dict[str, list[tuple[str, list[str]]]]:
    """Each locked package's versions (one per marker), each with its hashes."""
    locked: dict[str, list[tuple[str, list[str]]]] = {}
    text = LOCK.read_text(encoding="utf-8")
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        found = re.match(r"([A-Za-z0-9._-]+)==([^ ;\\\n]+)", block)
        if found:
            hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
            locked.setdefault(canonicalize_name(found[1]), []).append((found[2], hashes))
    return locked


def test_every_runtime_dependency_has_an_upper_bound() -> None:
    """No new major release of a library reaches users before the suite has run with it."""
    runtime, _ = _declared()
    assert len(runtime) >= 15
    for requirement in runtime:
        assert any(spec.operator in {"<", "<=", "==", "~="} for spec in requirement.specifier), (
            requirement
        )


def test_the_lock_pins_every_declared_package_within_its_range_with_hashes() -> None:
    """CI installs exactly what the lock names, and the lock satisfies pyproject.toml's ranges."""
    runtime, extras = _declared()
    locked = _locked()
    for requirement in [*runtime, *extras]:
        versions = locked.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is not in requirements.lock: run bash scripts/lock.sh"
        for version, hashes in versions:
            assert requirement.specifier.contains(version, prereleases=True), (requirement, version)
            assert hashes, requirement.name
    assert "setuptools" in locked  # the project itself is built from the lock, without isolation
