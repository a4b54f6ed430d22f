"""What editors work with: JSON Schemas, scaffolds from `kb new`, the guide, report formats."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from generator import cli
from generator.check import load_project, load_taxonomy
from generator.commands import new as new_command
from generator.docs import GUIDE_FILE, guide_with_reference
from generator.fields import field_specs
from generator.model import ENTRY_KINDS, KINDS
from generator.rules import PLACEHOLDER
from generator.schema import SCHEMA_DIR, schema_texts
from tests.conftest import REPO


def _json_ready(value: Any) -> Any:
    """YAML values as an editor's schema validator sees them (dates are strings there)."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def test_committed_schemas_are_up_to_date() -> None:
    """The schemas in schemas/ match the model and taxonomy; run `kb schema` when this fails."""
    taxonomy = load_taxonomy(REPO / "content", root=REPO)
    for name, text in schema_texts(taxonomy).items():
        committed = REPO / SCHEMA_DIR / name
        assert committed.is_file() and committed.read_text(encoding="utf-8") == text, (
            f"{committed} is out of date: run `kb schema`"
        )


def test_guide_field_reference_is_up_to_date() -> None:
    """The field reference in CONTRIBUTING.md is what the model says; run `kb schema` when this fails."""
    guide = (REPO / GUIDE_FILE).read_text(encoding="utf-8")
    assert guide_with_reference(guide) == guide, "run `kb schema`"
    for kind, model in ((k.name, k.model) for k in ENTRY_KINDS.values()):
        for spec in field_specs(model):
            assert f"| `{spec.name}` | {spec.label} |" in guide, (kind, spec.name)


CONTENT_FILES = [*sorted((REPO / "content").glob("*/*.yml")), REPO / "content" / "taxonomy.yml"]


