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

from generator.errors import ContentErrors
from generator.pipeline import compile_site
from generator.render import RenderedPage
from generator.segment import read_search_terms, register_search_terms

log = logging.getLogger("mkdocs.plugins.kb")

_SOURCE_SUFFIXES = {".yml", ".yaml", ".txt"}
"""Content sources that feed generated pages and must not be published as they are."""


class KnowledgeBaseConfig(base.Config):
    templates = c.Optional(c.Dir(exists=True))
    """Folder of the page-body templates; defaults to ``kb/`` inside the theme's ``custom_dir``."""


class KnowledgeBasePlugin(BasePlugin[KnowledgeBaseConfig]):
    def __init__(self) -> None:
        self.pages: dict[str, RenderedPage] = {}

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
        try:
            site = compile_site(
                self.content_dir,
                self.template_dir,
                root=self.root,
                directory_urls=config.use_directory_urls,
            )
        except ContentErrors as problems:
            raise PluginError("内容检查未通过：\n" + problems.report()) from None
        for file in list(files):
            if Path(file.src_uri).suffix in _SOURCE_SUFFIXES:
                files.remove(file)
        self.pages = {page.src_uri: page for page in site.pages}
        for page in site.pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                log.warning("内容目录中的 %s 与生成的页面同名，已被生成的页面替代。", page.src_uri)
                files.remove(existing)
            files.append(File.generated(config, page.src_uri, content=_markdown_source(page)))
        log.info("知识库：%d 个条目，%d 个页面。", len(site.index.project.entries), len(site.pages))
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
        return html


def _markdown_source(page: RenderedPage) -> str:
    meta: dict[str, object] = {"title": page.title}
    if page.hide:
        meta["hide"] = list(page.hide)
    front_matter = yaml.safe_dump(meta, allow_unicode=True)
    return f"---\n{front_matter}---\n\n{page.html}\n"
