"""Full builds: the real content in strict mode, the kb command, and what reaches the site."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from generator import publish
from generator.check import load_project
from generator.model import ENTRY_KINDS, KINDS
from generator.publish import replace_site
from tests.conftest import REPO, build_with_mkdocs
from tests.kb_commands import KB, MKDOCS, run, run_here
from tests.search_files import iter_bucket_tokens


def test_real_site_has_a_page_per_entry_and_listing(real_site: Path) -> None:
    """Every entry, theme, organization type and kind has its page in the built site."""
    project = load_project(REPO / "content", root=REPO)
    for entry in project.entries.values():
        assert (real_site / KINDS[entry.kind].folder / entry.id / "index.html").is_file()
    for taxon in project.taxonomy.themes:
        assert (real_site / "themes" / taxon.id / "index.html").is_file()
    for taxon in project.taxonomy.org_types:
        assert (real_site / "org-types" / taxon.id / "index.html").is_file()
    for folder in ["", "themes", "org-types", "matrix", *(k.folder for k in ENTRY_KINDS.values())]:
        assert (real_site / folder / "index.html").is_file()


def test_content_sources_are_not_published(real_site: Path) -> None:
    """YAML sources and the search dictionary stay out of the published site."""
    published = {p.suffix for p in real_site.rglob("*") if p.is_file()}
    assert not published & {".yml", ".yaml", ".txt"}


def test_real_content_covers_every_seed_document() -> None:
    """Each source document is represented, and every entry names a real source document."""
    from tests.fingerprint import Fingerprint

    project = load_project(REPO / "content", root=REPO)
    cited = {s.document for e in project.entries.values() for s in e.sources}
    assert cited == set(Fingerprint.load().documents)
    kinds = [e.kind for e in project.entries.values()]
    assert (
        kinds.count("case") >= 2 and kinds.count("material") >= 3 and kinds.count("practice") >= 6
    )


_EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)=\"(?:https?:)?//", re.I
)


def test_no_page_loads_anything_from_outside(real_site: Path) -> None:
    """No page or stylesheet refers to a web font, CDN or any other outside resource."""
    for html in real_site.rglob("*.html"):
        assert not _EXTERNAL.search(html.read_text(encoding="utf-8")), html
    for css in real_site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"(?:@import|url\()\s*[\"']?(?:https?:)?//", text), css


def test_every_page_loads_the_styles_in_its_head_and_the_scripts_once(real_site: Path) -> None:
    """Each page (404 included) links the site's stylesheets in its head, none in its body,
    loads the stored-settings script (large type) in its head, before anything is drawn, and
    each of the site's other scripts once, after the page's content."""
    for html in real_site.rglob("*.html"):
        head, _, body = html.read_text(encoding="utf-8").partition("</head>")
        for sheet in ("kb.css", "kb-packs.css", "kb-study.css"):
            assert head.count(f"assets/stylesheets/{sheet}") == 1, (html, sheet)
        assert "<link" not in body, html
        assert head.count("assets/javascripts/kb-store.js") == 1 and "kb-store.js" not in body, html
        article = body[body.index("<article") : body.index("</article>")]
        for script in ("kb-search.js", "kb-list.js", "kb-read.js"):
            assert body.count(f"assets/javascripts/{script}") == 1, (html, script)
            assert script not in article, (html, script)


def test_search_index_keeps_domain_terms_whole(real_site: Path) -> None:
    """The search index holds the project's terms as whole tokens, and every character pair."""
    files = {
        p.relative_to(real_site).as_posix(): p.read_bytes()
        for p in (real_site / "search" / "p").glob("*.js")
    }
    tokens = set(iter_bucket_tokens(files))
    for term in ["中心组", "零秒停播", "终身学习", "学习型党组织", "导学", "停播", "秒停"]:
        assert term in tokens, term


def test_kb_check_passes_on_bundled_content() -> None:
    """`kb check` accepts the bundled content and says so in Chinese."""
    result = run([*KB, "check"], REPO)
    assert result.returncode == 0, result.stderr
    assert "检查通过" in result.stdout


