"""What the site carries for the editors' form: the page, linked from everywhere an editor looks,
its description of the model (derived, never restated), each entry's values for 修改此条目, and
where 提交到代码仓库 goes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator.check import load_project, load_taxonomy
from generator.emit import entry_file, entry_yaml
from generator.fields import field_specs
from generator.form import entry_source, script_json
from generator.form.describe import form_description, form_model, form_rules
from generator.form.repository import repository_pages
from generator.index import build_index
from generator.model import KINDS
from generator.render import Renderer, plan_pages, site_nav
from generator.routes import Routes
from generator.schema import build_schemas
from tests.conftest import REPO, site_name

PROJECT = load_project(REPO / "content", root=REPO)
INDEX = build_index(PROJECT)
RENDERER = Renderer(REPO / "theme" / "kb", INDEX, site_name=site_name(REPO / "mkdocs.yml"))
PLANNED = {page.src_uri: page for page in plan_pages(INDEX)}


def _html(src_uri: str) -> str:
    return RENDERER.render(PLANNED[src_uri]).html


def _embedded(html: str, marker: str) -> Any:
    found = re.search(rf"<script type=\"application/json\" {marker}>(.*?)</script>", html, re.S)
    assert found, marker
    return json.loads(found.group(1))


def test_form_page_is_in_the_navigation() -> None:
    """投稿与修改 is a page of every build and a line of the navigation."""
    assert Routes.form in PLANNED and PLANNED[Routes.form].title == "投稿与修改"
    assert ("投稿与修改", Routes.form) in site_nav()


@pytest.mark.parametrize(
    "src_uri",
    [
        "index.md",
        "cases/index.md",
        "themes/learning-philosophy.md",
        "org-types/urban-community.md",
        "packs/index.md",
    ],
)
def test_home_and_listing_pages_link_to_the_form(src_uri: str) -> None:
    """The home page and each listing page tell editors where to add an entry."""
    html = _html(src_uri)
    assert re.search(r'<p class="kb-contribute">[^\n]*href="[./]*form/"', html), src_uri


def _walk_fields(model: Any, described: list[dict[str, Any]]) -> None:
    specs = field_specs(model)
    assert [field["name"] for field in described] == [spec.name for spec in specs]
    for spec, field in zip(specs, described, strict=True):
        assert (field["label"], field["help"], field["required"], field["shape"]) == (
            spec.label,
            spec.help,
            spec.required,
            spec.shape,
        )
        if spec.model is not None:
            _walk_fields(spec.model, field["fields"])


def test_description_holds_every_field_in_the_models_order() -> None:
    """Each kind's fields, nested ones too, are the model's, with its labels and help."""
    description = form_description(PROJECT.taxonomy)
    assert [kind["kind"] for kind in description["kinds"]] == list(KINDS)
    for kind in description["kinds"]:
        _walk_fields(KINDS[kind["kind"]].model, kind["fields"])
    practice = next(k for k in description["kinds"] if k["kind"] == "practice")
    cases = next(f for f in practice["fields"] if f["name"] == "cases")
    assert cases["refers"] == {"to": "entries", "kinds": ["case", "material"]}


def _restore(node: Any, patterns: list[str]) -> Any:
    if isinstance(node, dict):
        if set(node) == {"$p"}:
            return patterns[node["$p"]]
        return {key: _restore(value, patterns) for key, value in node.items()}
    if isinstance(node, list):
        return [_restore(item, patterns) for item in node]
    return node


def _without_annotations(node: Any) -> Any:
    dropped = {"description", "title", "enumDescriptions", "markdownEnumDescriptions", "default"}
    if isinstance(node, dict):
        return {
            key: _without_annotations(value)
            for key, value in node.items()
            if key not in dropped or isinstance(value, dict)
        }
    if isinstance(node, list):
        return [_without_annotations(item) for item in node]
    return node


def test_description_carries_the_schemas_kb_schema_writes() -> None:
    """The form validates with the JSON Schemas of schemas/, each rule and message included."""
    taxonomy = load_taxonomy(REPO / "content", root=REPO)
    description = form_description(taxonomy)
    written = build_schemas(taxonomy)
    for kind in KINDS:
        restored = _restore(description["schemas"][kind], description["patterns"])
        assert restored == _without_annotations(written[f"{kind}.schema.json"])


def test_form_page_embeds_the_description_safely() -> None:
    """The description stands in the page as JSON no text in it can close or break."""
    html = _html(Routes.form)
    description = _embedded(html, "data-kb-form-description")
    assert description["taxonomy"]["themes"][0]["id"] == PROJECT.taxonomy.themes[0].id
    body = html.split("data-kb-form-description>", 1)[1].split("</script>", 1)[0]
    assert "<" not in body and "\u2028" not in body and "\x85" not in body


def test_form_page_carries_what_draws_the_form_and_the_data_what_checks_it() -> None:
    """The page holds what the form is drawn and written from; the schemas and kb check's
    wording, which only a check needs, are in the form's data (form/rules.js), loaded then."""
    from generator.form.data import entry_clauses, form_files

    page = _embedded(_html(Routes.form), "data-kb-form-description")
    assert page == form_model(PROJECT.taxonomy) and "schemas" not in page
    files = form_files(INDEX, [entry_clauses(e) for e in PROJECT.entries.values()])
    text = files["form/rules.js"].decode()
    assert text.startswith('kbFormData.add("rules",')
    rules = json.loads(text[text.index(",") + 1 : text.rindex(")")])
    assert rules == json.loads(json.dumps(form_rules(PROJECT.taxonomy)))
    assert {**page, **rules} == json.loads(json.dumps(form_description(PROJECT.taxonomy)))


