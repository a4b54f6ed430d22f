"""MkDocs, behind one seam: what the knowledge base asks of it, and nothing more.

The knowledge base renders its own pages (see :mod:`generator.pipeline`). MkDocs
and Material give it three things: the theme's files (styles, scripts, icons),
the few pages listed in the navigation plus the editors' guide, and the page frame
every page is put in (:mod:`generator.frame`). ``kb build`` and ``kb serve`` get
them from :func:`build_theme`; a plain ``mkdocs build`` gets them through the
``kb`` plugin (:mod:`generator.plugin`), which uses the same functions here.

Moving to another builder (ProperDocs, a successor of Material) touches this
module, :mod:`generator.frame`, :mod:`generator.plugin` and the configuration
loading in :mod:`generator.commands`; the model, index, rendering and search do
not import MkDocs.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
import yaml
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError, MkDocsException, PluginError
from mkdocs.plugins import BasePlugin, PluginCollection, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.utils.templates import TemplateContext

from generator.content_files import (
    absolute,
    content_link_refusal,
    leaves_project,
    refused_link,
    refused_links,
)
from generator.docs import GUIDE_FILE, GUIDE_IMAGES
from generator.errors import printable
from generator.frame import THEME_FILTERS, THEME_GLOBALS, Framer
from generator.pipeline import BuildOptions
from generator.render import Routes, site_nav
from generator.site_settings import SettingsError, syntax_message
from generator.tempdirs import DOCS, make_temp_dir
from generator.template_cache import keep_compiled
from generator.workers import worker_count

BuilderError = MkDocsException
"""What the builder raises when it cannot build (a wrong setting, a theme error)."""
SiteConfig = MkDocsConfig
"""The loaded configuration (``mkdocs.yml``)."""
PLUGIN_NAME = "kb"
_UNUSED_THEME_FILES = ("assets/javascripts/lunr/", "assets/javascripts/workers/search")
"""Material's own search engine; the header uses the knowledge base's search instead."""
_BROKEN_PAGE = "---\ntitle: 内容有错误\n---\n"


def load_site_config(config_file: Path, **overrides: Any) -> MkDocsConfig:
    """The project's configuration, with ``overrides`` (``site_dir``, ``strict``...).

    What is wrong with it is logged to ``mkdocs.config`` (in Chinese where this module
    knows the mistake), as MkDocs logs a wrong setting, before :data:`BuilderError`.
    """
    ConfigWording.install()
    try:
        return load_config(str(config_file), **overrides)
    except ConfigurationError as failure:
        if isinstance(failure.__context__, yaml.YAMLError):
            logging.getLogger("mkdocs.config").error(
                syntax_message(failure.__context__, config_file)
            )
        raise


def read_site_config(config_file: Path, **overrides: Any) -> MkDocsConfig:
    """:func:`load_site_config`, with everything MkDocs said is wrong with the settings
    told in one :class:`SettingsError`, in Chinese where it is known."""
    with _captured("mkdocs.config") as said:
        try:
            return load_site_config(config_file, **overrides)
        except BuilderError:
            pass
    raise SettingsError(_config_problems(config_file, said))


@contextmanager
def _captured(logger: str) -> Iterator[list[logging.LogRecord]]:
    """Collect what ``logger`` says instead of letting it print (MkDocs words it in English)."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    target = logging.getLogger(logger)
    handler, propagate = Collect(logging.WARNING), target.propagate
    target.addHandler(handler)
    target.propagate = False
    try:
        yield records
    finally:
        target.removeHandler(handler)
        target.propagate = propagate


def _config_problems(config_file: Path, said: list[logging.LogRecord]) -> str:
    lines = []
    for record in said:
        text = record.getMessage()
        if record.levelno < logging.ERROR:
            continue
        if text.startswith("Config value 'docs_dir'") and "isn't an existing directory" in text:
            lines.append(
                f"{config_file} 中 docs_dir 指定的内容目录不存在。"
                "请确认在项目文件夹中运行，且 content/ 文件夹没有被移走或改名。"
            )
        else:
            lines.append(f"{config_file} 的设置有误：{text}")
    return "\n".join(lines) or f"无法读取 {config_file}，请检查它的写法。"