@pytest.mark.parametrize("path", CONTENT_FILES, ids=[p.stem for p in CONTENT_FILES])
def test_content_file_points_at_a_schema_that_accepts_it(path: Path) -> None:
    """Each file's first line names its schema, and that schema accepts the file."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{path} must start with a yaml-language-server schema line"
    schema_path = (path.parent / match.group(1)).resolve()
    assert schema_path.is_file()
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(
        _json_ready(yaml.safe_load(path.read_text(encoding="utf-8")))
    )


def test_schema_offers_taxonomy_ids_as_a_pick_list() -> None:
    """Editors pick themes and organization types from a list; other values are flagged."""
    schema = json.loads((REPO / SCHEMA_DIR / "case.schema.json").read_text(encoding="utf-8"))
    assert "urban-community" in schema["properties"]["org_type"]["enum"]
    assert "learning-forms" in schema["properties"]["themes"]["items"]["enum"]
    data = yaml.safe_load(
        (REPO / "content/cases/wangcun-community.yml").read_text(encoding="utf-8")
    )
    data["themes"] = ["learning-form"]
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(_json_ready(data)))
    assert [list(e.absolute_path) for e in errors] == [["themes", 0]]


@pytest.fixture
def project(write_project, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_project({})
    monkeypatch.chdir(root)
    return root


def _new(args: list[str], *, tty: bool = False, answers: str = "", monkeypatch=None):
    if monkeypatch is not None:
        monkeypatch.setattr(new_command, "_interactive", lambda: tty)
    return CliRunner().invoke(cli.main, ["new", *args], input=answers)


def test_kb_new_writes_every_field_with_chinese_comments(project: Path, monkeypatch) -> None:
    """`kb new case` with options asks nothing and writes a scaffold with every model field."""
    result = _new(
        ["case", "--title", "河谷村：夜校学习", "--org-type", "school", "--theme", "results"],
        monkeypatch=monkeypatch,
    )
    assert result.exit_code == 0, result.output
    path = project / "content/cases/he-gu-cun.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/case.schema.json\n")
    data = yaml.safe_load(text)
    assert list(data) == [spec.name for spec in field_specs(KINDS["case"].model)]
    assert data["title"] == "河谷村：夜校学习" and data["themes"] == ["results"]
    for spec in field_specs(KINDS["case"].model):
        assert f"# {spec.label}" in text
    assert "# 背景与起因：为什么这样做，面临什么问题。" in text


def test_scaffold_is_rejected_until_placeholders_are_replaced(project: Path, monkeypatch) -> None:
    """A fresh scaffold fails `kb check` at each placeholder; filled in, it passes."""
    for kind in ENTRY_KINDS:
        result = _new(
            [
                kind,
                "--title",
                f"新条目{kind}",
                "--id",
                f"new-{kind}",
                "--org-type",
                "school",
                "--theme",
                "results",
            ],
            monkeypatch=monkeypatch,
        )
        assert result.exit_code == 0, result.output
    check = CliRunner().invoke(cli.main, ["check"])
    assert check.exit_code == 1
    assert "这里还是模板中的占位文字" in check.output
    for path in (project / "content").glob("*/new-*.yml"):
        filled = path.read_text(encoding="utf-8").replace(PLACEHOLDER, "实际内容")
        filled = filled.replace("cases: \n", "").replace(f"{PLACEHOLDER}", "")
        path.write_text(filled, encoding="utf-8")
    practice = project / "content/practices/new-practice.yml"
    practice.write_text(
        practice.read_text(encoding="utf-8").replace("- 实际内容实例", "- river-community"),
        encoding="utf-8",
    )
    check = CliRunner().invoke(cli.main, ["check"])
    assert check.exit_code == 0, check.output


def test_kb_new_refuses_to_overwrite(project: Path, monkeypatch) -> None:
    """An existing entry is never overwritten by a scaffold."""
    existing = project / "content/cases/river-community.yml"
    before = existing.read_bytes()
    result = _new(
        [
            "case",
            "--title",
            "河畔社区",
            "--id",
            "river-community",
            "--org-type",
            "school",
            "--theme",
            "results",
        ],
        monkeypatch=monkeypatch,
    )
    assert result.exit_code == 1
    assert "已经存在，不会覆盖" in result.output
    assert existing.read_bytes() == before


def test_kb_new_without_terminal_names_the_missing_option(project: Path, monkeypatch) -> None:
    """Without a terminal, missing options are an error that says which option to give."""
    result = _new(["practice", "--title", "某做法"], monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "缺少组织类型：请用 --org-type 提供编号或名称。" in result.output
    assert not list((project / "content/practices").glob("mou-*.yml"))


def test_kb_new_asks_in_a_terminal(project: Path, monkeypatch) -> None:
    """In a terminal, `kb new` asks for title, organization type and themes, by number or id."""
    result = _new(
        ["material"],
        tty=True,
        answers="山村小学：读书会\n2\n3, learning-forms\n",
        monkeypatch=monkeypatch,
    )
    assert result.exit_code == 0, result.output
    assert "1. 城市社区（urban-community）" in result.output
    data = yaml.safe_load(
        (project / "content/materials/shan-cun-xiao-xue.yml").read_text(encoding="utf-8")
    )
    assert data["org_type"] == "school"
    assert data["themes"] == ["results", "learning-forms"]


def test_kb_new_rejects_unknown_taxonomy_ids(project: Path, monkeypatch) -> None:
    """A mistyped organization type is refused with the closest valid id."""
    result = _new(
        ["case", "--title", "某社区", "--org-type", "urban-comunity", "--theme", "results"],
        monkeypatch=monkeypatch,
    )
    assert result.exit_code == 2
    assert "是否想写“urban-community”" in result.output


@pytest.mark.parametrize(
    ("options", "told"),
    [
        (["--title", "   "], "“标题”不能为空"),
        (["--title", "<河畔>"], "不能包含尖括号"),
        (["--title", "！！！"], "无法由标题生成编号，请用 --id 指定"),
        (["--title", "某社区", "--id", "../../../outside"], "实际是“../../../outside”"),
        (["--title", "某社区", "--id", "Bad ID"], "实际是“Bad ID”"),
    ],
)
def test_kb_new_refuses_titles_and_ids_the_model_rejects(
    project: Path, monkeypatch, options: list[str], told: str
) -> None:
    """A scaffold is only written under a valid id and title, inside its kind's folder."""
    before = sorted(p for p in project.rglob("*"))
    result = _new(
        ["case", *options, "--org-type", "school", "--theme", "results"], monkeypatch=monkeypatch
    )
    assert result.exit_code == 2
    assert told in result.output
    assert sorted(p for p in project.rglob("*")) == before


def test_check_json_output_is_machine_readable(project: Path) -> None:
    """`kb check --format json` gives each problem with position, key, severity and hints."""
    path = project / "content/cases/river-community.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("org_type: urban-community", "org_type: town"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli.main, ["check", "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["entries"] is None and data["packs"] is None  # not known while it has errors
    assert data["problems"] == [
        {
            "path": "content/cases/river-community.yml",
            "line": 5,
            "column": 11,
            "key": "org_type",
            "message": "不存在编号为“town”的组织类型。",
            "hint": "可用的编号有：urban-community（城市社区）、school（院校（学校））。",
            "severity": "error",
        }
    ]