def test_kb_check_fails_with_positions(write_project) -> None:
    """`kb check` exits non-zero and lists each problem with file, line and key path."""
    root = write_project(
        {
            "content/cases/river-community.yml": (
                (REPO / "tests/fixtures/errors/unknown-theme.yml").read_bytes()
            ),
        }
    )
    result = run([*KB, "check"], root)
    assert result.returncode == 1
    assert (
        "content/cases/river-community.yml:7:10: themes[0]: 不存在编号为“learning-form”的主题。"
        in (result.stderr)
    )
    assert "Traceback" not in result.stderr


def test_kb_build_matches_mkdocs_build(sample_project: Path) -> None:
    """`kb build` and plain `mkdocs build` on the same config give the same pages."""
    kb = run([*KB, "build", "-d", "kb-site", "--strict"], sample_project)
    assert kb.returncode == 0, kb.stderr
    mk = run([*MKDOCS, "build", "-d", "mk-site", "--strict"], sample_project)
    assert mk.returncode == 0, mk.stderr
    kb_pages = {
        p.relative_to(sample_project / "kb-site")
        for p in (sample_project / "kb-site").rglob("*.html")
    }
    mk_pages = {
        p.relative_to(sample_project / "mk-site")
        for p in (sample_project / "mk-site").rglob("*.html")
    }
    assert kb_pages == mk_pages and len(kb_pages) > 10
    for page in kb_pages:
        assert (sample_project / "kb-site" / page).read_bytes() == (
            sample_project / "mk-site" / page
        ).read_bytes(), page


def test_failed_build_leaves_previous_site_and_content_untouched(sample_project: Path) -> None:
    """Bad content stops the build with a Chinese report; the old site and content/ stay as they were."""
    assert run_here([*KB, "build", "-d", "out"], sample_project).returncode == 0
    marker = sample_project / "out" / "index.html"
    before = marker.read_bytes()
    content_before = sorted(
        p.relative_to(sample_project) for p in (sample_project / "content").rglob("*")
    )
    broken = sample_project / "content" / "cases" / "river-community.yml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("org_type: urban-community", "org_type: town"),
        encoding="utf-8",
    )
    result = run([*KB, "build", "-d", "out"], sample_project)  # the status CI sees
    assert result.returncode == 1
    assert "不存在编号为“town”的组织类型" in result.stderr
    assert "内容有错误，未生成网站，原有网站保持不变。" in result.stderr
    assert result.stderr.count("不存在编号为“town”的组织类型") == 1
    assert "Traceback" not in result.stderr
    assert marker.read_bytes() == before
    assert (
        sorted(p.relative_to(sample_project) for p in (sample_project / "content").rglob("*"))
        == content_before
    )


def test_plain_mkdocs_build_reports_content_errors_without_traceback(sample_project: Path) -> None:
    """Through plain `mkdocs build`, bad content is a plugin error with the same report."""
    broken = sample_project / "content" / "materials" / "hill-school.yml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("key_points:", "keypoints:"), encoding="utf-8"
    )
    result = run_here([*MKDOCS, "build", "-d", "out"], sample_project)
    assert result.returncode == 1
    assert "content/materials/hill-school.yml" in result.stderr
    assert "不认识的字段“keypoints”" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_texts_are_chinese() -> None:
    """Editors read `kb --help` and each command's help in Chinese."""
    result = run_here([*KB, "--help"], REPO)
    assert result.returncode == 0
    assert "用法：" in result.stdout and "命令" in result.stdout
    for command in ["check", "build", "serve"]:
        sub = run_here([*KB, command, "--help"], REPO)
        assert sub.returncode == 0 and "用法：" in sub.stdout and "显示本帮助并退出" in sub.stdout
        assert "Show this message" not in sub.stdout
    assert "只检查内容，不生成网站" in result.stdout


