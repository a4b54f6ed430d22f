"""The taxonomy, and each entry's organization type and themes against it."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from generator.check.files import FileCheck
from generator.check.messages import error_at, validate_model
from generator.content_files import inside_project
from generator.errors import ContentError, ContentErrors
from generator.load import TAXONOMY_FILE, Document, KeyPath, display_path, parse_document
from generator.model import Taxon, Taxonomy
from generator.quoting import visible
from generator.rules import PLACEHOLDER

_LIST_SEPARATORS = re.compile(r"[，、；;\s]+")


def load_taxonomy(content_dir: Path, *, root: Path) -> Taxonomy:
    """Only the taxonomy, for tools that need it while entries may still have problems."""
    path = content_dir / TAXONOMY_FILE
    errors: list[ContentError] = []
    document = None
    if path.is_file() and inside_project(path, root=root):
        document, errors = parse_document(
            path.read_bytes(), path=display_path(path, root), content_path=TAXONOMY_FILE
        )
    taxonomy = check_taxonomy(document, errors, content_dir=content_dir, root=root)
    if taxonomy is None:
        raise ContentErrors(errors)
    return taxonomy


def check_taxonomy(
    document: Document | None, errors: list[ContentError], *, content_dir: Path, root: Path
) -> Taxonomy | None:
    """The taxonomy, or ``None`` with its problems in ``errors``: it must exist, hold both
    groups, and give each theme and organization type its own id and name."""
    if document is None:
        if (content_dir / TAXONOMY_FILE).is_file():
            return None  # it could not be read; that is already reported
        errors.append(
            ContentError(
                display_path(content_dir / TAXONOMY_FILE, root),
                1,
                1,
                "",
                "找不到分类体系文件。",
                f"请在内容目录中建立 {TAXONOMY_FILE}，写明 themes（主题）和 org_types（组织类型）。",
            )
        )
        return None
    if document.broken and not isinstance(document.data, dict):
        return None  # what could be read holds no fields; the reason is reported already
    if document.data is None:
        errors.append(
            ContentError(
                document.path,
                1,
                1,
                "",
                "分类体系文件是空的。",
                "请在文件中写明 themes（主题）和 org_types（组织类型），每一项包括 id、name、"
                "description、order；可参照编辑指南中的“分类体系”一节。",
            )
        )
        return None
    taxonomy = validate_model(Taxonomy, document, errors)
    if taxonomy is None or document.broken:
        return None
    clean = True
    for group in ("themes", "org_types"):
        seen: set[str] = set()
        for i, taxon in enumerate(getattr(taxonomy, group)):
            if taxon.id in seen:
                clean = False
                errors.append(
                    error_at(
                        document,
                        (group, i, "id"),
                        f"编号“{taxon.id}”重复出现。",
                        "同一分类中的编号必须唯一。",
                    )
                )
            seen.add(taxon.id)
    errors.extend(_taxon_name_problems(document, taxonomy))
    return taxonomy if clean else None


_GROUP_LABELS = {"themes": "主题", "org_types": "组织类型"}


def _taxon_name_problems(document: Document, taxonomy: Taxonomy) -> list[ContentError]:
    """Two taxa of a group under one name (an error: readers could not tell their pages,
    filters and links apart), and a theme named like an organization type (a warning: the
    two are told apart by where they are shown, yet a reader seeing “农村” under 主题 would
    take it for the organization type)."""
    problems = []
    first: dict[tuple[str, str], int] = {}
    for group in ("themes", "org_types"):
        label = _GROUP_LABELS[group]
        for i, taxon in enumerate(getattr(taxonomy, group)):
            line = document.position((group, i, "name"))[0]
            earlier = first.setdefault((group, taxon.name), line)
            if earlier != line:
                problems.append(
                    error_at(
                        document,
                        (group, i, "name"),
                        f"{label}名称“{taxon.name}”与第 {earlier} 行的{label}重复。",
                        f"同一分类中的名称必须各不相同，读者才分得清；请改掉其中一个（第 {earlier} 行"
                        f"或第 {line} 行）的名称，或把两项合并为一项。",
                    )
                )
    for i, theme in enumerate(taxonomy.themes):
        named_line = first.get(("org_types", theme.name))
        if named_line is not None:
            problems.append(
                error_at(
                    document,
                    ("themes", i, "name"),
                    f"主题名称“{theme.name}”与第 {named_line} 行的组织类型同名。",
                    "读者在主题列表、筛选和搜索结果中看到它，会以为是那个组织类型；"
                    "请给主题换一个说明它讲什么问题的名称。",
                    severity="warning",
                )
            )
    return problems


def check_taxonomy_refs(
    checked: FileCheck,
    taxonomy: Taxonomy,
    errors: list[ContentError],
    known: tuple[set[str], set[str]] | None = None,
) -> None:
    """Organization type and themes name taxa that exist, each theme once.

    Read from the file as written, so that an entry with other problems is checked too.
    ``known`` holds the taxonomy's organization type and theme ids, worked out once.
    """
    org_ids, theme_ids = known or (
        {t.id for t in taxonomy.org_types},
        {t.id for t in taxonomy.themes},
    )
    document = checked.document
    org_type = checked.written.org_type
    if (
        isinstance(org_type, str)
        and org_type.strip()
        and PLACEHOLDER not in org_type  # reported as the placeholder it still is
        and not document.is_unreadable(("org_type",))
        and org_type.strip() not in org_ids
    ):
        errors.append(
            unknown_taxon(document, ("org_type",), org_type.strip(), taxonomy.org_types, "组织类型")
        )
    themes = checked.written.themes
    if not isinstance(themes, list) or document.is_unreadable(("themes",)):
        return
    seen: set[str] = set()
    for i, theme in enumerate(themes):
        if not isinstance(theme, str) or not theme.strip() or PLACEHOLDER in theme:
            continue
        theme = theme.strip()
        if theme not in theme_ids:
            errors.append(unknown_taxon(document, ("themes", i), theme, taxonomy.themes, "主题"))
        elif theme in seen:
            errors.append(
                error_at(document, ("themes", i), f"主题“{theme}”重复列出。", "每个主题只写一次。")
            )
        seen.add(theme)


def unknown_taxon(
    document: Document, key_path: KeyPath, value: str, taxa: list[Taxon], what: str
) -> ContentError:
    """A theme or organization type that does not exist, with the most likely intended id."""
    ids = [t.id for t in taxa]
    listed = "可用的编号有：" + "、".join(f"{t.id}（{t.name}）" for t in taxa) + "。"
    by_name = {t.name: t.id for t in taxa}
    parts = [p for p in _LIST_SEPARATORS.split(value) if p]
    if value in by_name:
        hint = f"“{value}”是{what}的名称，这里要写它的编号：{by_name[value]}。"
    elif len(parts) > 1 and all(p in ids or p in by_name for p in parts):
        written = ", ".join(by_name.get(p, p) for p in parts)
        hint = f"几个编号之间要用英文逗号“,”分开，写成 [{written}]。"
    else:
        close = difflib.get_close_matches(value, ids, n=3, cutoff=0.5)
        hint = f"是否想写“{'”或“'.join(close)}”？" if close else ""
    return error_at(document, key_path, f"不存在编号为“{visible(value)}”的{what}。", hint + listed)
