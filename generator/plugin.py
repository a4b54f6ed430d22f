"""MkDocs adapter: feeds the pipeline's rendered pages to MkDocs as virtual files."""

from __future__ import annotations

import logging
from pathlib import Path

import yaml
from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from generator.docs import GUIDE_FILE
from generator.errors import ContentError, ContentErrors
from generator.pipeline import CompiledSite, compile_site
from generator.render import RenderedPage, render_problems
from generator.segment import read_search_terms, register_search_terms

log = logging.getLogger("mkdocs.plugins.kb")

_SOURCE_SUFFIXES = {".yml", ".yaml", ".txt"}
"""Content sources that feed generated pages and must not be published as they are."""
GUIDE_PAGE = "guide.md"


class KnowledgeBaseConfig(base.Config):
    templates = c.Optional(c.Dir(exists=True))
    """Folder of the page-body templates; defaults to ``kb/`` inside the theme's ``custom_dir``."""


class KnowledgeBasePlugin(BasePlugin[KnowledgeBaseConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.site: CompiledSite | None = None
        """The last site compiled without errors; a preview keeps showing it while content is broken."""
        self.problems: list[ContentError] = []
        self.pages: dict[str, RenderedPage] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).parent
        self.content_dir = Path(config.docs_dir)
        if self.config.templates:
            self.template_dir = Path(self.config.templates)
        elif config.theme.custom_dir:
            self.template_dir = Path(config.theme.custom_dir) / "kb"
        else:
            raise PluginError(
                "kb 插件需要在 theme.custom_dir 中提供 kb/ 模板目录，或设置 templates。"
            )
        # Search indexing segments text with jieba; the terms must be known before any page.
        register_search_terms(read_search_terms(self.content_dir))
        return config

    # Runs before other plugins see the file list, so they find the generated pages.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self._compile(config)
        for file in list(files):
            if Path(file.src_uri).suffix in _SOURCE_SUFFIXES:
                files.remove(file)
        pages = self.site.pages if self.site else []
        self.pages = {page.src_uri: page for page in pages}
        for page in pages:
            self._add(files, File.generated(config, page.src_uri, content=_markdown_source(page)))
        guide = self.root / GUIDE_FILE
        if guide.is_file():
            self._add(files, File.generated(config, GUIDE_PAGE, abs_src_path=str(guide)))
        if self.site is None:
            # A preview started on broken content: one page that lists the problems.
            self._add(
                files, File.generated(config, "index.md", content="---\ntitle: 内容有错误\n---\n")
            )
        return files

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        rendered = self.pages.get(page.file.src_uri)
        if rendered is not None:
            # The body is raw HTML, so Markdown found no headings; give MkDocs ours.
            page.toc = get_toc(
                [
                    {"level": h.level, "id": h.id, "name": str(escape(h.title)), "children": []}
                    for h in rendered.headings
                    if h.level == 2
                ]
            )
        if self.serving and self.problems:
            html = render_problems(self.template_dir, self.problems) + html
        return html

    def _compile(self, config: MkDocsConfig) -> None:
        try:
            self.site = compile_site(
                self.content_dir,
                self.template_dir,
                root=self.root,
                directory_urls=config.use_directory_urls,
            )
        except ContentErrors as problems:
            if not self.serving:
                raise PluginError("内容检查未通过：\n" + problems.report()) from None
            # A preview must survive a bad edit: report, keep the last good pages.
            self.problems = problems.errors
            for problem in problems.errors:
                log.error(problem.format())
            log.error("内容有错误，预览仍显示上一次正确的内容；改正后会自动刷新。")
            return
        self.problems = self.site.index.project.warnings
        for warning in self.problems:
            # Info, not warning: a possible duplicate must not fail a --strict build.
            log.info(warning.format())
        log.info(
            "知识库：%d 个条目，%d 个页面。",
            len(self.site.index.project.entries),
            len(self.site.pages),
        )

    @staticmethod
    def _add(files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            log.warning("内容目录中的 %s 与生成的页面同名，已被生成的页面替代。", file.src_uri)
            files.remove(existing)
        files.append(file)


def _markdown_source(page: RenderedPage) -> str:
    meta: dict[str, object] = {"title": page.title}
    if page.hide:
        meta["hide"] = list(page.hide)
    front_matter = yaml.safe_dump(meta, allow_unicode=True)
    return f"---\n{front_matter}---\n\n{page.html}\n"
