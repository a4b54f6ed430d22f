"""``kb new``: a new entry file from the content model, asking for what is missing."""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

import click
from pydantic import BaseModel

from generator.commands import Problem, require_content_dir
from generator.errors import ContentErrors
from generator.model import CONTENT_LABELS, CONTENT_MODELS, Taxon, Taxonomy
from generator.scaffold import FALLBACK_SLUG, entry_path, render_scaffold, slug_from_title
from generator.validate import check_field, load_taxonomy


def create_entry(
    kind: str,
    *,
    title: str | None,
    org_type: str | None,
    themes: tuple[str, ...],
    entry_id: str | None,
    content_dir: Path,
) -> Path:
    """Write the scaffold of a new entry; in a terminal, ask for options not given."""
    taxonomy = read_taxonomy(content_dir)
    asking = _interactive()
    classified = "org_type" in CONTENT_MODELS[kind].model_fields  # study packs are not
    if not classified and (org_type is not None or themes):
        raise Problem(
            f"{CONTENT_LABELS[kind]}没有组织类型和主题，请去掉 --org-type 和 --theme。", exit_code=2
        )
    if title is None:
        title = _ask_or_fail(asking, "标题", "--title")
    if classified:
        if org_type is None:
            org_type = _choose(asking, "组织类型", "--org-type", taxonomy.org_types, many=False)[0]
        if not themes:
            themes = tuple(_choose(asking, "主题", "--theme", taxonomy.themes, many=True))
        check_choice(org_type, [t.id for t in taxonomy.org_types], "组织类型")
        for theme in themes:
            check_choice(theme, [t.id for t in taxonomy.themes], "主题")
    title = _checked(CONTENT_MODELS[kind], "title", title)
    if entry_id is None:
        entry_id = slug_from_title(title)
        if entry_id == FALLBACK_SLUG:
            raise Problem(
                "无法由标题生成编号，请用 --id 指定，例如 --id wangcun-community。", exit_code=2
            )
    entry_id = _checked(CONTENT_MODELS[kind], "id", entry_id)
    path = entry_path(content_dir, kind, entry_id)
    if path.exists():
        raise Problem(f"{path} 已经存在，不会覆盖。请用 --id 换一个编号，或直接编辑这个文件。")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render_scaffold(
        kind,
        entry_id=entry_id,
        title=title,
        org_type=org_type,
        themes=list(themes) if classified else None,
    )
    path.write_text(text, encoding="utf-8")
    return path


def _checked(model: type[BaseModel], name: str, value: str) -> str:
    """``value`` as the content model cleans it, or a :class:`Problem` saying what is wrong."""
    cleaned, problem = check_field(model, name, value)
    if problem:
        raise Problem(problem, exit_code=2)
    return str(cleaned)


def read_taxonomy(content_dir: Path) -> Taxonomy:
    """The taxonomy, or a report of what is wrong with it and a :class:`Problem`."""
    require_content_dir(content_dir)
    try:
        return load_taxonomy(content_dir, root=Path.cwd())
    except ContentErrors as problems:
        click.echo(problems.report(), err=True)
        raise Problem("无法读取分类体系，请先按上面的提示修正。") from None


def _interactive() -> bool:
    """Whether someone is at a terminal to answer questions (not CI, not a pipe)."""
    return sys.stdin.isatty()


def _ask_or_fail(asking: bool, label: str, option: str) -> str:
    if not asking:
        raise Problem(f"缺少{label}：请用 {option} 提供。", exit_code=2)
    return click.prompt(label).strip()


def _choose(asking: bool, label: str, option: str, taxa: list[Taxon], *, many: bool) -> list[str]:
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


def check_choice(value: str, valid: list[str], label: str) -> None:
    if value not in valid:
        close = difflib.get_close_matches(value, valid, n=1)
        suggestion = f"是否想写“{close[0]}”？" if close else ""
        raise Problem(
            f"不存在编号为“{value}”的{label}。{suggestion}可用的编号有：{'、'.join(valid)}。",
            exit_code=2,
        )
