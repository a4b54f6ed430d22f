"""The ``kb`` command: only decorators and argument handling; the work lives in the stages."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from generator import usage
from generator.commands import Problem, load_project_config
from generator.model import KINDS, Kind
from generator.report import FORMATS
from generator.runs import setup_logging, stop_signals_interrupt


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


class _Command(_ChineseHelp, click.Command):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class _Group(_ChineseHelp, click.Group):
    command_class = _Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> Any:
        """Run the command; mistakes on the command line are told in Chinese."""
        if extra.pop("standalone_mode", True) is False:  # the caller handles errors itself
            return super().main(args, prog_name, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.UsageError as error:
            click.echo(usage.report(error), err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            click.echo(f"错误：{error.format_message()}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("已取消。", err=True)
            sys.exit(1)
        sys.exit(code or 0)


_HELP = {"help_option_names": ["-h", "--help"]}


def _help_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.help_option("-h", "--help", help="显示本帮助并退出。")(func)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("learning-party-kb")
    except PackageNotFoundError:
        return "未安装"


@click.group(cls=_Group, context_settings=_HELP)
@_help_option
@click.version_option(
    version=_version(),
    prog_name="kb",
    message="%(prog)s（学习型党组织建设知识库）%(version)s",
    help="显示版本号并退出。",
)
def main() -> None:
    """学习型党组织建设知识库：检查内容、生成网站、本地预览。"""


@main.command(context_settings=_HELP, short_help="只检查内容，不生成网站；有错误时以非零状态退出。")
@_help_option
@click.option(
    "--content",
    "content_dir",
    metavar="目录",
    type=click.Path(file_okay=False, path_type=Path),
    help="内容目录（默认取 mkdocs.yml 中的 docs_dir，与生成网站时相同；没有 mkdocs.yml 时为 content）。",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    help="输出格式：text 供人阅读（默认）；json 供脚本处理；github、gitlab 供持续集成在合并请求中标注。",
)
def check(content_dir: Path | None, output_format: str) -> None:
    """只检查内容（YAML 格式、必填字段、分类与引用、疑似重复），不生成网站。有错误时以非零状态退出，只有警告时退出码为 0。"""
    from generator.commands.check import check_content

    sys.exit(check_content(content_dir or _built_content_dir(), output_format=output_format))


def _built_content_dir() -> Path:
    """The content folder ``kb build`` reads: mkdocs.yml's ``docs_dir``, else ``content``."""
    from generator.commands import DEFAULT_CONFIG
    from generator.site_settings import SettingsError, content_dir_of

    if not Path(DEFAULT_CONFIG).is_file():
        return Path("content")  # not a project: the check says where to go
    try:
        return content_dir_of(Path(DEFAULT_CONFIG))
    except SettingsError as failure:  # a mistake in it, a folder that is a file or leaves
        raise Problem(str(failure)) from None


_CONFIG_OPTION = click.option(
    "-f",
    "--config-file",
    default="mkdocs.yml",
    metavar="文件",
    type=click.Path(dir_okay=False, path_type=Path),
    help="MkDocs 配置文件（默认 mkdocs.yml）。",
)


@main.command(context_settings=_HELP)
@_help_option
@_CONFIG_OPTION
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

    setup_logging(quiet=quiet)
    try:
        with stop_signals_interrupt():
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
    except KeyboardInterrupt:
        click.echo("\n已中断，未生成网站，原有网站保持不变。", err=True)
        sys.exit(130)
    click.echo(summary.describe())


@main.command(context_settings=_HELP)
@_help_option
@_CONFIG_OPTION
@click.option(
    "-a",
    "--dev-addr",
    default="127.0.0.1:8000",
    metavar="地址:端口",
    help="预览服务器的地址和端口（默认 127.0.0.1:8000）。",
)
def serve(config_file: Path, dev_addr: str) -> None:
    """启动本地预览服务器，修改内容后页面自动刷新；内容有错误时在页面顶部列出。"""
    from generator.builder import BuilderError
    from generator.commands.serve import serve as serve_preview

    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise Problem(
            f"地址“{dev_addr}”的格式不对，应为“地址:端口”，例如 127.0.0.1:8000。", exit_code=2
        )
    setup_logging()
    load_project_config(config_file)  # a Chinese message for a wrong folder or setting
    try:
        serve_preview(config_file, host=host, port=int(port))
    except BuilderError as failure:
        raise Problem(str(failure)) from None
    except OSError as failure:
        raise Problem(f"无法启动预览服务器：{failure}") from None


