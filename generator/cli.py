"""The ``kb`` command: only decorators and argument handling; the work lives in the stages."""

from __future__ import annotations

import difflib
import logging
import re
import sys
from pathlib import Path

import click

from generator.docs import write_field_reference
from generator.errors import ContentErrors
from generator.model import KIND_FOLDERS, Taxonomy
from generator.report import FORMATS, render_report
from generator.scaffold import entry_path, render_scaffold, slug_from_title
from generator.schema import write_schemas
from generator.validate import load_project, load_taxonomy
from generator.write import worker_count


class _ChineseHelp:
    """Help screens with Chinese headings; click's own are English."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [r for p in self.get_params(ctx) if (r := p.get_help_record(ctx))]  # type: ignore[attr-defined]
        if rows:
            with formatter.section("选项"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            commands = [
                (name, cmd.get_short_help_str(limit=60))
                for name in self.list_commands(ctx)
                if (cmd := self.get_command(ctx, name)) is not None
            ]
            with formatter.section("命令"):
                formatter.write_dl(commands)


class Problem(click.ClickException):
    """A failure the user can fix, shown in Chinese and without a traceback."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: object = None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


class _Command(_ChineseHelp, click.Command):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class _Group(_ChineseHelp, click.Group):
    command_class = _Command

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)


_HELP = {"help_option_names": ["-h", "--help"]}


def _help_option(func):  # type: ignore[no-untyped-def]
    return click.help_option("-h", "--help", help="显示本帮助并退出。")(func)


@click.group(cls=_Group, context_settings=_HELP)
@_help_option
def main() -> None:
    """学习型党组织建设知识库：检查内容、生成网站、本地预览。"""


@main.command(context_settings=_HELP)
@_help_option
@click.option(
    "--content",
    "content_dir",
    default="content",
    metavar="目录",
    type=click.Path(file_okay=False, path_type=Path),
    help="内容目录（默认 content）。",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    help="输出格式：text 供人阅读（默认）；json 供脚本处理；github、gitlab 供持续集成在合并请求中标注。",
)
def check(content_dir: Path, output_format: str) -> None:
    """只检查内容（YAML 格式、必填字段、分类与引用、疑似重复），不生成网站。有错误时以非零状态退出，只有警告时退出码为 0。"""
    if not content_dir.is_dir():
        raise Problem(f"找不到内容目录：{content_dir}")
    try:
        project = load_project(content_dir, root=Path.cwd(), workers=worker_count())
    except ContentErrors as problems:
        click.echo(
            render_report(problems.errors, output_format=output_format, entries=0),
            err=output_format == "text",
        )
        sys.exit(1)
    report = render_report(
        project.warnings, output_format=output_format, entries=len(project.entries)
    )
    if report:
        click.echo(report, err=output_format == "text")
    if output_format == "text":
        note = (
            f"（有 {len(project.warnings)} 个警告，请看上文）"
            if project.warnings
            else "，未发现问题"
        )
        click.echo(f"检查通过：共 {len(project.entries)} 个条目{note}。")


@main.command(context_settings=_HELP)
@_help_option
@click.option(
    "-f",
    "--config-file",
    default="mkdocs.yml",
    metavar="文件",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="MkDocs 配置文件（默认 mkdocs.yml）。",
)
@click.option(
    "-d",
    "--site-dir",
    metavar="目录",
    type=click.Path(file_okay=False, path_type=Path),
    help="网站输出目录（默认取配置文件中的 site_dir）。",
)
@click.option("--strict", is_flag=True, help="严格模式：出现任何警告都视为失败。")
@click.option(
    "--offline",
    is_flag=True,
    help="离线版：生成的文件夹不需要 Web 服务器，双击 index.html 即可浏览和检索（链接指向 .html 文件）。",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="安静模式：只输出警告、错误和最后的结果（适合持续集成）。"
)
def build(
    config_file: Path, site_dir: Path | None, strict: bool, offline: bool, quiet: bool
) -> None:
    """检查内容并生成静态网站。内容有错误时不生成，原有网站保持不变。"""
    from generator.commands.build import BuildFailed, build_site

    _setup_logging(quiet=quiet)
    try:
        summary = build_site(
            config_file,
            site_dir=site_dir,
            strict=strict,
            offline=offline,
            live=not quiet and sys.stderr.isatty(),
        )
    except BuildFailed as failure:
        click.echo(str(failure), err=True)
        sys.exit(1)
    click.echo(summary.describe())


@main.command(context_settings=_HELP)
@_help_option
@click.option(
    "-f",
    "--config-file",
    default="mkdocs.yml",
    metavar="文件",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="MkDocs 配置文件（默认 mkdocs.yml）。",
)
@click.option(
    "-a",
    "--dev-addr",
    default="127.0.0.1:8000",
    metavar="地址:端口",
    help="预览服务器的地址和端口（默认 127.0.0.1:8000）。",
)
def serve(config_file: Path, dev_addr: str) -> None:
    """启动本地预览服务器，修改内容后页面自动刷新；内容有错误时在页面顶部列出。"""
    from mkdocs.exceptions import MkDocsException

    from generator.commands.serve import serve as serve_preview

    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise Problem(
            f"地址“{dev_addr}”的格式不对，应为“地址:端口”，例如 127.0.0.1:8000。", exit_code=2
        )
    _setup_logging()
    try:
        serve_preview(config_file, host=host, port=int(port))
    except MkDocsException as failure:
        raise Problem(str(failure)) from None
    except OSError as failure:
        raise Problem(f"无法启动预览服务器：{failure}") from None