class ConfigWording(logging.Filter):
    """MkDocs's complaints about the content and site folders, told in Chinese.

    MkDocs checks the settings before any plugin hook runs, so this filter on its
    ``mkdocs.config`` logger is the only way to word them; it is installed when the
    settings are loaded here and when the ``kb`` plugin is, and leaves every other
    message as it is.
    """

    _NESTED = re.compile(
        r"^Config value 'site_dir': The '(?:docs|site)_dir' should not be within the "
        r"'(?:site|docs)_dir'.*\(site_dir: '(?P<site>.*)', docs_dir: '(?P<docs>.*)'\)$",
        re.DOTALL,
    )
    _MISSING = re.compile(r"^Config value 'docs_dir': The path '(?P<docs>.*)' isn't an existing")

    @classmethod
    def install(cls) -> None:
        target = logging.getLogger("mkdocs.config")
        if not any(isinstance(f, cls) for f in target.filters):
            target.addFilter(cls())

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if found := self._NESTED.match(text):
            record.msg = (
                f"网站目录 {found['site']} 与内容目录 {found['docs']} 相互包含，生成时会毁掉内容。\n"
                "未生成网站。请用 -d 另选一个目录，例如项目里的 site。"
            )
            record.args = ()
        elif (found := self._MISSING.match(text)) and os.path.exists(found["docs"]):
            record.msg = (
                f"内容目录 {found['docs']} 是一个文件，不是文件夹。"
                "请把这个文件改名或移走，内容应放在名为 content 的文件夹里。"
            )
            record.args = ()
        return True


def theme_link_refusal(config: MkDocsConfig, *, root: Path, template_dir: Path) -> str | None:
    """Why the theme's own folders must not be used, or None.

    A build copies every file of the theme's ``custom_dir`` into the site and reads the
    page templates, so a link there to a secret (``/proc/self/environ``) would publish
    it. Links that leave the project, loop or point at nothing are refused as they are in
    the content, and the guide's file is held to the same rule.
    """
    folders = [Path(config.theme.custom_dir)] if config.theme.custom_dir else []
    if not any(absolute(template_dir).is_relative_to(absolute(f)) for f in folders):
        folders.append(template_dir)  # a folder of its own: checked as the theme's is
    lines = []
    for folder in folders:
        if leaves_project(folder, root=root):
            lines.append(f"{_shown(folder, root)}：{_FOLDER_OUTSIDE}")
            continue
        for link, (why, _) in refused_links(folder, root=root):
            lines.append(f"{_shown(link, root)}：{why}")
    guide = root / GUIDE_FILE
    why_not_guide = refused_link(guide, root=root)
    if why_not_guide is not None:
        lines.append(f"{_shown(guide, root)}：{why_not_guide[0]}")
    if not lines:
        return None
    listed = "\n".join(f"  {line}" for line in lines)
    return f"主题文件夹或编辑指南中有不能使用的链接（符号链接）：\n{listed}\n{_LINKS_HINT}"


_FOLDER_OUTSIDE = (
    "这个文件夹是一个指向项目文件夹以外的链接（符号链接），为安全起见不会读取，也不会发布。"
)
_LINKS_HINT = "请删除这些链接；需要的文件请复制到项目中。"


def _shown(path: Path, root: Path) -> str:
    """``path`` as messages name it: from the project's folder when it is inside."""
    full, project = absolute(path), root.absolute()
    shown = full.relative_to(project) if full.is_relative_to(project) else path
    return printable(shown.as_posix())


def theme_dir(config: MkDocsConfig) -> Path | None:
    """The project's own theme folder (``theme.custom_dir``), whose files a preview watches."""
    return Path(config.theme.custom_dir) if config.theme.custom_dir else None