def test_script_json_cannot_close_its_element() -> None:
    """Text like </script><script>…</script> stays data inside the element."""
    text = script_json({"title": "</script><script>alert(1)</script>\u2028<!--"})
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text)["title"].startswith("</script>")


@pytest.mark.parametrize("entry_id", sorted([*PROJECT.entries, *PROJECT.packs]))
def test_entry_pages_carry_their_values_for_the_form(entry_id: str) -> None:
    """An entry's page has 修改此条目 and the entry's values, which the form writes back into
    exactly the file the entry came from."""
    entry = PROJECT.entries.get(entry_id)
    src_uri = Routes.entry(entry) if entry else Routes.pack(entry_id)
    html = _html(src_uri)
    kind = entry.kind if entry else "pack"
    file = entry_file(kind, entry_id)
    assert f'#edit={file}">修改此条目</a>' in html
    values = _embedded(html, "data-kb-entry-source")
    assert entry_yaml(kind, values) == (REPO / "content" / file).read_text(encoding="utf-8")


def test_entry_source_of_a_pack_is_its_model() -> None:
    """A study pack's page carries the pack's own values, as its file has them."""
    pack = next(iter(INDEX.packs.values()))
    assert json.loads(entry_source(pack)) == PROJECT.packs[pack.id].model_dump(
        mode="json", exclude_defaults=True
    )


@pytest.mark.parametrize(
    ("repo_url", "edit_uri", "expected"),
    [
        (
            "https://github.com/org/kb",
            "edit/main/content/",
            (
                "github",
                "https://github.com/org/kb/new/main/content/",
                "https://github.com/org/kb/edit/main/content/",
                "filename",
                "value",
            ),
        ),
        (
            "https://gitlab.example/org/kb",
            "-/edit/main/content/",
            (
                "gitlab",
                "https://gitlab.example/org/kb/-/new/main/content/",
                "https://gitlab.example/org/kb/-/edit/main/content/",
                "file_name",
                "content",
            ),
        ),
        (
            "https://gitlab.example/org/kb/",
            "edit/main/site/content",
            (
                "gitlab",
                "https://gitlab.example/org/kb/-/new/main/site/content/",
                "https://gitlab.example/org/kb/-/edit/main/site/content/",
                "file_name",
                "content",
            ),
        ),
        (
            "http://git.intranet/org/kb",
            "_edit/master/content/",
            (
                "gitea",
                "http://git.intranet/org/kb/_new/master/content/",
                "http://git.intranet/org/kb/_edit/master/content/",
                "filename",
                "value",
            ),
        ),
    ],
)
def test_repository_pages_follow_each_hosts_format(
    repo_url: str, edit_uri: str, expected: tuple[str, ...]
) -> None:
    """repo_url and edit_uri as mkdocs.yml gives them lead to the host's new-file and edit pages."""
    found = repository_pages(repo_url, edit_uri, content="content")
    assert found is not None
    assert (
        found.host,
        found.new,
        found.edit,
        found.name_parameter,
        found.text_parameter,
    ) == expected


