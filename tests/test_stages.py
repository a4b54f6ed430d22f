"""Loading with positions, indexing, and URLs: the pipeline stages on small projects."""

from __future__ import annotations

import re

import pytest

from generator.check import load_project
from generator.errors import ContentErrors
from generator.index import RELATED_LIMIT, build_index, relatedness, resolve_related
from generator.load import parse_document
from generator.render import page_url, paragraphs, relative_url
from tests.conftest import SAMPLE

REPO_SAMPLE = SAMPLE / "content"


def test_positions_point_at_values() -> None:
    """Every value's line and column are remembered, including list items in nested maps."""
    raw = "id: x\nsections:\n  - title: 一\n    points:\n      - 甲\n      - 乙\n".encode()
    document, errors = parse_document(
        raw, path="content/materials/x.yml", content_path="materials/x.yml"
    )
    assert errors == [] and document is not None
    assert document.positions[("id",)] == (1, 5)
    assert document.positions[("sections", 0, "points", 1)] == (6, 9)
    assert document.position(("sections", 0, "missing_field")) == (3, 5)


def test_empty_file_is_a_document_without_data() -> None:
    """An empty file parses to no data, so validation can say what is missing."""
    document, errors = parse_document(b"", path="content/cases/a.yml", content_path="cases/a.yml")
    assert errors == [] and document is not None and document.data is None


def test_index_groups_by_theme_type_kind_and_both(write_project) -> None:
    """Listings and matrix cells hold exactly the entries tagged with them."""
    root = write_project({})
    index = build_index(load_project(root / "content", root=root))
    assert [t.id for t in index.themes] == ["learning-philosophy", "learning-forms", "results"]
    assert [e.id for e in index.by_theme["learning-forms"]] == [
        "river-community",
        "twice-monthly-study",
    ]
    assert [e.id for e in index.by_org_type["school"]] == ["hill-school"]
    assert {k: [e.id for e in v] for k, v in index.by_kind.items()} == {
        "case": ["river-community"],
        "practice": ["twice-monthly-study"],
        "material": ["hill-school"],
    }
    assert {k: len(v) for k, v in index.matrix.items()} == {
        ("learning-forms", "urban-community"): 2,
        ("results", "urban-community"): 1,
        ("learning-philosophy", "school"): 1,
    }
    assert [p.id for p in index.cited_by["river-community"]] == ["twice-monthly-study"]
    assert [p.id for p in index.cited_by["hill-school"]] == ["twice-monthly-study"]


def test_related_entries_rank_shared_themes_first(write_project) -> None:
    """Entries sharing more themes rank higher; citations are listed elsewhere, not as related."""
    case = {
        "id": "other-case",
        "kind": "case",
        "title": "另一个社区",
        "summary": "摘要",
        "org_type": "school",
        "themes": ["learning-forms", "results"],
        "sources": [{"document": "s.txt", "title": "来源"}],
        "unit": "单位",
        "region": "地区",
        "period": "时间",
        "background": "背景",
        "actions": [{"title": "做法", "text": "内容"}],
        "results": {"summary": "成效"},
        "lessons": ["启示"],
    }
    root = write_project({"content/cases/other-case.yml": case})
    index = build_index(load_project(root / "content", root=root))
    entries = index.project.entries
    assert relatedness(entries["river-community"], entries["other-case"]) == 6
    assert relatedness(entries["river-community"], entries["hill-school"]) == 0
    assert [e.id for e in index.related["river-community"]] == ["other-case"]
    assert [e.id for e in index.related["other-case"]] == [
        "river-community",
        "twice-monthly-study",
        "hill-school",
    ]
    assert "river-community" not in [e.id for e in index.related["twice-monthly-study"]]


@pytest.mark.parametrize(
    ("src_uri", "directory", "flat"),
    [
        ("index.md", "", "index.html"),
        ("themes/index.md", "themes/", "themes/index.html"),
        ("themes/results.md", "themes/results/", "themes/results.html"),
        ("matrix.md", "matrix/", "matrix.html"),
    ],
)
def test_page_urls_are_readable(src_uri: str, directory: str, flat: str) -> None:
    """URLs are short ASCII slugs in both MkDocs URL styles, never percent-encoded Chinese."""
    assert page_url(src_uri, directory_urls=True) == directory
    assert page_url(src_uri, directory_urls=False) == flat