def options_from_config(config: MkDocsConfig, *, find_duplicates: bool) -> BuildOptions:
    """The build options a loaded configuration gives (before :func:`hide_content`)."""
    plugin = config.plugins.get(PLUGIN_NAME)
    templates = getattr(getattr(plugin, "config", None), "templates", None)
    if templates:
        template_dir = Path(templates)
    elif config.theme.custom_dir:
        template_dir = Path(config.theme.custom_dir) / "kb"
    else:
        raise PluginError("kb 插件需要在 theme.custom_dir 中提供 kb/ 模板目录，或设置 templates。")
    root, content_dir = Path(config.config_file_path).parent, Path(config.docs_dir)
    refusal = content_link_refusal(content_dir, root=root) or theme_link_refusal(
        config, root=root, template_dir=template_dir
    )
    if refusal:
        raise PluginError(refusal)
    return BuildOptions(
        root=root,
        content_dir=content_dir,
        template_dir=template_dir,
        site_name=config.site_name,
        directory_urls=bool(config.use_directory_urls),
        workers=worker_count(),
        find_duplicates=find_duplicates,
        repo_url=config.repo_url or "",
        edit_uri=config.edit_uri or "",
    )


@functools.cache
def _empty_docs_folder() -> Path:
    folder = make_temp_dir(DOCS)
    atexit.register(shutil.rmtree, folder, True)
    return folder


def hide_content(config: MkDocsConfig) -> None:
    """Give MkDocs an empty docs folder (it would publish every file of the content as it
    is) and the knowledge base's navigation (:func:`generator.render.site_nav`)."""
    config.docs_dir = str(_empty_docs_folder())
    guide = (Path(config.config_file_path).parent / GUIDE_FILE).is_file()
    config.nav = [{title: src_uri} for title, src_uri in site_nav(guide=guide)]


class _ThemeListing(jinja2.FileSystemLoader):
    """The theme's template loader, listing its files without walking folders whose names
    start with a dot. MkDocs publishes no file in such a folder (it filters out every path
    with a part that starts with a dot), and Material keeps its fourteen thousand icons in
    one (``.icons``, which its templates include, never publish): listing and filtering
    them cost every build a twentieth of a second. Templates load as before."""

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for searchpath in self.searchpath:
            for folder, subfolders, names in os.walk(searchpath, followlinks=self.followlinks):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                inside = Path(folder).relative_to(searchpath)
                found.update((inside / name).as_posix() for name in names)
        return sorted(found)


def skip_unpublished_theme_folders(config: MkDocsConfig) -> None:
    """Have MkDocs list the theme's files (which it copies into the site) through
    :class:`_ThemeListing`: the same files, in a fraction of the time."""
    theme = config.theme
    if "get_env" in vars(theme):  # done already for this configuration
        return
    make_env = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make_env()
        loader = env.loader
        if type(loader) is jinja2.FileSystemLoader:
            env.loader = _ThemeListing(loader.searchpath, loader.encoding, loader.followlinks)
        return env

    theme.get_env = get_env  # type: ignore[method-assign]  # this configuration's theme only


def add_site_files(files: Files, config: MkDocsConfig, *, planned: set[str], root: Path) -> Files:
    """MkDocs's file list for the knowledge base: its navigation pages, the guide and its images.

    Only the navigation's pages become MkDocs files; the others are written by the
    pipeline, so MkDocs never walks thousands of entry pages. With nothing planned
    (the content has errors), every navigation page exists and shows the problems,
    so no link leads to an error page.
    """
    for file in list(files):
        if file.src_uri.startswith(_UNUSED_THEME_FILES):
            files.remove(file)
    sources = _nav_sources(config.nav)
    for src_uri in sorted(sources & planned):
        _add(files, File.generated(config, src_uri, content=""))
    guide = root / GUIDE_FILE
    if guide.is_file():
        _add(files, File.generated(config, Routes.guide, abs_src_path=str(guide)))
        images = root / GUIDE_IMAGES
        for image in sorted(images.glob("*.png")) if images.is_dir() else []:
            if image.is_file() and not image.is_symlink():
                src_uri = f"{GUIDE_IMAGES}/{image.name}"
                _add(files, File.generated(config, src_uri, abs_src_path=str(image)))
    if not planned:
        for src_uri in sorted(sources | {"index.md"}):
            if files.get_file_from_path(src_uri) is None:
                _add(files, File.generated(config, src_uri, content=_BROKEN_PAGE))
    return files


def drop_sitemap(site_dir: Path) -> None:
    # MkDocs's sitemap lists only the pages it built itself, so it would leave out every
    # entry; and its compressed copy is stamped with the build time.
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        (site_dir / name).unlink(missing_ok=True)