def _named(kinds: list[Kind]) -> str:
    """``case（典型案例）、practice（经验做法）或 material（学习资料）``."""
    named = [f"{kind.name}（{kind.label}）" for kind in kinds]
    return "或 ".join(["、".join(named[:-1]), named[-1]]) if len(named) > 1 else named[0]


_LISTS_ENTRIES = "、".join(kind.label for kind in KINDS.values() if not kind.is_entry)
_IMPORTED = [kind for kind in KINDS.values() if kind.import_main]


@main.command(
    context_settings=_HELP,
    help=f"新建条目文件：类型为 {_named(list(KINDS.values()))}。\n\n"
    "给出 --title、--org-type、--theme 时不做任何询问；在终端中缺少这些选项时逐项询问，"
    "每个回答当场检查，不合要求时说明原因并重新询问。"
    f"{_LISTS_ENTRIES}没有组织类型和主题，只需要 --title。",
)
@_help_option
@click.argument("kind", type=click.Choice(list(KINDS)), metavar="类型")
@click.option("--title", help="条目标题。")
@click.option(
    "--org-type",
    "org_type",
    metavar="编号",
    help="组织类型的编号或名称（如 rural 或 农村），见 content/taxonomy.yml。",
)
@click.option(
    "--theme",
    "themes",
    multiple=True,
    metavar="编号",
    help="主题的编号或名称，可重复使用以选多个主题。",
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
    from generator.commands.new import create_entry

    create_entry(
        kind,
        title=title,
        org_type=org_type,
        themes=themes,
        entry_id=entry_id,
        content_dir=content_dir,
    )


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
    from generator.commands.schema import update_schemas

    changed = update_schemas(content_dir)
    for path in changed:
        click.echo(f"已更新 {path}")
    if not changed:
        click.echo("已是最新，无需更新。")


@main.command("import", context_settings=_HELP)
@_help_option
@click.argument(
    "paths", nargs=-1, required=True, metavar="文件或文件夹...", type=click.Path(path_type=Path)
)
@click.option(
    "--kind",
    required=True,
    type=click.Choice([kind.name for kind in _IMPORTED]),
    help=f"草稿的类型：{_named(_IMPORTED)}。",
)
@click.option(
    "--org-type", "org_type", metavar="编号", help="组织类型编号；不给时按原文建议，并标为待填写。"
)
@click.option(
    "--theme",
    "themes",
    multiple=True,
    metavar="编号",
    help="主题编号，可重复使用；不给时按原文建议。",
)
@click.option(
    "--keep-all",
    is_flag=True,
    help="什么都不删：只转换编码和繁简，疑似网站附加的文字只标出、不删去。",
)
@click.option(
    "--report",
    "report_file",
    metavar="文件",
    type=click.Path(dir_okay=False, path_type=Path),
    help="把导入报告另存为这个文件（已存在时不覆盖）。",
)
@click.option(
    "--content",
    "content_dir",
    default="content",
    metavar="目录",
    type=click.Path(file_okay=False, path_type=Path),
    help="内容目录（默认 content）。",
)
def import_(
    paths: tuple[Path, ...],
    kind: str,
    org_type: str | None,
    themes: tuple[str, ...],
    keep_all: bool,
    report_file: Path | None,
    content_dir: Path,
) -> None:
    """从已有材料（.txt、.html、.docx、.pdf，可给文件夹）生成条目草稿，并报告做了哪些修改。

    草稿写入内容目录中对应类型的文件夹，从不覆盖已有文件；需要编辑判断的地方标为“【待填写】”，
    处理完之前检查（check）不会通过。
    """
    from generator.commands.import_ import import_files

    sys.exit(
        import_files(
            paths,
            kind=kind,
            org_type=org_type,
            themes=themes,
            keep_all=keep_all,
            report_file=report_file,
            content_dir=content_dir,
        )
    )
