"""One contract for the build and the browser's form: the same file text from generator/emit.py and
kb-form-text.js, the same clause checksums as generator/check/similar.py, pasted text tidied as the
cases in tests/fixtures/form/paste-cases.json say, dates turned into the model's form."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.check import load_taxonomy
from generator.check.similar import clauses
from generator.emit import entry_yaml
from generator.form.describe import form_description
from generator.model import KINDS, kind_in_folder
from generator.parse import parse_document
from tests.conftest import REPO
from tests.test_form_emit import HOSTILE, PLACES, _base, _put

SCRIPTS = REPO / "theme" / "assets" / "javascripts"
PASTE_CASES = REPO / "tests" / "fixtures" / "form" / "paste-cases.json"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def content_entries() -> list[tuple[str, dict[str, Any]]]:
    """Every file of the repository's content, as (kind, values read from it)."""
    found = []
    for path in sorted((REPO / "content").glob("*/*.yml")):
        kind = kind_in_folder(path.parent.name)
        assert kind is not None, path
        document, _ = parse_document(
            path.read_bytes(), path=path.name, content_path=f"{path.parent.name}/{path.name}"
        )
        found.append((kind.name, _plain(document.data)))
    return found


def contract_cases() -> list[tuple[str, dict[str, Any]]]:
    """Entries to write both ways: hostile text in every place, the repository's content, a lone
    surrogate (which only a browser can hold), and entries with required fields left empty."""
    cases = []
    for kind, path in PLACES.values():
        for value in HOSTILE.values():
            data = _base(kind)
            _put(data, path, value)
            cases.append((kind, data))
        data = _base(kind)
        _put(data, path, "甲\ud800乙")
        cases.append((kind, data))
    cases += content_entries()
    for kind in KINDS:
        cases.append((kind, {"kind": kind}))
        cases.append(
            (kind, {"id": "", "kind": kind, "title": "", "sources": [{}], "entries": [{}]})
        )
    return cases


@pytest.fixture(scope="module")
def tab(shared_context: Any) -> Iterator[Any]:
    """A blank page with the form's scripts and the description of the repository's model."""
    page = shared_context.fresh_tab()
    page.set_content("<!doctype html><html><head><meta charset='utf-8'></head><body></body></html>")
    for name in ("vendor/ajv2020.min.js", "kb-form-text.js", "kb-form-check.js"):
        page.add_script_tag(content=(SCRIPTS / name).read_text(encoding="utf-8"))
    taxonomy = load_taxonomy(REPO / "content", root=REPO)
    page.evaluate("(d) => { window.description = d; }", form_description(taxonomy))
    yield page
    page.close()


def test_browser_writes_the_same_bytes_as_python(tab) -> None:
    """For hostile text in every place, every content file and half-empty entries, the browser's
    file text is Python's, byte for byte."""
    cases = contract_cases()
    assert len(cases) > len(HOSTILE) * len(PLACES)
    written = tab.evaluate(
        """(cases) => {
            const emitter = new kbFormText.Emitter(description);
            return cases.map(([kind, data]) => emitter.entryYaml(kind, data));
        }""",
        cases,
    )
    mismatched = [
        (kind, data, text)
        for (kind, data), text in zip(cases, written, strict=True)
        if text != entry_yaml(kind, data)
    ]
    assert mismatched == []


def test_browser_names_files_as_python(tab) -> None:
    """The file's place in the content folder: the kind's folder and the id."""
    named = tab.evaluate(
        "(kinds) => kinds.map(k => new kbFormText.Emitter(description).entryFile(k, 'x-1'))",
        list(KINDS),
    )
    assert named == [f"{kind.folder}/x-1.yml" for kind in KINDS.values()]


def test_emitter_can_disagree(tab) -> None:
    """The contract can fail: a browser that wrote YAML 1.1's yes unquoted is caught."""
    written = tab.evaluate(
        """() => {
            const emitter = new kbFormText.Emitter(description);
            emitter.readsAsOther = () => false;
            return emitter.entryYaml('case', {id: 'x', kind: 'case', title: 'null'});
        }"""
    )
    assert written != entry_yaml("case", {"id": "x", "kind": "case", "title": "null"})