def _add(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        files.remove(existing)
    files.append(file)


def error_page_links(
    context: TemplateContext, *, template_name: str, config: MkDocsConfig
) -> TemplateContext:
    """Without site_url, the 404 page links relative to the site's folder, not a server's root.

    MkDocs links the 404 page from the server's root ("/") when there is no site_url, which
    leaves the site for one hosted in a subfolder. Relative links are right where an offline
    build (``kb build --offline``) opens it, as the file beside index.html; a served build's
    page resolves them against a base address that its own script (theme/404.html) sets to
    the site's folder.
    """
    if template_name == "404.html" and not config.site_url:
        context["base_url"] = "."
    return context


def add_theme_helpers(env: Any) -> Any:
    """MkDocs's template environment with the filters and values of ours the theme uses."""
    env.filters.update(THEME_FILTERS)
    env.globals.update(THEME_GLOBALS)
    return env


def _nav_sources(nav: Any) -> set[str]:
    """Every page source named in the ``nav`` setting."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(_nav_sources(v) for v in nav.values())) if nav else set()
    if isinstance(nav, list):
        return set().union(*(_nav_sources(v) for v in nav)) if nav else set()
    return set()


class ThemeHooks(BasePlugin):
    """The hooks that give the knowledge base its theme from MkDocs: the navigation's pages
    and the guide as MkDocs's files, the theme's template filters, the problem banner above
    the guide, the 404 page's links, and no sitemap. The ``kb`` plugin (a plain
    ``mkdocs build``) and :func:`build_theme` (``kb build``, ``kb serve``) both use them."""

    env: Any = None
    nav: Navigation | None = None
    files: Files | None = None

    def planned(self) -> set[str]:
        """The source URIs of the pipeline's pages (none when the content has errors)."""
        raise NotImplementedError

    def project_root(self) -> Path:
        raise NotImplementedError

    def banner(self) -> str:
        """What is put above the guide's text (a preview's problem list)."""
        return ""

    # Before other plugins see the file list, so they find the navigation's pages.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        return add_site_files(files, config, planned=self.planned(), root=self.project_root())

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    # Last, so the cache of compiled templates knows every plugin's filters.
    @event_priority(-100)
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.env, self.files = keep_compiled(add_theme_helpers(env)), files
        return env

    def on_page_content(self, html: str, **kwargs: Any) -> str:
        return self.banner() + html

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext:
        return error_page_links(context, template_name=template_name, config=config)

    def framer(self, config: MkDocsConfig) -> Framer:
        """The frame the pipeline's pages are put in, once MkDocs has built its own pages."""
        assert self.nav is not None and self.files is not None  # set by every build
        return Framer(config, self.env, self.nav, self.files)


class _ThemeParts(ThemeHooks):
    """Stands in for the ``kb`` plugin while ``kb build`` and ``kb serve`` use MkDocs: it
    only lists the knowledge base's files and keeps what the frame needs."""

    def __init__(self, planned: set[str], root: Path, banner: str) -> None:
        self._planned, self._root, self._banner = planned, root, banner

    def planned(self) -> set[str]:
        return self._planned

    def project_root(self) -> Path:
        return self._root

    def banner(self) -> str:
        return self._banner

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        hide_content(config)
        skip_unpublished_theme_folders(config)
        return config

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        drop_sitemap(Path(config.site_dir))


def build_theme(
    config: MkDocsConfig, *, site_dir: Path, planned: set[str], banner: str = ""
) -> Framer:
    """Build the theme's files, the navigation's pages and the guide into ``site_dir``.

    Returns the frame the pipeline's pages are put in. ``planned`` are the source
    URIs of the pipeline's pages (empty when the content has errors); ``banner`` is
    put above the guide's text (a preview's problem list).
    """
    parts = _ThemeParts(planned, Path(config.config_file_path).parent, banner)
    plugins = PluginCollection()
    for name, plugin in config.plugins.items():
        plugins[name] = parts if name == PLUGIN_NAME else plugin
    if PLUGIN_NAME not in plugins:
        plugins[PLUGIN_NAME] = parts
    config.plugins = plugins
    config.site_dir = str(site_dir)
    mkdocs_build(config)
    return parts.framer(config)