def test_command_line_mistakes_are_told_in_chinese(tmp_path: Path) -> None:
    """A mistyped command, option or value gets a Chinese sentence, usage and exit code 2."""
    (tmp_path / "说明.txt").write_text("", encoding="utf-8")
    for args, told in [
        (
            ["bild"],
            "错误：没有“bild”这个命令。可用的命令：build、check、import、new、schema、serve。",
        ),
        (["build", "--bogus"], "错误：没有 --bogus 这个选项。"),
        (["build", "--sit"], "是不是想用 --quiet、--site-dir、--strict？"),
        (
            ["new", "caze"],
            "错误：“caze”不是可用的值；参数“类型”只能是 case、practice、material、pack 之一。",
        ),
        (["new"], "错误：缺少参数“类型”。"),
        (["check", "--format", "xml"], "选项 --format 只能是 text、json、github、gitlab 之一。"),
        (["check", "extra"], "错误：多出了参数：extra。"),
        (["build", "-d"], "错误：选项 -d 后面要写上它的值。"),
        (["build", "-f", "无.yml"], "错误：选项 --config-file 给出的“无.yml”不存在。"),
        (["build", "-d", "说明.txt"], "给出的“说明.txt”是一个文件，这里需要目录。"),
    ]:
        result = run_here([*KB, *args], tmp_path)
        assert result.returncode == 2, args
        assert told in result.stderr, (args, result.stderr)
        assert "Error" not in result.stderr and "Traceback" not in result.stderr
    bare = run_here(KB, tmp_path)
    assert "用法：" in bare.stderr and "命令" in bare.stderr and "Error" not in bare.stderr
    real = run([*KB, "bild"], tmp_path)  # the status a shell or CI sees, from a real process
    assert real.returncode == 2 and "没有“bild”这个命令" in real.stderr


def test_internal_links_lead_to_pages(real_site: Path) -> None:
    """Every relative link on every page leads to a file of the built site."""
    broken = []
    for html in real_site.rglob("*.html"):
        if html.name == "404.html":
            continue  # served by web servers at any path, so its links are site-absolute
        for href in re.findall(r'href="([^"#?]+)', html.read_text(encoding="utf-8")):
            if href.startswith(("http:", "https:", "mailto:", "data:", "/")):
                continue
            target = (html.parent / href).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append((html.relative_to(real_site).as_posix(), href))
    assert broken == []


def test_kb_build_offline_links_to_html_files(sample_project: Path) -> None:
    """`kb build --offline` writes pages that link to .html files, for opening from disk."""
    result = run_here([*KB, "build", "--offline", "-d", "offline"], sample_project)
    assert result.returncode == 0, result.stderr
    cases = (sample_project / "offline" / "cases" / "index.html").read_text(encoding="utf-8")
    assert 'href="river-community.html"' in cases
    assert (sample_project / "offline" / "explorer.html").is_file()
    assert (sample_project / "offline" / "search" / "manifest.js").is_file()


def test_shell_filled_pages_equal_full_renders(
    real_site: Path, tmp_path: Path, monkeypatch
) -> None:
    """Pages filled into a cached theme shell are byte for byte what a full theme render gives."""
    from generator.frame import Framer

    fast = real_site  # built the same way, with shells
    assert Framer.shells_enabled
    monkeypatch.setattr(Framer, "shells_enabled", False)
    full = build_with_mkdocs(REPO / "mkdocs.yml", tmp_path / "full")
    pages = sorted(p.relative_to(full) for p in full.rglob("*.html"))
    assert pages == sorted(p.relative_to(fast) for p in fast.rglob("*.html"))
    for page in pages:
        assert (fast / page).read_bytes() == (full / page).read_bytes(), page


