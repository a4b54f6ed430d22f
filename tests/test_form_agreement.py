"""The form's verdict is kb check's: every rule of tests/fixtures/form/agreement.json, for every kind
it applies to, run through kb check (the entry's file added to the repository's content) and
through the form's checker in Chromium, gives the same places with the same severity, and the same
Chinese words where the rule says so."""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.check import load_project
from generator.emit import entry_file, entry_yaml
from generator.errors import ContentError, ContentErrors
from generator.model import KINDS
from generator.rules import RESERVED_IDS, SLUG_PATTERN
from tests.conftest import REPO
from tests.test_form_contract import content_entries

AGREEMENT = REPO / "tests" / "fixtures" / "form" / "agreement.json"


def _fixture() -> dict[str, Any]:
    return json.loads(AGREEMENT.read_text(encoding="utf-8"))


def _value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"repeat", "times"}:
        return value["repeat"] * value["times"]
    return value


def _kinds(rule: dict[str, Any], entries: dict[str, Any]) -> list[str]:
    if "kinds" in rule:
        return rule["kinds"]
    if "copy" in rule:
        return list(rule["copy"])
    prefix = rule["name"].split("-", 1)[0]
    if prefix in KINDS:
        return [prefix]
    fields = {path[0] for path, _ in rule["set"]}
    return [kind for kind in KINDS if fields <= set(KINDS[kind].model.model_fields)]


def agreement_cases() -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(rule name, kind, entry values, rule) for every rule and every kind it applies to."""
    fixture = _fixture()
    contents = {f"{folder}/{data['id']}.yml": data for folder, data in _content_by_file()}
    cases = []
    for rule in fixture["rules"]:
        for kind in _kinds(rule, fixture["entries"]):
            copied = rule.get("copy", {}).get(kind)
            data = copy.deepcopy(contents[copied] if copied else fixture["entries"][kind])
            for path, value in rule["set"]:
                target = data
                for part in path[:-1]:
                    target = target[part]
                target[path[-1]] = [contents[copied]["id"]] if value == "copied" else _value(value)
            cases.append((rule["name"], kind, data, rule))
    return cases


def _content_by_file() -> list[tuple[str, dict[str, Any]]]:
    return [(KINDS[kind].folder, data) for kind, data in content_entries()]


def _file_name(kind: str, data: dict[str, Any]) -> str:
    """The entry's file: named after its id when the id can name a file, as the form names it."""
    entry_id = data.get("id")
    usable = (
        isinstance(entry_id, str)
        and re.fullmatch(SLUG_PATTERN, entry_id)
        and len(entry_id) <= 60
        and entry_id not in RESERVED_IDS
    )
    return entry_file(kind, entry_id if usable else "form-test-entry")


def kb_check(content: Path, kind: str, data: dict[str, Any]) -> list[ContentError]:
    """What kb check reports once the entry's file joins the repository's content."""
    path = content / _file_name(kind, data)
    path.write_text(entry_yaml(kind, data), encoding="utf-8")
    try:
        project = load_project(content, root=content.parent, find_duplicates=True)
        return list(project.warnings)
    except ContentErrors as problems:
        return problems.errors
    finally:
        path.unlink()


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's content, which kb check finds nothing wrong with."""
    folder = tmp_path_factory.mktemp("agreement") / "content"
    shutil.copytree(REPO / "content", folder)
    assert load_project(folder, root=folder.parent, find_duplicates=True).warnings == []
    return folder


@pytest.fixture(scope="module")
def form(shared_context: Any, site_url: str) -> Iterator[Any]:
    """The form page of the real site, served, its checker ready."""
    tab = shared_context.fresh_tab()
    tab.goto(site_url + "form/")
    tab.wait_for_function("() => window.kbForm")
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def verdicts(form, content: Path) -> dict[str, dict[str, Any]]:
    """Each case's problems from kb check and from the form, by case."""
    cases = agreement_cases()
    found = form.evaluate(
        """(cases) => Promise.all(cases.map(([name, kind, data]) =>
            kbForm.checker().then((checker) => checker.check(kind, data, null))))""",
        [[name, kind, data] for name, kind, data, _ in cases],
    )
    return {
        f"{name}[{kind}]": {
            "rule": rule,
            "kb": kb_check(content, kind, data),
            "form": problems,
        }
        for (name, kind, data, rule), problems in zip(cases, found, strict=True)
    }


def _places(problems: list[Any]) -> set[tuple[str, str]]:
    return {
        (p.key, p.severity) if isinstance(p, ContentError) else (p["path"], p["severity"])
        for p in problems
    }


def test_every_rule_is_run_for_every_kind_it_applies_to() -> None:
    """Each rule of the fixture applies to a kind at least; together they cover all four kinds."""
    cases = agreement_cases()
    rules = {rule["name"] for rule in _fixture()["rules"]}
    assert {name for name, *_ in cases} == rules
    assert {kind for _, kind, *_ in cases} == set(KINDS)
    assert len(cases) >= 150


@pytest.mark.parametrize("case", [f"{n}[{k}]" for n, k, _, _ in agreement_cases()])
def test_form_and_kb_check_agree(verdicts: dict[str, dict[str, Any]], case: str) -> None:
    """kb check reports what the rule expects, and the form reports the same places."""
    found = verdicts[case]
    expected = {(key, severity) for key, severity in found["rule"]["expect"]}
    assert _places(found["kb"]) == expected, [p.format() for p in found["kb"]]
    assert _places(found["form"]) == expected, found["form"]


@pytest.mark.parametrize(
    "case",
    [f"{n}[{k}]" for n, k, _, rule in agreement_cases() if rule.get("words")],
)
def test_form_says_what_kb_check_says(verdicts: dict[str, dict[str, Any]], case: str) -> None:
    """Where kb check's words come from the schema, or the form repeats kb check's own, the
    editor reads the same sentence in both."""
    found = verdicts[case]
    kb_by_key: dict[str, list[ContentError]] = {}
    for problem in found["kb"]:
        kb_by_key.setdefault(problem.key, []).append(problem)
    for problem in found["form"]:
        theirs = kb_by_key[problem["path"]]
        words = found["rule"]["words"]
        if words == "same":
            assert (problem["message"], problem["hint"]) in {(p.message, p.hint) for p in theirs}
        elif words == "message":
            assert problem["message"] in {p.message for p in theirs}
        else:
            # The schema's message for a taxonomy id: "只能填写……中已有的编号：<ids and names>。",
            # the list kb check's hint gives after its guess at the intended id.
            listed = problem["message"].split("：", 1)[1]
            assert any(listed in p.hint for p in theirs), theirs