@main.command(context_settings=_HELP)
@_help_option
@click.argument("kind", type=click.Choice(list(KIND_FOLDERS)), metavar="类型")
@click.option("--title", help="条目标题。")
@click.option(
    "--org-type", "org_type", metavar="编号", help="组织类型编号，见 content/taxonomy.yml。"
)
@click.option(
    "--theme", "themes", multiple=True, metavar="编号", help="主题编号，可重复使用以选多个主题。"
)
@click.option("--id", "entry_id", metavar="编号", help="条目编号（默认由标题的拼音生成）。")
@click.option(
    "--content",
    "content_dir",
    default="content",
    metavar="目录",
    type=click.Path(file_okay=False, path_type=Path),
    help="内容目录（默认 content）。",
)
def new(
    kind: str,
    title: str | None,
    org_type: str | None,
    themes: tuple[str, ...],
    entry_id: str | None,
    content_dir: Path,
) -> None:
    """新建条目文件：类型为 case（典型案例）、practice（经验做法）或 material（学习资料）。

    给出 --title、--org-type、--theme 时不做任何询问；在终端中缺少这些选项时逐项询问。
    """
    taxonomy = _load_taxonomy(content_dir)
    asking = _interactive()
    if title is None:
        title = _ask_or_fail(asking, "标题", "--title")
    if org_type is None:
        org_type = _choose(asking, "组织类型", "--org-type", taxonomy.org_types, many=False)[0]
    if not themes:
        themes = tuple(_choose(asking, "主题", "--theme", taxonomy.themes, many=True))
    _check_choice(org_type, [t.id for t in taxonomy.org_types], "组织类型")
    for theme in themes:
        _check_choice(theme, [t.id for t in taxonomy.themes], "主题")
    entry_id = entry_id or slug_from_title(title)
    path = entry_path(content_dir, kind, entry_id)
    if path.exists():
        raise Problem(f"{path} 已经存在，不会覆盖。请用 --id 换一个编号，或直接编辑这个文件。")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render_scaffold(
        kind, entry_id=entry_id, title=title, org_type=org_type, themes=list(themes)
    )
    path.write_text(text, encoding="utf-8")
    click.echo(f"已新建 {path}。请按文件中的说明填写各个“【待填写】”，然后运行 kb check 检查。")


@main.command(context_settings=_HELP)
@_help_option
@click.option(
    "--content",
    "content_dir",
    default="content",
    metavar="目录",
    type=click.Path(file_okay=False, path_type=Path),
    help="内容目录（默认 content）。",
)
def schema(content_dir: Path) -> None:
    """根据内容模型和分类体系生成 JSON Schema（schemas/）和编辑指南中的字段说明。"""
    taxonomy = _load_taxonomy(content_dir)
    root = Path.cwd()
    changed = write_schemas(root, taxonomy) + write_field_reference(root)
    for path in changed:
        click.echo(f"已更新 {path}")
    if not changed:
        click.echo("已是最新，无需更新。")


def _load_taxonomy(content_dir: Path) -> Taxonomy:
    try:
        return load_taxonomy(content_dir, root=Path.cwd())
    except ContentErrors as problems:
        click.echo(problems.report(), err=True)
        raise Problem("无法读取分类体系，请先按上面的提示修正。") from None


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask_or_fail(asking: bool, label: str, option: str) -> str:
    if not asking:
        raise Problem(f"缺少{label}：请用 {option} 提供。", exit_code=2)
    return click.prompt(label).strip()


def _choose(asking: bool, label: str, option: str, taxa: list, *, many: bool) -> list[str]:
    if not asking:
        raise Problem(f"缺少{label}：请用 {option} 提供编号。", exit_code=2)
    taxa = sorted(taxa, key=lambda t: (t.order, t.id))
    for number, taxon in enumerate(taxa, start=1):
        click.echo(f"  {number}. {taxon.name}（{taxon.id}）")
    hint = "，可填多个，用逗号分隔" if many else ""
    while True:
        answer = click.prompt(f"{label}（填序号或编号{hint}）")
        picked = []
        for part in re.split(r"[,，、\s]+", answer.strip()):
            if part.isdigit() and 1 <= int(part) <= len(taxa):
                picked.append(taxa[int(part) - 1].id)
            elif any(t.id == part for t in taxa):
                picked.append(part)
            elif part:
                picked = []
                break
        if picked and (many or len(picked) == 1):
            return picked
        click.echo("没有看懂，请按列表中的序号或编号重新填写。")


def _check_choice(value: str, valid: list[str], label: str) -> None:
    if value not in valid:
        close = difflib.get_close_matches(value, valid, n=1)
        suggestion = f"是否想写“{close[0]}”？" if close else ""
        raise Problem(
            f"不存在编号为“{value}”的{label}。{suggestion}可用的编号有：{'、'.join(valid)}。",
            exit_code=2,
        )


class _MkDocsChatter(logging.Filter):
    """MkDocs's own progress lines are English and name the staging folder; ours replace them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or not record.name.startswith("mkdocs.commands")


def _setup_logging(*, quiet: bool = False) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.addFilter(_MkDocsChatter())
    mkdocs_log = logging.getLogger("mkdocs")
    if not mkdocs_log.handlers:
        mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.WARNING if quiet else logging.INFO)