@pytest.mark.parametrize(
    ("here", "there", "link"),
    [
        ("", "themes/results/", "themes/results/"),
        ("themes/results/", "", "../../"),
        ("cases/a/", "cases/", "../"),
        ("cases/a/", "cases/a/", "./"),
        ("cases/a.html", "themes/b.html", "../themes/b.html"),
        ("index.html", "cases/index.html", "cases/index.html"),
    ],
)
def test_relative_links(here: str, there: str, link: str) -> None:
    """Links are relative so the site works under any path prefix and from disk."""
    assert relative_url(here, there) == link


def test_paragraphs_split_on_blank_lines() -> None:
    """Blank lines separate paragraphs; Latin words wrapped across lines keep a space."""
    assert paragraphs("甲\n乙\n\n  丙  \n") == ["甲乙", "丙"]
    assert paragraphs("learning\norganization") == ["learning organization"]


def _brute_force_related(entry, entries):
    """The ranking rule spelled out pair by pair, as the reference for the fast version."""
    from generator.model import BestPractice

    def cites(a, b):
        return isinstance(a, BestPractice) and b.id in a.cases

    scored = [
        (relatedness(entry, other), other.kind != entry.kind, i, other)
        for i, other in enumerate(entries)
        if other.id != entry.id and not cites(entry, other) and not cites(other, entry)
    ]
    ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], not s[1], s[2]))
    return [other.id for *_, other in ranked[:RELATED_LIMIT]]


