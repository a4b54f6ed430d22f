"""A new kind of entry is one declaration: declared beside the others (a model with two fields
and a :class:`~generator.model.Kind`), it gets its folder, its pages, a schema, a scaffold,
search and imports without any other module being touched."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.docs import GUIDE_IMAGES
from tests.conftest import REPO, SAMPLE

DECLARATION = '''"""A kind of entry declared by a test, imported before the rest of the generator."""

from typing import Annotated, Literal

from pydantic import Field

from generator.model import BodyText, EntryBase, Imported, Kind, Shown, declare


class Notice(EntryBase):
    """通知: a throw-away kind with two fields of its own."""

    kind: Literal["notice"]
    """类型：固定为 notice（通知）。"""
    notes: Annotated[BodyText, Shown("通知内容", "notes")]
    """通知内容：通知说了什么，可分多段。"""
    reasons: Annotated[
        list[BodyText],
        Shown("为什么开展", "reasons", only_when_filled=True),
        Imported(("background",)),
    ] = Field(default_factory=list)
    """开展原因：为什么发这份通知，分条写，可省略。"""


declare(
    Kind("notice", "通知", "notices", Notice, page=("notes", "reasons"), import_main="notes")
)
'''

RUN_KB = """
import sys

import notice_kind
from generator.cli import main

main(sys.argv[1:])
"""

SEARCHED = """
import json
from pathlib import Path

import notice_kind
from generator.index import build_index
from generator.search.documents import search_documents
from generator.check import load_project

index = build_index(load_project(Path("content"), root=Path(".")))
docs = search_documents(index, directory_urls=True)
print(json.dumps([[d.url, d.kind, d.title, d.body] for d in docs], ensure_ascii=False))
"""

NOTICE = """\
id: first-notice
kind: notice
title: 关于开展读书月活动的通知
summary: 每月一次读书分享，支部书记带头领读
org_type: urban-community
themes: [learning-philosophy]
sources:
  - document: sample-source.txt
    title: 样例来源
notes: |
  全体党员每月读一本书，月底交流读书心得。

  支部书记带头领读，青年党员轮流主持分享会。
"""


def _python(project: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=project,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project with one entry of the new kind, built with it declared."""
    root = tmp_path_factory.mktemp("new-kind")
    shutil.copytree(SAMPLE / "content", root / "content")
    shutil.copy(REPO / "CONTRIBUTING.md", root / "CONTRIBUTING.md")
    shutil.copytree(REPO / GUIDE_IMAGES, root / GUIDE_IMAGES)  # the guide's pictures
    (root / "mkdocs.yml").write_text(
        (SAMPLE / "mkdocs.yml")
        .read_text(encoding="utf-8")
        .replace("../../../theme", str(REPO / "theme")),
        encoding="utf-8",
    )
    # Its own module, as a newcomer would write it (field docstrings are read from source).
    (root / "notice_kind.py").write_text(DECLARATION, encoding="utf-8")
    (root / "content" / "notices").mkdir()
    (root / "content" / "notices" / "first-notice.yml").write_text(NOTICE, encoding="utf-8")
    built = _python(root, RUN_KB, "build", "--strict", "-q", "-d", "site")
    assert built.returncode == 0, built.stderr
    return root


def test_a_new_kind_gets_a_listing_and_pages(project: Path) -> None:
    """Its folder is read, and the site gets a listing of the kind and a page per entry,
    its field under the heading it declares."""
    listing = (project / "site" / "notices" / "index.html").read_text(encoding="utf-8")
    assert "关于开展读书月活动的通知" in listing
    page = (project / "site" / "notices" / "first-notice" / "index.html").read_text(
        encoding="utf-8"
    )
    assert '<h2 id="notes">通知内容</h2>' in page
    assert "<p>支部书记带头领读，青年党员轮流主持分享会。</p>" in page
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "通知" in home


def test_a_new_kind_gets_a_schema_and_a_scaffold(project: Path) -> None:
    """`kb schema` writes its editors' schema, and `kb new` its scaffold, in its folder."""
    assert _python(project, RUN_KB, "schema").returncode == 0
    schema = json.loads((project / "schemas" / "notice.schema.json").read_text(encoding="utf-8"))
    assert "notes" in schema["properties"] and "notes" in schema["required"]
    made = _python(
        project,
        RUN_KB,
        "new",
        "notice",
        "--title",
        "另一份通知",
        "--id",
        "second-notice",
        "--org-type",
        "urban-community",
        "--theme",
        "learning-philosophy",
    )
    assert made.returncode == 0, made.stderr
    scaffold = (project / "content" / "notices" / "second-notice.yml").read_text(encoding="utf-8")
    assert "kind: notice" in scaffold and "notes:" in scaffold and "通知内容" in scaffold
    (project / "content" / "notices" / "second-notice.yml").unlink()


def test_a_new_kind_is_searched(project: Path) -> None:
    """The search index holds the entry, with the text of the field the kind declares."""
    found = _python(project, SEARCHED)
    assert found.returncode == 0, found.stderr
    docs = {url: (kind, title, body) for url, kind, title, body in json.loads(found.stdout)}
    kind, title, body = docs["notices/first-notice/"]
    assert kind == "notice" and title == "关于开展读书月活动的通知"
    assert "青年党员轮流主持分享会" in body


def test_a_new_kind_can_be_written_in_the_form(project: Path) -> None:
    """The editors' form offers the kind with its label, folder and field, and its entry's page
    links to the form to correct it."""
    form = (project / "site" / "form" / "index.html").read_text(encoding="utf-8")
    found = re.search(
        r"<script type=\"application/json\" data-kb-form-description>(.*?)</script>", form
    )
    assert found
    kinds = {kind["kind"]: kind for kind in json.loads(found.group(1))["kinds"]}
    notice = kinds["notice"]
    assert (notice["label"], notice["folder"], notice["entry"]) == ("通知", "notices", True)
    notes = next(field for field in notice["fields"] if field["name"] == "notes")
    assert (notes["label"], notes["shape"]) == ("通知内容", "text")
    assert "notes" in notice["compared"]
    assert "通知" in form.split('class="kb-lead"', 1)[1].split("</p>", 1)[0]
    page = (project / "site" / "notices" / "first-notice" / "index.html").read_text(
        encoding="utf-8"
    )
    assert '#edit=notices/first-notice.yml">修改此条目</a>' in page


def test_a_new_kind_is_imported(project: Path, tmp_path: Path) -> None:
    """`kb import --kind` offers it; a section whose heading says background goes to the field
    the kind marks as taking background, every other section to the kind's main field."""
    document = tmp_path / "通知.txt"
    document.write_text(
        "读书月活动通知\n\n一、活动背景\n\n为了营造读书氛围，支部决定开展读书月活动。\n\n"
        "二、活动安排\n\n每周五下午集中读书一小时，月底交流读书心得。\n",
        encoding="utf-8",
    )
    content = tmp_path / "content"
    shutil.copytree(project / "content", content)
    imported = _python(
        project, RUN_KB, "import", str(document), "--kind", "notice", "--content", str(content)
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    (draft,) = [p for p in (content / "notices").glob("*.yml") if p.stem != "first-notice"]
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert data["kind"] == "notice"
    assert ["为了营造读书氛围" in reason for reason in data["reasons"]] == [True]
    assert "每周五下午集中读书一小时" in data["notes"] and "读书氛围" not in data["notes"]
    assert "“一、活动背景” → 开展原因（reasons）" in imported.stdout