def test_browser_finds_the_clauses_kb_check_compares(tab) -> None:
    """The near-duplicate check's clause checksums, worked out in the browser from an entry's
    values, are generator.check.similar's for every content entry (CRC-32 of UTF-8, the same
    breaks, the same fields)."""
    entries = [(kind, data) for kind, data in content_entries() if kind != "pack"]
    found = tab.evaluate(
        """(entries) => {
            const checker = new kbFormCheck.Checker(description, "");
            return entries.map(([kind, data]) => checker.clauses(kind, data));
        }""",
        entries,
    )
    assert found == [clauses(data, KINDS[kind].model).tolist() for kind, data in entries]
    assert all(found)


def test_crc32_is_zlibs(tab) -> None:
    """The browser's CRC-32 is zlib's, for Chinese, Latin and characters beyond the basic plane."""
    import zlib

    texts = ["", "a", "学习型党组织", "𠀀字 ☎️", "x" * 1000]
    assert tab.evaluate("(texts) => texts.map(kbFormCheck.crc32)", texts) == [
        zlib.crc32(text.encode()) for text in texts
    ]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2022-07-20", "2022-07-20"),
        ("2022年7月20日", "2022-07-20"),
        ("2022 年 7 月 2 日", "2022-07-02"),
        ("２０２２年７月２０日", "2022-07-20"),
        ("2022.7.20", "2022-07-20"),
        ("2022/07/20", "2022-07-20"),
        ("2022年2月30日", "2022-02-30"),
        ("七月二十日", "七月二十日"),
        ("2022-07", "2022-07"),
    ],
)
def test_dates_as_editors_write_them_are_stored_in_the_models_form(
    tab, typed: str, stored: str
) -> None:
    """A date written the Chinese way, or with dots or slashes, is kept as 2022-07-20; what is not a
    date is kept as typed, for the check to name (an impossible day included)."""
    assert tab.evaluate("(text) => kbFormText.normalizeDate(text)", typed) == stored


def _paste_cases() -> list[dict[str, Any]]:
    return json.loads(PASTE_CASES.read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", _paste_cases(), ids=lambda case: case["name"])
def test_pasted_text_is_tidied(tab, case: dict[str, Any]) -> None:
    """Text pasted from Word, WPS, WeChat or a PDF keeps its paragraphs and loses the layout."""
    kept = tab.evaluate(
        "([text, oneLine]) => new kbFormText.Paste(description).clean(text, oneLine)",
        [case["pasted"], case["one_line"]],
    )
    assert kept == case["kept"]


def test_vendored_validator_runs_on_the_floor(tab, tmp_path: Path) -> None:
    """Ajv's own file uses nothing past ES2018 (object spread, Chromium 60), and the checking code
    it writes for each kind's schema parses as ES2017, like the site's own scripts."""
    from tests.test_old_browsers import _es_check

    vendored = sorted((SCRIPTS / "vendor").glob("*.js"))
    assert vendored and _es_check_at("es2018", vendored).returncode == 0
    sources = tab.evaluate(
        """() => {
            const checker = new kbFormCheck.Checker(description, "");
            const ajv = new window.ajv2020({allErrors: true, strict: false, validateFormats: false,
                                            verbose: true, code: {source: true}});
            return ['case', 'practice', 'material', 'pack'].map(kind =>
                ajv.compile(checker.restore(description.schemas[kind])).source.validateCode);
        }"""
    )
    files = []
    for number, source in enumerate(sources):
        path = tmp_path / f"generated-{number}.js"
        path.write_text(f"var check = function () {{ {source} }};\n", encoding="utf-8")
        files.append(path)
    result = _es_check(files)
    assert result.returncode == 0, result.stdout + result.stderr


def _es_check_at(level: str, files: list[Path]) -> Any:
    import subprocess

    from tests.test_old_browsers import ES_CHECK

    return subprocess.run(
        [str(ES_CHECK), level, *map(str, files), "--checkFeatures", "--noColor"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_paste_cases_file_is_readable() -> None:
    """Every paste case names its damage and says what is kept."""
    cases = _paste_cases()
    assert len({case["name"] for case in cases}) == len(cases) >= 10
    assert Path(PASTE_CASES).read_text(encoding="utf-8").endswith("\n")