def _random_entries(
    rng, count: int, *, start: int = 0, themes: int = 9, orgs: int = 5, most_themes: int = 5
) -> list:
    """Cases and practices (every fourth, citing earlier cases) with random themes."""
    from generator.model import BestPractice, CaseStudy

    theme_ids = [f"t{i}" for i in range(themes)]
    org_ids = [f"o{i}" for i in range(orgs)]
    common = {"summary": "摘要", "sources": [{"document": "s.txt", "title": "来源"}]}
    entries = []
    for i in range(start, start + count):
        fields = {
            "id": f"e{i:03d}",
            "title": f"条目{i}",
            "org_type": rng.choice(org_ids),
            "themes": rng.sample(theme_ids, rng.randint(1, most_themes)),
            **common,
        }
        if i % 4 == 3:
            cited = [f"e{j:03d}" for j in rng.sample(range(0, i, 4), min(3, i // 4 + 1))]
            entries.append(
                BestPractice(
                    kind="practice",
                    steps=[{"title": "步", "text": "文"}],
                    fits="场景",
                    cases=cited,
                    **fields,
                )
            )
        else:
            entries.append(
                CaseStudy(
                    kind="case",
                    unit="单位",
                    region="地区",
                    period="时间",
                    background="背景",
                    actions=[{"title": "做法", "text": "内容"}],
                    results={"summary": "成效"},
                    lessons=["启示"],
                    **fields,
                )
            )
    return entries


def _in_project_order(entries: list) -> dict:
    """Entries by id in the project's order: by kind, then id."""
    order = {"case": 0, "practice": 1, "material": 2}
    return {e.id: e for e in sorted(entries, key=lambda e: (order[e.kind], e.id))}


def test_related_entries_match_the_pairwise_rule() -> None:
    """The set-based ranking gives exactly what scoring every pair would, citations excluded."""
    import random

    entries = list(_in_project_order(_random_entries(random.Random(7), 150)).values())
    fast = resolve_related(entries)
    for entry in entries:
        assert [e.id for e in fast[entry.id]] == _brute_force_related(entry, entries), entry.id


def test_related_entries_after_an_edit_match_a_full_ranking() -> None:
    """A preview ranks again only the entries an edit can affect, and gets what ranking
    everything afresh gives: for new and deleted entries, changed themes, organization
    types and citations, and edits that change nothing ranking looks at."""
    import random

    from generator.index import update_related
    from generator.model import BestPractice

    rng = random.Random(11)
    # Few themes each among many, so that some entries have fewer related entries than shown.
    shape = {"themes": 20, "orgs": 12, "most_themes": 2}
    current = _in_project_order(_random_entries(rng, 60, **shape))
    related = resolve_related(list(current.values()))
    fresh_ids = iter(range(500, 10_000))
    for step in range(150):
        edited = dict(current)
        action = step % 5
        target = rng.choice(list(edited))
        entry = edited[target]
        if action == 0:  # a new entry
            (new,) = _random_entries(rng, 1, start=next(fresh_ids), **shape)
            if isinstance(new, BestPractice):
                cases = [i for i, e in edited.items() if e.kind == "case"]
                new = new.model_copy(update={"cases": rng.sample(cases, 2)})
            edited[new.id] = new
        elif action == 1:  # a deleted entry, and the citations of it
            del edited[target]
            for i, e in list(edited.items()):
                if isinstance(e, BestPractice) and target in e.cases:
                    edited[i] = e.model_copy(update={"cases": [c for c in e.cases if c != target]})
        elif action == 2:  # other themes
            themes = rng.sample([f"t{i}" for i in range(20)], rng.randint(1, 2))
            edited[target] = entry.model_copy(update={"themes": themes})
        elif action == 3:  # another organization type, or other citations
            if isinstance(entry, BestPractice):
                cases = [i for i, e in edited.items() if e.kind == "case"]
                edited[target] = entry.model_copy(update={"cases": rng.sample(cases, 2)})
            else:
                edited[target] = entry.model_copy(update={"org_type": f"o{rng.randrange(12)}"})
        else:  # a new title: a new object, ranked as before
            edited[target] = entry.model_copy(update={"title": "改过的标题"})
        edited = _in_project_order(list(edited.values()))
        updated = update_related(related, current, edited)
        expected = resolve_related(list(edited.values()))
        assert {i: [e.id for e in v] for i, v in updated.items()} == {
            i: [e.id for e in v] for i, v in expected.items()
        }, (step, action, target)
        assert all(e is edited[e.id] for v in updated.values() for e in v)
        current, related = edited, updated
    assert any(len(shown) < RELATED_LIMIT for shown in related.values())


def _parse(text: str):
    return parse_document(text.encode(), path="content/cases/x.yml", content_path="cases/x.yml")


def test_values_are_read_as_yaml_1_2_and_schema_checkers_read_them() -> None:
    """yes stays text, numbers are numbers (their written form kept for messages), dates are text."""
    document, problems = _parse(
        "title: 0123\nperiod: 2019.10\nregion: 20:30\norder: 3\npublished: 2024-01-02\n"
        "note: <<\nanswer: yes\nflag: true\nempty: ~\n"
    )
    assert problems == [] and document is not None
    assert document.data == {
        "title": 123,
        "period": 2019.1,
        "region": "20:30",
        "order": 3,
        "published": "2024-01-02",
        "note": "<<",
        "answer": "yes",
        "flag": True,
        "empty": None,
    }
    assert document.written[("title",)] == "0123"
    assert document.written[("period",)] == "2019.10"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", "不支持锚点（&）和别名（*）"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", "不支持“<<”合并写法"),
        ("unit: !!python/object:os.system x\n", "不支持“!!python/object:os.system”这类标记"),
        ("a: " + "[" * 3000 + "]" * 3000 + "\n", "嵌套的层数过多"),
        (
            "".join("  " * i + f"k{i}:\n" for i in range(1500)) + "  " * 1500 + "v\n",
            "嵌套的层数过多",
        ),
    ],
)
def test_unsupported_yaml_is_reported_not_raised(text: str, message: str) -> None:
    """Aliases, merge keys, tags and absurd nesting give one plain message, never a traceback."""
    document, problems = _parse(text)
    assert document is not None and document.broken
    assert len(problems) == 1 and message in problems[0].message