def test_entry_and_listing_pages_are_filled_into_shells(
    sample_project: Path, tmp_path: Path
) -> None:
    """Pages outside the navigation use a verified shell: the fast path is really taken."""
    from generator.preview import Preview

    preview = Preview(sample_project / "mkdocs.yml", tmp_path / "preview")
    preview.build()
    site, framer = preview._site, preview.framer
    assert site is not None
    for page in site.pages:
        if page.src_uri in framer.nav_pages or page.src_uri.endswith("index.md"):
            continue
        framer.frame(site.renderer.render(page))
    used = {key[0]: shell is not None for key, shell in framer.shells.items()}
    assert used and all(used.values()), used
    assert {"cases", "themes", "org-types"} <= set(used)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_builds_are_reproducible(real_site: Path, tmp_path: Path) -> None:
    """Two builds of the same content, in processes with different hash seeds, are identical:
    `kb build` in a process of its own and the shared build made in this one."""
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    result = subprocess.run(
        [*KB, "build", "-q", "-d", str(tmp_path / "site")],
        cwd=REPO,
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert _tree(tmp_path / "site") == _tree(real_site)


def test_rebuild_leaves_unchanged_files_alone(sample_project: Path) -> None:
    """After one entry changes, files whose bytes are the same keep their inode and mtime."""
    assert run_here([*KB, "build", "-q", "-d", "out"], sample_project).returncode == 0
    site = sample_project / "out"
    untouched = site / "materials" / "hill-school" / "index.html"
    edited = site / "cases" / "river-community" / "index.html"
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (untouched, edited)}
    old_bytes = edited.read_bytes()
    entry = sample_project / "content" / "cases" / "river-community.yml"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace(
            "background: |", "background: |\n  补充一句背景。\n"
        ),
        encoding="utf-8",
    )
    result = run_here([*KB, "build", "-q", "-d", "out"], sample_project)
    assert result.returncode == 0, result.stderr
    assert (untouched.stat().st_ino, untouched.stat().st_mtime_ns) == before[untouched]
    assert edited.read_bytes() != old_bytes and "补充一句背景。" in edited.read_text(
        encoding="utf-8"
    )
    assert edited.stat().st_ino != before[edited][0]


def test_build_reports_stages_and_a_summary(sample_project: Path) -> None:
    """A build names each stage with its time and ends with a summary; --quiet keeps only that."""
    loud = run_here([*KB, "build", "-d", "out"], sample_project)
    assert loud.returncode == 0, loud.stderr
    for stage in ["读取并检查内容：完成", "生成页面：完成", "建立检索索引：完成"]:
        assert stage in loud.stderr, loud.stderr
    assert "Documentation built" not in loud.stderr
    # The sample has a study pack, which is not an entry: counted as the home page counts it.
    assert re.search(
        r"生成完毕：3 个条目、1 个学习专题，\d+ 个页面，0 个警告，用时 [\d.]+ 秒", loud.stdout
    )
    assert re.search(r"知识库：3 个条目、1 个学习专题，\d+ 个页面。", loud.stderr)
    quiet = run_here([*KB, "build", "-q", "-d", "out"], sample_project)
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert quiet.stdout.startswith("生成完毕：")