def test_check_counts_entries_and_study_packs(project: Path) -> None:
    """A passing `kb check` counts the study packs beside the entries, in text and in JSON."""
    result = CliRunner().invoke(cli.main, ["check"])
    assert result.exit_code == 0
    assert "检查通过：共 3 个条目、1 个学习专题，未发现问题。" in result.stdout
    data = json.loads(CliRunner().invoke(cli.main, ["check", "--format", "json"]).stdout)
    assert (data["ok"], data["entries"], data["packs"]) == (True, 3, 1)


def test_check_github_format_annotates_lines(project: Path) -> None:
    """`kb check --format github` prints workflow commands that annotate the PR line."""
    path = project / "content/materials/hill-school.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("org_type: school", "org_type: town"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli.main, ["check", "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "::error file=content/materials/hill-school.yml,line=5,col=11,title=内容检查：org_type::"
        "不存在编号为“town”的组织类型。%0A修改建议："
    )


def test_load_project_warnings_do_not_fail_check(project: Path) -> None:
    """A near-duplicate entry is a warning: reported, exit code 0."""
    original = project / "content/cases/river-community.yml"
    copy = project / "content/cases/river-community-again.yml"
    copy.write_text(
        original.read_text(encoding="utf-8").replace(
            "id: river-community", "id: river-community-again"
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli.main, ["check"])
    assert result.exit_code == 0
    assert "警告：内容与" in result.output and "检查通过" in result.output
    assert len(load_project(project / "content", root=project).warnings) == 1


def test_guide_is_a_page_of_the_site(real_site: Path) -> None:
    """The editors' guide, with its field reference, is published as a site page."""
    html = (real_site / "guide" / "index.html").read_text(encoding="utf-8")
    assert "审核要点" in html and "真实性" in html
    assert "<code>actions[].title</code>" in html


_SAMPLE_CASE = (REPO / "tests/fixtures/sample/content/cases/river-community.yml").read_text(
    encoding="utf-8"
)
_TITLE = "title: 河畔社区：每月两次中心组学习"
_SUMMARY = "summary: 社区党委以中心组学习带动全体党员学习 <b>不是标签</b>"
_AGREEMENT = [
    ("unchanged", "", "", True),
    ("bare-number-figure", "value: 每月 2 次", "value: 24", False),
    ("quoted-number-figure", "value: 每月 2 次", 'value: "24"', True),
    ("number-as-title", "title: 河畔社区：每月两次中心组学习", "title: 2024", False),
    ("yes-as-title", "title: 河畔社区：每月两次中心组学习", "title: yes", True),
    ("repeated-theme", "themes: [learning-forms, results]", "themes: [results, results]", False),
    ("impossible-date", "    note: 作者：样例", "    published: 2022-02-30", False),
    ("leap-day", "    note: 作者：样例", "    published: 2024-02-29", True),
    ("leap-day-in-a-common-year", "    note: 作者：样例", "    published: 2023-02-29", False),
    ("leap-century", "    note: 作者：样例", "    published: 2000-02-29", True),
    ("common-century", "    note: 作者：样例", "    published: 1900-02-29", False),
    ("date-as-number", "    note: 作者：样例", "    published: 0", False),
    ("date-with-time", "    note: 作者：样例", "    published: 2022-07-20 10:00", False),
    ("placeholder", "unit: 河畔社区党委", "unit: 【待填写】单位", False),
    ("zero-width-title", "title: 河畔社区：每月两次中心组学习", "title: \u200b\u200b", False),
    ("direction-override", "unit: 河畔社区党委", "unit: 河畔\u202e社区", False),
    ("escaped-separator", "unit: 河畔社区党委", 'unit: "河畔\\u2029社区"', False),
    ("unknown-theme", "themes: [learning-forms, results]", "themes: [learning-form]", False),
    ("too-many-themes", "themes: [learning-forms, results]", "themes: [a, b, c, d, e, f]", False),
    ("invisible-in-summary", _SUMMARY, 'summary: "\\u202e矿区社区党委\\u200b\\u2029第二段"', False),
    ("filler-title", _TITLE, 'title: "\\u3164\\u3164\\u3164"', False),
    ("ideographic-space-title", _TITLE, 'title: "\\u3000"', False),
    ("spaces-title", _TITLE, 'title: "   "', False),
    ("spaces-unit", "unit: 河畔社区党委", 'unit: "  "', False),
    ("padded-id", "id: river-community", 'id: " river-community "', False),
    ("padded-org-type", "org_type: urban-community", 'org_type: " urban-community"', False),
    ("summary-of-80-and-spaces", _SUMMARY, f'summary: "{"字" * 80}  "', True),
    ("summary-of-81", _SUMMARY, f"summary: {'字' * 81}", False),
    ("summary-as-block-text", _SUMMARY, "summary: |\n  社区党委以中心组学习带动全体党员学习", True),
    ("title-with-line-break-at-end", _TITLE, 'title: "河畔社区\\n"', True),
    ("emoji-selector", "unit: 河畔社区党委", 'unit: "河畔社区☎\\ufe0f"', True),
    ("stray-selector", "unit: 河畔社区党委", 'unit: "河畔\\ufe0f社区"', False),
    ("tag-character", "unit: 河畔社区党委", 'unit: "河畔\\U000E0041社区"', False),
    ("braille-blank-figure", "value: 每月 2 次", 'value: "每月\\u2800 2 次"', False),
    ("soft-hyphen-lesson", "  - 制度比口号管用。", '  - "制度比\\u00ad口号管用。"', False),
    ("padded-date", "    note: 作者：样例", '    published: " 2022-07-20 "', True),
    ("full-width-date", "    note: 作者：样例", '    published: "２０２２-０７-２０"', False),
]


def _kb_check_accepts(root: Path) -> bool:
    from generator.errors import ContentErrors

    try:
        load_project(root / "content", root=root)
    except ContentErrors:
        return False
    return True


@pytest.mark.parametrize(
    ("name", "old", "new", "valid"), _AGREEMENT, ids=[case[0] for case in _AGREEMENT]
)
def test_schema_and_kb_check_agree(
    write_project, name: str, old: str, new: str, valid: bool
) -> None:
    """What the editor's schema flags, `kb check` refuses, and what it accepts, `kb check` accepts."""
    from generator.load import parse_document

    text = _SAMPLE_CASE.replace(old, new, 1) if old else _SAMPLE_CASE
    assert old == "" or text != _SAMPLE_CASE
    checked = _kb_check_accepts(write_project({"content/cases/river-community.yml": text}))
    document, _ = parse_document(
        text.encode(), path="content/cases/river-community.yml", content_path="cases/x.yml"
    )
    schema = json.loads((REPO / SCHEMA_DIR / "case.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["org_type"]["enum"].append("urban-community")
    schema["properties"]["themes"]["items"]["enum"] = [
        "learning-forms",
        "results",
        "learning-philosophy",
    ]
    assert document is not None
    schema_ok = jsonschema.Draft202012Validator(schema).is_valid(document.data)
    assert (checked, schema_ok) == (valid, valid)


@pytest.mark.parametrize(
    ("order", "valid"), [("3", True), ("yes", False), ('"3"', False), ("3.0", True), ("3.5", False)]
)
def test_taxonomy_schema_and_kb_check_agree_on_order(
    write_project, order: str, valid: bool
) -> None:
    """The taxonomy's `order` is a whole number for both the schema and `kb check` (3.0 is 3:
    JSON Schema cannot tell them apart)."""
    from generator.load import parse_document

    source = (REPO / "tests/fixtures/sample/content/taxonomy.yml").read_text(encoding="utf-8")
    text = source.replace("    order: 3\n", f"    order: {order}\n", 1)
    checked = _kb_check_accepts(write_project({"content/taxonomy.yml": text}))
    document, _ = parse_document(text.encode(), path="t.yml", content_path="taxonomy.yml")
    schema = json.loads((REPO / SCHEMA_DIR / "taxonomy.schema.json").read_text(encoding="utf-8"))
    assert document is not None
    assert (checked, jsonschema.Draft202012Validator(schema).is_valid(document.data)) == (
        valid,
        valid,
    )


def test_schemas_word_the_editors_inline_errors_in_chinese() -> None:
    """Every field's schema carries a Chinese message the YAML language server shows."""
    for name in ("case", "practice", "material", "taxonomy"):
        schema = json.loads((REPO / SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8"))
        nodes = [schema, *schema.get("$defs", {}).values()]
        for node in nodes:
            for field, prop in node.get("properties", {}).items():
                if "$ref" in prop or field == "kind":
                    continue
                carriers = [prop, *prop.get("anyOf", [])]
                assert any(
                    re.search(r"[\u4e00-\u9fff]", c.get("errorMessage", "")) for c in carriers
                ), (
                    name,
                    field,
                )
                for carrier in [*carriers, prop.get("items", {})]:
                    if "pattern" in carrier:
                        assert re.search(
                            r"[\u4e00-\u9fff]", carrier.get("patternErrorMessage", "")
                        ), (
                            name,
                            field,
                        )