def test_an_unreadable_file_is_reported_with_the_others(tmp_path, monkeypatch) -> None:
    """A file that cannot be read is one problem in the report; other files still load."""
    from pathlib import Path

    from generator.load import read_documents

    (tmp_path / "cases").mkdir()
    locked = tmp_path / "cases" / "locked.yml"
    locked.write_text("id: locked\n", encoding="utf-8")
    (tmp_path / "cases" / "open.yml").write_text("id: open\n", encoding="utf-8")
    read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self == locked:
            raise PermissionError(13, "权限不够")
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    documents, problems = read_documents(tmp_path, root=tmp_path)
    assert [d.content_path for d in documents] == ["cases/open.yml"]
    assert [(p.path, p.message) for p in problems] == [
        ("cases/locked.yml", "无法读取这个文件（权限不够）。")
    ]


def test_a_broken_taxonomy_is_not_also_called_missing(write_project) -> None:
    """A taxonomy with a syntax error is reported once, for what it is."""
    root = write_project({"content/taxonomy.yml": "themes: [a\n"})
    with pytest.raises(ContentErrors) as caught:
        load_project(root / "content", root=root)
    taxonomy = [e for e in caught.value.errors if e.path == "content/taxonomy.yml"]
    assert len(taxonomy) == 1 and "YAML 语法错误" in taxonomy[0].message


@pytest.mark.parametrize(
    ("encoding", "told"),
    [
        ("big5", "看起来是繁体中文的 Big5 编码"),
        ("gb18030", "看起来是简体中文的 GBK/GB18030 编码"),
        ("utf-16-le", "看起来是UTF-16 编码"),
        ("utf-16", "看起来是UTF-16 编码"),
    ],
)
def test_a_file_in_another_encoding_is_named_by_a_real_detector(encoding: str, told: str) -> None:
    """Big5 is not called GBK, UTF-16 without a byte-order mark is recognised."""
    text = "id: river-community\ntitle: 河畔社區：每月兩次中心組學習\nsummary: 社區黨委以學習帶動黨員學習\n"
    document, problems = parse_document(
        text.encode(encoding), path="content/cases/x.yml", content_path="cases/x.yml"
    )
    assert document is None and len(problems) == 1
    assert told in problems[0].message and "UTF-8" in problems[0].hint


def test_a_file_that_is_not_text_is_called_so() -> None:
    """A Word file or picture renamed to .yml is told apart from a wrongly encoded text."""
    document, problems = parse_document(
        bytes(range(256)) * 8, path="content/cases/x.yml", content_path="cases/x.yml"
    )
    assert document is None and "不是文本文件" in problems[0].message


def test_a_huge_value_is_quoted_short(write_project) -> None:
    """A one-megabyte value in a wrong place is cut in the message, not echoed in full."""
    root = write_project({"content/cases/river-community.yml": None})
    path = root / "content/cases/river-community.yml"
    source = (REPO_SAMPLE / "cases/river-community.yml").read_text(encoding="utf-8")
    huge = "org_type: " + "乡" * 1_000_000
    path.write_text(source.replace("org_type: urban-community", huge), "utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_project(root / "content", root=root)
    report = caught.value.report()
    assert len(report) < 2_000 and "（共 1000000 字）" in report


def test_no_parser_english_reaches_editors() -> None:
    """Every YAML Test Suite style syntax slip is worded in Chinese (no English parser text)."""
    samples = [
        "a: b\n--- \nc\n...\nd: [\n",
        'a: "x\\qy"\n',
        "a: |0\n  x\n",
        "a: !<tag:x> b\n",
        "%YAML 2.0\n---\na: b\n",
        "a: [b, c]]\n",
        "a:\n  - b\n c: d\n",
        "? a\n? b\n: c\n: d\n",
        "a: *\n",
        "a: 'x\n",
        "{a: b\n",
        "a: b: c\n",
        "- a\nb: c\n",
        "a: @x\n",
        "a: `x\n",
    ]
    for text in samples:
        _, problems = _parse(text)
        assert problems, text
        for problem in problems:
            words = problem.message + problem.hint
            assert not re.search(r"\b(?:expected|found|while|scanning|parsing|but)\b", words), (
                text,
                words,
            )