def test_titles_from_content_cannot_inject_markup(sample_project: Path) -> None:
    """Entity text in a title shows as text in the header and tab; it never becomes a tag."""
    case = sample_project / "content" / "cases" / "river-community.yml"
    case.write_text(
        case.read_text(encoding="utf-8").replace(
            "title: 河畔社区：每月两次中心组学习",
            "title: 河畔&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;社区",
        ),
        encoding="utf-8",
    )
    result = run_here([*KB, "build", "-d", "out", "--strict"], sample_project)
    assert result.returncode == 0, result.stderr
    html = (sample_project / "out" / "cases" / "river-community" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "<script>alert" not in html
    assert "</title><script>" not in html
    shown = "河畔&amp;lt;/title&amp;gt;&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;社区"
    assert f'<span class="md-ellipsis">{shown}</span>' in html
    tab = re.search(r"<title>(.*?)</title>", html, re.S)
    assert tab and tab.group(1).startswith("河畔&lt;/title&gt;&lt;script&gt;alert(1)")


def test_build_refuses_a_folder_it_would_destroy(sample_project: Path) -> None:
    """`-d` pointing at the project, the content or a folder of other files changes nothing."""
    notes = sample_project / "notes"
    notes.mkdir()
    (notes / "会议记录.txt").write_text("保留", encoding="utf-8")
    before = sorted(p.relative_to(sample_project) for p in sample_project.rglob("*"))
    for target, reason in [
        (".", "包含项目本身"),
        ("..", "包含项目本身"),
        ("content", "相互包含"),
        ("content/site", "相互包含"),
        ("notes", "不是本工具生成的网站"),
    ]:
        result = run_here([*KB, "build", "-d", target], sample_project)
        assert result.returncode == 1, target
        assert reason in result.stderr, (target, result.stderr)
        assert "未生成网站。请用 -d 另选一个目录" in result.stderr
        assert "Traceback" not in result.stderr
    assert sorted(p.relative_to(sample_project) for p in sample_project.rglob("*")) == before
    assert (notes / "会议记录.txt").read_text(encoding="utf-8") == "保留"


@pytest.mark.parametrize(
    "failure", [PermissionError(13, "文件正被占用"), KeyboardInterrupt()], ids=["busy", "ctrl-c"]
)
def test_site_swap_puts_the_old_site_back_when_it_fails(
    tmp_path: Path, monkeypatch, failure: BaseException
) -> None:
    """If the new site cannot be moved into place (a busy disk, Ctrl+C between the two
    renames), the old site is where it was."""
    final, staging = tmp_path / "site", tmp_path / "site.kb-building"
    final.mkdir()
    (final / "index.html").write_text("旧", encoding="utf-8")
    staging.mkdir()
    (staging / "index.html").write_text("新", encoding="utf-8")
    rename = Path.rename

    def busy(self: Path, target: Path) -> Path:
        if self == staging:
            raise failure
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", busy)
    with pytest.raises(type(failure)):
        replace_site(staging, final)
    assert (final / "index.html").read_text(encoding="utf-8") == "旧"
    assert not (tmp_path / "site.kb-old").exists()


def test_a_stop_just_after_the_staging_folder_is_made_removes_it(
    tmp_path: Path, monkeypatch
) -> None:
    """Ctrl+C landing right after the staging folder appears leaves no staging folder."""
    made = publish.make_staging

    def made_then_stopped(final: Path) -> Path:
        made(final)
        raise KeyboardInterrupt

    monkeypatch.setattr(publish, "make_staging", made_then_stopped)
    target = publish.SiteTarget(
        tmp_path / "site", project=tmp_path, content=tmp_path / "content", on_wait=lambda: None
    )
    with pytest.raises(KeyboardInterrupt):
        target.open()
    assert not (tmp_path / "site.kb-building").exists()


def test_kb_names_its_version() -> None:
    """`kb --version` answers with the installed version, in Chinese."""
    from importlib.metadata import version

    result = run([*KB, "--version"], REPO)
    assert result.returncode == 0
    assert result.stdout.strip() == f"kb（学习型党组织建设知识库）{version('learning-party-kb')}"


@pytest.mark.parametrize("command", [["check"], ["build"], ["serve"], ["new", "case"]])
def test_outside_a_project_kb_says_where_to_go(tmp_path: Path, command: list[str]) -> None:
    """Run in a folder that is not a project, every command says to change into the project."""
    # A preview that failed to refuse would serve on: only a real process can be timed out.
    result = (run if command == ["serve"] else run_here)([*KB, *command], tmp_path)
    assert result.returncode == 1
    assert "不是知识库项目" in result.stderr and "请先进入项目文件夹" in result.stderr
    assert "Traceback" not in result.stderr and "Config value" not in result.stderr


def test_a_missing_content_folder_is_told_in_chinese(sample_project: Path) -> None:
    """A project whose content folder is gone gets a Chinese message, not MkDocs's English."""
    (sample_project / "content").rename(sample_project / "content-moved")
    for command in (["build"], ["check"]):
        result = run_here([*KB, *command], sample_project)
        assert result.returncode == 1
        assert "content/" in result.stderr and "没有被移走或改名" in result.stderr, result.stderr
        assert "isn't an existing directory" not in result.stderr


def test_strict_build_fails_on_a_near_duplicate_until_it_is_acknowledged(
    sample_project: Path,
) -> None:
    """A possible duplicate is a warning: strict builds fail, `distinct_from` settles it."""
    cases = sample_project / "content" / "cases"
    copy = (cases / "river-community.yml").read_text(encoding="utf-8")
    copy = copy.replace("id: river-community", "id: river-village").replace(
        "河畔社区：", "河畔村："
    )
    (cases / "river-village.yml").write_text(copy, encoding="utf-8")
    plain = run_here([*KB, "build", "-d", "out"], sample_project)
    assert plain.returncode == 0  # a warning does not stop a plain build
    assert "高度相似" in run_here([*KB, "check"], sample_project).stderr
    strict = run_here([*KB, "build", "--strict", "-d", "out"], sample_project)
    assert strict.returncode == 1 and "高度相似" in strict.stderr
    mkdocs_strict = run_here([*MKDOCS, "build", "--strict"], sample_project)
    assert mkdocs_strict.returncode == 1
    (cases / "river-village.yml").write_text(
        copy.replace("sources:", "distinct_from: [river-community]\nsources:"), encoding="utf-8"
    )
    settled = run_here([*KB, "build", "--strict", "-d", "out"], sample_project)
    assert settled.returncode == 0 and "高度相似" not in settled.stderr, settled.stderr


def test_the_editors_guide_reads_as_written(real_site: Path) -> None:
    """Steps stay one numbered list (the form's seven, then the six of a case), pictures and
    commands inside them show, and wrapped Chinese lines join without a stray space."""
    html = (real_site / "guide" / "index.html").read_text(encoding="utf-8")
    body = html[html.index("<article") : html.index("</article>")]
    form_steps = re.search(r"<ol>(.*?)</ol>", body, re.S)
    assert (
        form_steps
        and re.findall(r"^<li>", form_steps.group(1), re.M)
        and len(re.findall(r"<li>\s*<p><strong>", form_steps.group(1))) == 7
    )
    assert form_steps.group(1).count('<img alt="') == 4
    for image in re.findall(r'<img alt="[^"]*" src="([^"]+)"', body):
        assert (real_site / "guide" / image).resolve().is_file(), image
    first_list = re.search(r"六步添加一个典型案例</h2>\s*<ol>(.*?)</ol>", body, re.S)
    assert first_list and first_list.group(1).count("<li>") == 6
    assert re.search(
        r"<li>\s*<p><strong>新建条目文件。</strong>.*?<pre>", first_list.group(1), re.S
    )
    assert "<p><code>bash" not in body
    chinese = "[\u4e00-\u9fff，。、；：（）“”]"
    paragraphs = [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p>(.*?)</p>", body, re.S)]
    assert paragraphs and not [p for p in paragraphs if re.search(f"{chinese}\\s*\\n", p)]
    assert "单位名称、时间、做法" in re.sub(r"<[^>]+>", "", body)


@pytest.mark.parametrize(
    ("page", "scripts"),
    [
        ("index.html", []),
        ("form/index.html", []),
        ("cases/wangcun-community/index.html", ["kb-record.js"]),
        ("packs/study-system-and-incentives/index.html", ["kb-record.js"]),
        ("packs/plan/study-system-and-incentives/index.html", ["kb-plan.js"]),
        ("packs/quiz/study-system-and-incentives/index.html", ["kb-quiz.js"]),
        ("study-record/index.html", ["kb-record.js"]),
    ],
)
def test_a_pages_own_tools_load_only_where_they_are_used(
    real_site: Path, page: str, scripts: list[str]
) -> None:
    """The study record's, the session planner's and the self-test's scripts load, once, on the
    pages that have them, not on every page a reader (or an editor on the form) opens."""
    html = (real_site / page).read_text(encoding="utf-8")
    for name in ("kb-record.js", "kb-plan.js", "kb-quiz.js"):
        assert html.count(f'javascripts/{name}"') == (name in scripts), name