@pytest.mark.parametrize(
    ("repo_url", "edit_uri"),
    [
        (None, None),
        ("https://github.com/org/kb", None),
        ("https://github.com/org/kb", "edit/master/docs/"),  # MkDocs's default, for docs/
        ("https://github.com/org/kb", "https://elsewhere.example/edit/"),
        ("https://github.com/org/kb", "wiki/content/"),
    ],
)
def test_no_repository_page_without_a_way_to_the_content_folder(
    repo_url: str | None, edit_uri: str | None
) -> None:
    """Without a repository, or an edit_uri that does not reach content/, there is no 提交到代码仓库."""
    assert repository_pages(repo_url, edit_uri, content="content") is None


def test_form_page_names_the_repository_when_mkdocs_yml_does(tmp_path: Path) -> None:
    """The page carries the repository's pages when the site names one, and null otherwise."""
    assert _embedded(_html(Routes.form), "data-kb-form-repository") is None
    repository = repository_pages(
        "https://git.example/org/kb", "edit/main/content/", content="content"
    )
    renderer = Renderer(REPO / "theme" / "kb", INDEX, site_name="x", repository=repository)
    html = renderer.render(PLANNED[Routes.form]).html
    assert (
        _embedded(html, "data-kb-form-repository")["new"]
        == "https://git.example/org/kb/new/main/content/"
    )


def test_form_data_compares_what_kb_check_compares() -> None:
    """The near-duplicate data is worked out from each entry's values as kb check works it out
    from its file: the same clauses for every content entry."""
    from generator.check.similar import clauses
    from generator.check.simplified import fold, joined_texts
    from generator.form.data import entry_clauses
    from generator.parse import parse_document

    for entry_id, entry in PROJECT.entries.items():
        path = REPO / PROJECT.files[entry_id]
        document, _ = parse_document(
            path.read_bytes(), path=path.name, content_path=f"{path.parent.name}/{path.name}"
        )
        assert document is not None
        data = document.data
        found = clauses(data, KINDS[entry.kind].model, fold(data, joined_texts(data)))
        assert entry_clauses(entry).tolist() == found.tolist(), entry_id


def test_form_data_names_every_entry_and_pack() -> None:
    """Each entry and study pack is in the ids file its id hashes to, with its kind and title;
    the manifest says where the content folder is."""
    from generator.form.data import bucket, entry_clauses, form_files

    files = form_files(INDEX, [entry_clauses(e) for e in PROJECT.entries.values()])

    def data(path: str) -> Any:
        text = files[path].decode()
        return json.loads(text[text.index(",") + 1 : text.rindex(")")])

    manifest = data("form/manifest.js")
    assert manifest["prefix"] == "content/" and manifest["entries"] == len(PROJECT.entries)
    for entry_id, kind, title in [
        *((e.id, e.kind, e.title) for e in PROJECT.entries.values()),
        *((p.id, "pack", p.title) for p in PROJECT.packs.values()),
    ]:
        ids = data(f"form/ids/{bucket(entry_id, manifest['ids'])}.js")
        assert ids[entry_id] == [manifest["kinds"].index(kind), title]


def test_only_the_preview_offers_to_save() -> None:
    """A built site's form page carries no save token: only kb serve adds one, to its own copy."""
    from generator.form.save import with_token

    html = _html(Routes.form)
    assert "data-kb-save" not in html
    assert 'data-kb-save="t0ken"' in with_token(html, "t0ken")
    assert with_token(_html("index.md"), "t0ken") == _html("index.md")
