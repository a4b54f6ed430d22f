"""``kb new``: a new entry file from the content model, asking for what is missing.

In a terminal each answer is checked as it is typed, with the model's own reason,
and asked again; options given on the command line are checked the same way and
refused with that reason. Organization types and themes are taken by number (in
a terminal), by id or by Chinese name. The file appears whole or not at all.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from pydantic import BaseModel

from generator.check import check_field, load_taxonomy
from generator.commands import Problem, kb_command, require_content_dir
from generator.errors import ContentErrors, os_reason
from generator.model import KINDS, Taxon, Taxonomy
from generator.rules import PLACEHOLDER
from generator.scaffold import FALLBACK_SLUG, entry_path, render_scaffold, slug_from_title

_SEPARATORS = re.compile(r"[,，、;；\s]+")
_T = TypeVar("_T")


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
    model = KINDS[kind].model
    classified = "org_type" in model.model_fields  # study packs are not
    if not classified and (org_type is not None or themes):
        raise Problem(
            f"{KINDS[kind].label}没有组织类型和主题，请去掉 --org-type 和 --theme。", exit_code=2
        )
    if title is None:
        title = _ask_or_fail(
            asking, "标题", "--title", lambda answer: _check(model, "title", answer)
        )
    else:
        title = _checked(model, "title", title)
    picked_org, picked_themes = None, None
    if classified:
        picked_org = _org_type(asking, org_type, taxonomy.org_types)
        picked_themes = _themes(asking, themes, taxonomy.themes, model)
    path = _free_path(asking, kind, model, title, entry_id, content_dir)
    check_command = kb_command("check")
    text = render_scaffold(
        kind,
        entry_id=path.stem,
        title=title,
        org_type=picked_org,
        themes=picked_themes,
        check_command=check_command,
    )
    write_new_file(path, text)
    click.echo(
        f"已新建 {path}。请按文件中的说明填写各个“{PLACEHOLDER}”，然后运行 {check_command} 检查。"
    )
    return path


def _check(model: type[BaseModel], name: str, value: object) -> tuple[object, str]:
    """``value`` as field ``name`` of ``model`` reads it, or why the model refuses it."""
    cleaned, problem = check_field(model, name, value)
    return (None, problem) if problem else (cleaned, "")


def _checked(model: type[BaseModel], name: str, value: object) -> str:
    """``value`` as the content model cleans it, or a :class:`Problem` saying what is wrong."""
    cleaned, problem = _check(model, name, value)
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


def _ask_or_fail(
    asking: bool, label: str, option: str, check: Callable[[str], tuple[object, str]]
) -> str:
    """The answer to ``label`` once ``check`` accepts it, asked again with its reason until
    then; without a terminal, a :class:`Problem` naming ``option``."""
    if not asking:
        raise Problem(f"缺少{label}：请用 {option} 提供。", exit_code=2)
    return str(_ask(label, check))


def _ask(label: str, check: Callable[[str], tuple[_T | None, str]]) -> _T:
    """Ask until ``check`` accepts the answer; each refusal is shown with its reason."""
    while True:
        value, problem = check(click.prompt(label).strip())
        if value is not None and not problem:
            return value
        click.echo(problem)


# --- organization type and themes ------------------------------------------------------


def _org_type(asking: bool, given: str | None, taxa: list[Taxon]) -> str:
    if given is not None:
        return _given(given, taxa, "组织类型")
    if not asking:
        raise Problem("缺少组织类型：请用 --org-type 提供编号或名称。", exit_code=2)
    listed = _list_choices(taxa)

    def check(answer: str) -> tuple[str | None, str]:
        picked, problem = _pick_all(answer, listed, "组织类型")
        if problem or len(picked) != 1:
            return None, problem or "组织类型只能选一个。"
        return picked[0], ""

    return _ask("组织类型（填序号、名称或编号）", check)


def _themes(
    asking: bool, given: tuple[str, ...], taxa: list[Taxon], model: type[BaseModel]
) -> list[str]:
    if given:
        picked = list(dict.fromkeys(_given(value, taxa, "主题") for value in given))
        _checked(model, "themes", picked)
        return picked
    if not asking:
        raise Problem("缺少主题：请用 --theme 提供编号或名称。", exit_code=2)
    listed = _list_choices(taxa)

    def check(answer: str) -> tuple[list[str] | None, str]:
        picked, problem = _pick_all(answer, listed, "主题")
        if not problem:
            picked = list(dict.fromkeys(picked))
            problem = _check(model, "themes", picked)[1]
        return (None, problem) if problem else (picked, "")

    return _ask("主题（填序号、名称或编号，可填多个，用逗号分隔）", check)


def _list_choices(taxa: list[Taxon]) -> list[Taxon]:
    """``taxa`` in the order readers see them, printed with the numbers to answer with."""
    ordered = sorted(taxa, key=lambda t: (t.order, t.id))
    for number, taxon in enumerate(ordered, start=1):
        click.echo(f"  {number}. {taxon.name}（{taxon.id}）")
    return ordered


def _pick_all(answer: str, listed: list[Taxon], label: str) -> tuple[list[str], str]:
    """The ids an answer names by number, id or name, or why one of its parts names none."""
    picked = []
    for part in _SEPARATORS.split(answer):
        if not part:
            continue
        if part.isdigit() and 1 <= int(part) <= len(listed):
            picked.append(listed[int(part) - 1].id)
            continue
        found = _find(part, listed)
        if found is None:
            return [], _unknown(part, listed, label, numbered=True)
        picked.append(found)
    return picked, "" if picked else f"请填写{label}。"


def _given(value: str, taxa: list[Taxon], label: str) -> str:
    found = _find(value.strip(), taxa)
    if found is None:
        raise Problem(_unknown(value, taxa, label, numbered=False), exit_code=2)
    return found


def _find(value: str, taxa: list[Taxon]) -> str | None:
    """The id of the taxon that ``value`` names by id or by its Chinese name, which may be
    typed without its quotation marks or its part in brackets (两新组织, 院校)."""
    wanted = _plain(value).lower()
    for taxon in taxa:
        short = re.split(r"[（(]", taxon.name, maxsplit=1)[0]
        if wanted in (taxon.id, _plain(taxon.name), _plain(short)):
            return taxon.id
    return None


def _plain(text: str) -> str:
    """``text`` without spaces and punctuation (but the hyphens of ids)."""
    return re.sub(r"[^\w-]+", "", text)


def _unknown(value: str, taxa: list[Taxon], label: str, *, numbered: bool) -> str:
    names = {t.name: t.id for t in taxa} | {t.id: t.id for t in taxa}
    close = difflib.get_close_matches(value, list(names), n=1)
    suggestion = f"是否想写“{close[0]}”？" if close else ""
    if numbered:
        return f"没有名称或编号为“{value}”的{label}。{suggestion}请填上面列出的序号、名称或编号。"
    listed = "、".join(f"{t.id}（{t.name}）" for t in taxa)
    return f"不存在编号或名称为“{value}”的{label}。{suggestion}可用的有：{listed}。"


def check_choice(value: str, valid: list[str], label: str) -> None:
    """A :class:`Problem` unless ``value`` is one of the ``valid`` ids, with the closest one."""
    if value not in valid:
        close = difflib.get_close_matches(value, valid, n=1)
        suggestion = f"是否想写“{close[0]}”？" if close else ""
        raise Problem(
            f"不存在编号为“{value}”的{label}。{suggestion}可用的编号有：{'、'.join(valid)}。",
            exit_code=2,
        )


# --- the file ----------------------------------------------------------------------------


def _free_path(
    asking: bool,
    kind: str,
    model: type[BaseModel],
    title: str,
    entry_id: str | None,
    content_dir: Path,
) -> Path:
    """Where the new file goes: under ``entry_id``, or the id made from ``title``; in a
    terminal, another id is asked for when that one cannot be used."""
    check = _id_check(kind, model, content_dir)
    if entry_id is None:
        entry_id = slug_from_title(title)
        if entry_id == FALLBACK_SLUG:
            if not asking:
                raise Problem(
                    "无法由标题生成编号，请用 --id 指定，例如 --id wangcun-community。",
                    exit_code=2,
                )
            click.echo("无法由标题生成编号。")
            return _ask(_ID_QUESTION, check)
    if not asking:
        path = entry_path(content_dir, kind, _checked(model, "id", entry_id))
        if path.exists():
            raise Problem(f"{path} 已经存在，不会覆盖。请用 --id 换一个编号，或直接编辑这个文件。")
        return path
    found, problem = check(entry_id)
    if found is not None:
        return found
    click.echo(problem)
    return _ask(_ID_QUESTION, check)


_ID_QUESTION = "编号（小写英文字母、数字和连字符，例如 wangcun-community）"


def _id_check(
    kind: str, model: type[BaseModel], content_dir: Path
) -> Callable[[str], tuple[Path | None, str]]:
    def check(answer: str) -> tuple[Path | None, str]:
        cleaned, problem = _check(model, "id", answer)
        if problem:
            return None, problem
        path = entry_path(content_dir, kind, str(cleaned))
        if path.exists():
            return (
                None,
                f"{path} 已经存在，不会覆盖；可以换一个编号，或按 Ctrl+C 退出后直接编辑它。",
            )
        return path, ""

    return check


def write_new_file(path: Path, text: str) -> None:
    """Write ``text`` as the new file ``path``, whole or not at all: a hidden temporary file
    beside it is renamed into place. When the disk is full or read-only, a
    :class:`Problem` says so in Chinese and nothing is left behind, not even a folder."""
    made = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    temporary = path.with_name(f".{path.name}.kb-tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as failure:
        temporary.unlink(missing_ok=True)
        for folder in made:  # deepest first
            try:
                folder.rmdir()
            except OSError:
                break
        raise Problem(
            f"无法写入 {path}（{os_reason(failure)}），没有新建任何文件。"
            "请确认内容目录可以写入、磁盘还有空间，然后重试。"
        ) from None
