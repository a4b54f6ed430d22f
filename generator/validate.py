"""Stage 2: turn parsed documents into typed content objects, collecting every problem.

Schema problems come from the model in :mod:`generator.model`; this module only
translates them into Chinese sentences with positions, and adds the checks a
schema cannot express: references between files, unique ids, file placement.
"""

from __future__ import annotations

import calendar
import datetime
import difflib
import functools
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from generator.comments import empty_by_comment
from generator.content_files import inside_project
from generator.errors import ContentError, ContentErrors
from generator.load import (
    TAXONOMY_FILE,
    ContentCache,
    Document,
    KeyPath,
    display_path,
    format_key_path,
    parse_document,
    read_documents,
)
from generator.model import (
    CONTENT_FOLDERS,
    CONTENT_LABELS,
    CONTENT_MODELS,
    ENTRY_MODELS,
    PATTERN_RULES,
    PLACEHOLDER,
    RESERVED_IDS,
    SLUG_PATTERN,
    BestPractice,
    Entry,
    StudyPack,
    Taxon,
    Taxonomy,
    field_label,
)
from generator.placement import field_at, misplaced_fields, missing_field
from generator.quiz import question_problems
from generator.similar import ClauseSet, clauses, find_similar
from generator.simplified import Folded, fold, joined_texts, traditional_warnings
from generator.suggest import CloseIds
from generator.syntax import char_name, visible


@dataclass(frozen=True)
class Project:
    """Validated content: the taxonomy and every entry, ready for indexing."""

    taxonomy: Taxonomy
    entries: dict[str, Entry]
    """Entries by id, in a stable order (by kind, then id)."""
    files: dict[str, str]
    """Repository-relative file of each entry id."""
    digests: dict[str, str]
    """Checksum of each entry's file: the same checksum means the same entry."""
    content_dir: Path
    """Where the content was read from."""
    warnings: list[ContentError]
    """Problems worth telling editors that do not stop the build."""
    packs: dict[str, StudyPack] = field(default_factory=dict)
    """Study packs by id, in id order; every entry they list exists."""
    pack_files: dict[str, str] = field(default_factory=dict)
    """Repository-relative file of each study pack id."""


def load_project(
    content_dir: Path,
    *,
    root: Path,
    workers: int = 1,
    find_duplicates: bool = True,
    cache: ContentCache | None = None,
    changed: set[Path] | None = None,
) -> Project:
    """Read and validate everything under ``content_dir``; raise :class:`ContentErrors` if any.

    ``find_duplicates`` also looks for entries that read almost the same (a warning
    for editors, so ``kb check`` and the preview do it; a build can skip it).
    ``cache`` carries work over from an earlier call, for files that did not change.
    """
    documents, errors = read_documents(
        content_dir,
        root=root,
        workers=workers,
        cache=cache,
        cache_key=("prepared", find_duplicates),
        changed=changed,
        prepare=functools.partial(prepare_document, find_duplicates=find_duplicates),
    )
    return validate_documents(
        documents, errors, content_dir=content_dir, root=root, find_duplicates=find_duplicates
    )


@dataclass(frozen=True)
class Prepared:
    """What validation works out from one entry file alone."""

    entry: Entry | StudyPack | None
    errors: list[ContentError]
    clauses: ClauseSet | None
    """For the near-duplicate check, when asked for."""
    misplaced: str = ""
    """The kind the file declares, when it sits in another kind's folder: whether it can be
    moved where it belongs depends on the other files."""


_CROSS_FILE_FIELDS = {
    "id",
    "kind",
    "title",
    "org_type",
    "themes",
    "cases",
    "distinct_from",
    "entries",
    "self_test",
}
"""Fields that checks across files still need, once one file is validated on its own."""


def prepare_document(document: Document, *, find_duplicates: bool) -> None:
    """Validate one entry file on its own, then keep only what checks across files need."""
    if document.content_path == TAXONOMY_FILE:
        return
    errors: list[ContentError] = []
    joined = joined_texts(document.data)
    folded = fold(document.data, joined)  # once, for the Traditional characters and clauses
    entry = _validate_entry(document, errors, folded=folded, joined=joined)
    compared = find_duplicates and entry is not None and not isinstance(entry, StudyPack)
    found = clauses(document.data, folded) if compared else None
    document.prepared = Prepared(entry, errors, found, _declared_elsewhere(document))
    document.positions = {
        key: value
        for key, value in document.positions.items()
        if not key or key[0] in _CROSS_FILE_FIELDS
    }
    document.key_positions = {}  # only this file's own checks, now done, point at names
    if isinstance(document.data, dict):
        document.data = {k: v for k, v in document.data.items() if k in _CROSS_FILE_FIELDS}


def load_taxonomy(content_dir: Path, *, root: Path) -> Taxonomy:
    """Only the taxonomy, for tools that need it while entries may still have problems."""
    path = content_dir / TAXONOMY_FILE
    errors: list[ContentError] = []
    document = None
    if path.is_file() and inside_project(path, root=root):
        document, errors = parse_document(
            path.read_bytes(), path=display_path(path, root), content_path=TAXONOMY_FILE
        )
    taxonomy = _validate_taxonomy(document, errors, content_dir=content_dir, root=root)
    if taxonomy is None:
        raise ContentErrors(errors)
    return taxonomy


def validate_documents(
    documents: list[Document],
    errors: list[ContentError],
    *,
    content_dir: Path,
    root: Path,
    find_duplicates: bool = True,
) -> Project:
    """Validate parsed documents; raise one :class:`ContentErrors` listing every problem."""
    errors = list(errors)
    taxonomy_doc = next((d for d in documents if d.content_path == TAXONOMY_FILE), None)
    taxonomy = _validate_taxonomy(taxonomy_doc, errors, content_dir=content_dir, root=root)

    # Ids of entries that exist but failed validation: references to them are not
    # reported again as "does not exist", which would send editors to the wrong file.
    invalid_ids = {_stem(error.path) for error in errors if error.severity == "error"}
    candidates: list[tuple[Entry | StudyPack, Document]] = []
    known = (
        ({t.id for t in taxonomy.org_types}, {t.id for t in taxonomy.themes}) if taxonomy else None
    )
    by_path = {d.content_path: d for d in documents}
    for document in documents:
        if document is taxonomy_doc:
            continue
        if document.prepared is None:
            prepare_document(document, find_duplicates=find_duplicates)
        prepared: Prepared = document.prepared
        if prepared.misplaced:
            errors.extend(_misplaced_errors(document, prepared, documents, by_path))
        else:
            errors.extend(prepared.errors)
        if prepared.entry is None:
            if isinstance(document.data, dict) and isinstance(document.data.get("id"), str):
                invalid_ids.add(document.data["id"])
            invalid_ids.add(_stem(document.content_path))
        else:
            candidates.append((prepared.entry, document))
        if taxonomy is not None:
            errors.extend(_taxonomy_ref_errors(document, taxonomy_doc, taxonomy, known))

    unique, entry_docs = _unique_entries(candidates, documents, errors, invalid_ids)
    entries = {i: e for i, e in unique.items() if not isinstance(e, StudyPack)}
    packs = {i: p for i, p in sorted(unique.items()) if isinstance(p, StudyPack)}
    # What a reference may name, each worked out once for all the references of the check.
    any_entry = CloseIds(entries)
    citable = CloseIds(i for i, e in entries.items() if e.kind != "practice")
    for entry_id, entry in entries.items():
        document = entry_docs[entry_id]
        if isinstance(entry, BestPractice):
            _check_practice_refs(entry, document, entries, invalid_ids, errors, citable)
        _check_distinct_refs(entry, document, entries, invalid_ids, errors, any_entry)
    for pack_id, pack in packs.items():
        _check_pack_refs(pack, entry_docs[pack_id], entries, invalid_ids, errors, any_entry)
    files = {entry_id: entry_docs[entry_id].path for entry_id in entries}
    warnings = _similar_entries(entries, entry_docs) if find_duplicates else []
    problems = [*errors, *warnings]
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]

    if errors:
        raise ContentErrors(problems)
    assert taxonomy is not None  # a missing taxonomy is reported as an error above
    order = {kind: i for i, kind in enumerate(ENTRY_MODELS)}
    ordered = sorted(entries.values(), key=lambda e: (order[e.kind], e.id))
    return Project(
        taxonomy=taxonomy,
        entries={e.id: e for e in ordered},
        files={e.id: files[e.id] for e in ordered},
        digests={e.id: entry_docs[e.id].digest for e in ordered},
        content_dir=content_dir,
        warnings=warnings,
        packs=packs,
        pack_files={pack_id: entry_docs[pack_id].path for pack_id in packs},
    )


# --- taxonomy -----------------------------------------------------------------


def _validate_taxonomy(
    document: Document | None, errors: list[ContentError], *, content_dir: Path, root: Path
) -> Taxonomy | None:
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
    taxonomy = _validate_model(Taxonomy, document, errors)
    if taxonomy is None or document.broken:
        return None
    clean = True
    for group in ("themes", "org_types"):
        seen: set[str] = set()
        for i, taxon in enumerate(getattr(taxonomy, group)):
            if taxon.id in seen:
                clean = False
                errors.append(
                    _error(
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
                    _error(
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
                _error(
                    document,
                    ("themes", i, "name"),
                    f"主题名称“{theme.name}”与第 {named_line} 行的组织类型同名。",
                    "读者在主题列表、筛选和搜索结果中看到它，会以为是那个组织类型；"
                    "请给主题换一个说明它讲什么问题的名称。",
                    severity="warning",
                )
            )
    return problems


# --- entries ------------------------------------------------------------------


def _validate_entry(
    document: Document, errors: list[ContentError], *, folded: Folded, joined: str
) -> Entry | StudyPack | None:
    """The entry or study pack in ``document`` checked on its own (its file name is checked
    across files); ``folded`` is its texts in Simplified characters, ``joined`` all of its
    texts in one."""
    folder, _, name = document.content_path.partition("/")
    kind = next((k for k, f in CONTENT_FOLDERS.items() if f == folder), None)
    if kind is None or "/" in name:
        folders = "、".join(f"{f}/（{CONTENT_LABELS[k]}）" for k, f in CONTENT_FOLDERS.items())
        errors.append(
            ContentError(
                document.path,
                1,
                1,
                "",
                "无法识别的内容文件：条目文件必须直接放在规定的文件夹中。",
                f"请把文件移到 {folders} 之一。",
            )
        )
        return None
    data = document.data
    if not isinstance(data, dict):
        if not document.broken:
            errors.append(
                ContentError(
                    document.path,
                    1,
                    1,
                    "",
                    f"文件内容应为若干“字段: 值”，实际是{_describe_value(data)}。",
                    "请参照同一文件夹中的其他条目填写。",
                )
            )
        return None
    declared = data.get("kind")
    if isinstance(declared, str) and declared in CONTENT_FOLDERS and declared != kind:
        errors.append(
            _error(
                document,
                ("kind",),
                f"文件放错了文件夹：类型是“{declared}”（{CONTENT_LABELS[declared]}），"
                f"却放在 {folder}/（{CONTENT_LABELS[kind]}）中。",
                f"请把文件移到 {CONTENT_FOLDERS[declared]}/，或把 kind 改为 {kind}。",
            )
        )
        return None
    placeholders = _placeholders(document, CONTENT_MODELS[kind]) if PLACEHOLDER in joined else []
    errors.extend(placeholders)
    errors.extend(traditional_warnings(document, CONTENT_MODELS[kind], folded))
    entry = _validate_model(CONTENT_MODELS[kind], document, errors)
    if entry is None or placeholders or document.broken:
        return None
    return entry


def _declared_elsewhere(document: Document) -> str:
    """The kind ``document`` declares when its folder is another kind's, else ""."""
    folder = document.content_path.partition("/")[0]
    data = document.data if isinstance(document.data, dict) else {}
    declared = data.get("kind")
    if (
        isinstance(declared, str)
        and declared in CONTENT_FOLDERS
        and CONTENT_FOLDERS[declared] != folder
        and folder in CONTENT_FOLDERS.values()
    ):
        return declared
    return ""


def _misplaced_errors(
    document: Document, prepared: Prepared, documents: list[Document], by_path: dict[str, Document]
) -> list[ContentError]:
    """A file in another kind's folder: moving it is the advice, unless a file of its name is
    there already; its id is reported when another file has it (it is often a copy)."""
    folder, _, name = document.content_path.partition("/")
    kind = next(k for k, f in CONTENT_FOLDERS.items() if f == folder)
    declared = prepared.misplaced
    home = CONTENT_FOLDERS[declared]
    target = by_path.get(f"{home}/{name}")
    entry_id = document.data.get("id") if isinstance(document.data, dict) else None
    owner = next(
        (
            d
            for d in documents
            if d is not document and isinstance(d.data, dict) and d.data.get("id") == entry_id
        ),
        None,
    )
    problems = list(prepared.errors)
    fresh = _unused_id(str(entry_id) if _usable_id(entry_id) else _stem(name), documents)
    if target is not None:
        problems = [
            _error(
                document,
                ("kind",),
                f"文件放错了文件夹：类型是“{declared}”（{CONTENT_LABELS[declared]}），"
                f"却放在 {folder}/（{CONTENT_LABELS[kind]}）中；而 {home}/ 中已有同名的文件"
                f" {target.path}，不能直接移过去。",
                f"如果这个文件是 {target.path} 的副本，请删除它；如果它是另一条"
                f"{CONTENT_LABELS[declared]}，请把 id 改为 {fresh}，文件改名为 {fresh}.yml，"
                f"再移到 {home}/。",
            )
        ]
    if owner is not None and isinstance(entry_id, str):
        problems.append(
            _error(
                document,
                ("id",),
                f"编号“{entry_id}”已被 {owner.path} 使用。",
                "每个条目的编号必须唯一。这个文件多半是复制来的：是副本就删除它；不是的话，"
                f"请把 id 改为 {fresh}，并把文件改名为 {fresh}.yml。",
            )
        )
    return problems


def _usable_id(value: object) -> bool:
    """Whether ``value`` could be an entry's id (a file name may not be one)."""
    return (
        isinstance(value, str)
        and len(value) <= 60
        and re.fullmatch(SLUG_PATTERN, value) is not None
        and value not in RESERVED_IDS
    )


def _unused_id(base: str, documents: list[Document]) -> str:
    """``base-2``, ``base-3``…: the first that neither names a file nor is a file's id."""
    taken: set[object] = {_stem(d.content_path) for d in documents}
    taken |= {d.data.get("id") for d in documents if isinstance(d.data, dict)}
    base = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-") or "entry"
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: 60 - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def _unique_entries(
    candidates: list[tuple[Entry | StudyPack, Document]],
    documents: list[Document],
    errors: list[ContentError],
    invalid_ids: set[str],
) -> tuple[dict[str, Entry | StudyPack], dict[str, Document]]:
    """Entries (and study packs) whose file is named after their id and whose id no other
    file has: one id names one file, whatever its kind.

    The ids and file names of the others join ``invalid_ids``.
    """
    named = {_stem(d.content_path): d for d in documents if d.content_path != TAXONOMY_FILE}
    entries: dict[str, Entry | StudyPack] = {}
    docs: dict[str, Document] = {}
    mismatched = []
    for entry, document in candidates:
        if _stem(document.content_path) != entry.id:
            mismatched.append((entry, document))
            continue
        if entry.id in entries:
            errors.append(
                _error(
                    document,
                    ("id",),
                    f"编号“{entry.id}”已被 {docs[entry.id].path} 使用。",
                    "每个条目的编号必须唯一，请换一个编号，并同时修改文件名。",
                )
            )
            continue
        entries[entry.id] = entry
        docs[entry.id] = document
    ids = {d.data.get("id") for d in documents if isinstance(d.data, dict)}
    for entry, document in mismatched:
        name = document.content_path.rpartition("/")[2]
        stem = _stem(name)
        invalid_ids |= {stem, entry.id}
        taken = named.get(entry.id)
        # The file's name is the id to suggest when it can be one that no other file has;
        # a copy's name (“fixed-study-day (1)”) cannot.
        fits = _usable_id(stem) and named.get(stem) is document and stem not in ids
        if taken is not None:
            fresh = stem if fits else _unused_id(entry.id, documents)
            rename = "" if fits else f"，并把文件改名为 {fresh}.yml"
            hint = (
                f"编号“{entry.id}”已被 {taken.path} 使用，这个文件多半是复制后忘了改编号："
                f"请把 id 改为 {fresh}{rename}。"
            )
        elif fits:
            hint = f"请把文件改名为 {entry.id}.yml，或把 id 改为 {stem}。"
        else:
            hint = f"请把文件改名为 {entry.id}.yml（文件名“{stem}”不能用作编号）。"
        errors.append(_error(document, ("id",), f"文件名“{name}”与编号“{entry.id}”不一致。", hint))
    return entries, docs


def _placeholders(document: Document, model: type[BaseModel]) -> list[ContentError]:
    """Values still holding the scaffold's placeholder text."""
    found = []
    for key_path, value in _walk(document.data, ()):
        if isinstance(value, str) and PLACEHOLDER in value:
            found.append(
                _error(
                    document,
                    key_path,
                    f"这里还是模板中的占位文字：“{visible(value.strip(), limit=30)}”。",
                    _placeholder_hint(model, key_path),
                )
            )
    return found


def _placeholder_hint(model: type[BaseModel], key_path: KeyPath) -> str:
    """Replace the placeholder; deleting the line is offered only where the model allows it."""
    hint = (
        f"请把“{PLACEHOLDER}”和它后面的提示换成实际内容；"
        f"后面已经是要写的内容时，删去“{PLACEHOLDER}”即可。"
    )
    owner, name = field_at(model, key_path)
    info = owner.model_fields.get(name)
    if info is not None and not info.is_required():
        hint += "这个字段可省略，不需要时也可以整行删除。"
    return hint


def _walk(value: Any, key_path: KeyPath) -> Any:
    yield key_path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*key_path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, (*key_path, i))


def _similar_entries(entries: dict[str, Entry], docs: dict[str, Document]) -> list[ContentError]:
    ordered = sorted(entries, key=lambda entry_id: docs[entry_id].path)
    warnings = []
    empty = clauses({})
    found = [(i, c if (c := docs[i].prepared.clauses) is not None else empty) for i in ordered]
    for pair in find_similar(found):
        first, second = entries[pair.first], entries[pair.second]
        if pair.first in second.distinct_from or pair.second in first.distinct_from:
            continue
        warnings.append(
            _error(
                docs[pair.second],
                ("title",),
                f"内容与 {docs[pair.first].path} 高度相似（约 {pair.similarity:.0%} 相同），可能是同一条目提交了两次。",
                "如果是同一个条目，请合并为一个；如果确实是不同的条目，请在本文件中加上"
                f"“distinct_from: [{pair.first}]”，说明已经核实过。",
                severity="warning",
            )
        )
    return warnings


def _taxonomy_ref_errors(
    document: Document,
    taxonomy_doc: Document | None,
    taxonomy: Taxonomy,
    known: tuple[set[str], set[str]] | None,
) -> list[ContentError]:
    """:func:`_check_taxonomy_refs`, worked out once per file and taxonomy: a preview
    validates the whole project after each edit, and most files did not change."""
    against = ("taxonomy", taxonomy_doc.digest if taxonomy_doc else "")
    found = document.checked.get(against)
    if found is None:
        found = []
        _check_taxonomy_refs(document, taxonomy, found, known)
        document.checked = {against: found}
    return found


def _check_taxonomy_refs(
    document: Document,
    taxonomy: Taxonomy,
    errors: list[ContentError],
    known: tuple[set[str], set[str]] | None = None,
) -> None:
    """Organization type and themes name taxa that exist, each theme once.

    Read from the file's data, so that an entry with other problems is checked too.
    ``known`` holds the taxonomy's organization type and theme ids, worked out once.
    """
    org_ids, theme_ids = known or (
        {t.id for t in taxonomy.org_types},
        {t.id for t in taxonomy.themes},
    )
    data = document.data if isinstance(document.data, dict) else {}
    org_type = data.get("org_type")
    if (
        isinstance(org_type, str)
        and org_type.strip()
        and PLACEHOLDER not in org_type  # reported as the placeholder it still is
        and not document.is_unreadable(("org_type",))
        and org_type.strip() not in org_ids
    ):
        errors.append(
            _unknown_taxon(
                document, ("org_type",), org_type.strip(), taxonomy.org_types, "组织类型"
            )
        )
    themes = data.get("themes")
    if not isinstance(themes, list) or document.is_unreadable(("themes",)):
        return
    seen: set[str] = set()
    for i, theme in enumerate(themes):
        if not isinstance(theme, str) or not theme.strip() or PLACEHOLDER in theme:
            continue
        theme = theme.strip()
        if theme not in theme_ids:
            errors.append(_unknown_taxon(document, ("themes", i), theme, taxonomy.themes, "主题"))
        elif theme in seen:
            errors.append(
                _error(document, ("themes", i), f"主题“{theme}”重复列出。", "每个主题只写一次。")
            )
        seen.add(theme)


_SPACES = re.compile(r"[ \n]+")
_LIST_SEPARATORS = re.compile(r"[，、；;\s]+")


def _unknown_taxon(
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
    return _error(document, key_path, f"不存在编号为“{visible(value)}”的{what}。", hint + listed)


def _check_practice_refs(
    practice: BestPractice,
    document: Document,
    entries: dict[str, Entry],
    invalid_ids: set[str],
    errors: list[ContentError],
    citable: CloseIds,
) -> None:
    for i, target in enumerate(practice.cases):
        found = entries.get(target)
        if found is None and target in invalid_ids:
            continue
        if found is None:
            errors.append(_unknown_ref(document, ("cases", i), target, citable, "条目"))
        elif found.kind == "practice":
            errors.append(
                _error(
                    document,
                    ("cases", i),
                    f"“{target}”是一条经验做法，这里只能引用典型案例或学习资料。",
                    "请改为体现这一做法的案例或资料的编号。",
                )
            )


def _check_pack_refs(
    pack: StudyPack,
    document: Document,
    entries: dict[str, Entry],
    invalid_ids: set[str],
    errors: list[ContentError],
    any_entry: CloseIds,
) -> None:
    """A study pack lists entries that exist, each once; its self-test questions are sound
    (:mod:`generator.quiz`)."""
    for problem in question_problems(pack, entries):
        errors.append(_error(document, problem.key_path, problem.message, problem.hint))
    seen: set[str] = set()
    for i, item in enumerate(pack.entries):
        if item.entry in seen:
            errors.append(
                _error(
                    document,
                    ("entries", i, "entry"),
                    f"条目“{item.entry}”在本专题中重复列出。",
                    "每个条目只列一次；需要强调时，可以写在它的 note（选编理由）里。",
                )
            )
        elif item.entry not in entries and item.entry not in invalid_ids:
            errors.append(
                _unknown_ref(document, ("entries", i, "entry"), item.entry, any_entry, "条目")
            )
        seen.add(item.entry)


def _check_distinct_refs(
    entry: Entry,
    document: Document,
    entries: dict[str, Entry],
    invalid_ids: set[str],
    errors: list[ContentError],
    any_entry: CloseIds,
) -> None:
    for i, target in enumerate(entry.distinct_from):
        if target not in entries and target not in invalid_ids:
            errors.append(
                _unknown_ref(document, ("distinct_from", i), target, any_entry, "条目")
            )


def _unknown_ref(
    document: Document, key_path: KeyPath, value: str, close_ids: CloseIds, what: str
) -> ContentError:
    valid, close = close_ids.ids, close_ids(value)
    hint = f"是否想写“{'”或“'.join(close)}”？" if close else ""
    if not valid:
        listed = f"目前还没有可用的{what}。"
    elif len(valid) <= 12:
        listed = f"可用的编号有：{'、'.join(valid)}。"
    else:
        listed = f"可用的编号有：{'、'.join(valid[:12])} 等。"
    return _error(document, key_path, f"不存在编号为“{visible(value)}”的{what}。", hint + listed)


# --- translating schema errors --------------------------------------------------


def check_field(model: type[BaseModel], name: str, value: Any) -> tuple[Any, str]:
    """``value`` as field ``name`` of ``model`` reads it and "", or None and what is wrong
    with it in ``kb check``'s words: for values given on the command line (``kb new``)."""
    info = model.model_fields[name]
    rule: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    try:
        return TypeAdapter(rule).validate_python(value), ""
    except ValidationError as invalid:
        detail = invalid.errors(include_url=False)[0]
        detail = {**detail, "loc": (name, *detail["loc"])}
        document = Document(path="", content_path="", data={name: value})
        problem = _translate(detail, model, document)
        return None, problem.message + problem.hint


def _validate_model(model: type[BaseModel], document: Document, errors: list[ContentError]) -> Any:
    try:
        return model.model_validate(document.data)
    except ValidationError as invalid:
        details = [
            detail
            for detail in invalid.errors(include_url=False)
            # What could not be read is reported already, for what it is.
            if not document.is_unreadable(tuple(detail["loc"]))
            and not (detail["type"] == "missing" and document.broken and not document.unreadable)
        ]
        paired, details = misplaced_fields(details, model, document)
        errors.extend(paired)
        errors.extend(_translate(detail, model, document) for detail in details)
        return None


_QUOTE_HINT = '请给整个值加上英文双引号，例如 "{written}"，YAML 才会把它当作文字。'


def _translate(detail: Any, model: type[BaseModel], document: Document) -> ContentError:
    loc: KeyPath = tuple(detail["loc"])
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    value = detail.get("input")
    owner, name = field_at(model, loc)
    label = field_label(owner, name) if name else "内容"
    if loc and isinstance(loc[-1], int):
        label = f"{label}第 {loc[-1] + 1} 项"
    description = _field_description(owner, name)
    written = document.written.get(loc)

    if kind == "missing":
        return missing_field(document, model, loc)
    if kind == "extra_forbidden":
        allowed = list(owner.model_fields)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"是否想写“{close[0]}”？" if close else ""
        line, column = document.key_positions.get(loc) or document.position(loc)
        return ContentError(
            document.path,
            line,
            column,
            format_key_path(loc),
            f"不认识的字段“{visible(str(loc[-1]))}”。",
            f"{hint}这里允许的字段有：{'、'.join(allowed)}。",
        )
    if value is None and kind in {
        "string_type",
        "list_type",
        "model_type",
        "dict_type",
        "int_type",
        "not_a_date",
    }:
        why, quote = empty_by_comment(written, label=label, name=loc[-1] if loc else "")
        return _error(
            document, loc, why or f"“{label}”没有填写。", f"{quote}请填写{description or '内容'}"
        )
    if kind == "string_type":
        message = f"“{label}”应为文本，实际是{_describe_value(value, written)}。"
        if written is not None:
            hint = _QUOTE_HINT.format(written=written)
            if name == "value":
                hint = "数值要与原始资料完全一致，连同单位一起写，例如“120 人”；" + hint
        else:
            hint = "文本中含有冒号等符号时，请用英文双引号把整段括起来。"
        return _error(document, loc, message, hint)
    if kind == "list_type":
        return _error(
            document,
            loc,
            f"“{label}”应为列表，实际是{_describe_value(value, written)}。",
            "列表的每一项单独一行，以“- ”开头；或写在一行的方括号里，用英文逗号分开，例如 [甲, 乙]。",
        )
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return _error(
            document,
            loc,
            f"“{label}”应为包含若干字段的映射，实际是{_describe_value(value, written)}。",
            "请在下一行缩进两个空格，逐个写“字段: 值”。",
        )
    if kind == "invisible_character":
        char, offset = ctx["char"], ctx["offset"]
        return _error(
            document,
            loc,
            f"“{label}”含有看不见的字符{char_name(char)}（在第 {offset + 1} 个字处）。",
            "这类字符常随从网页、Word 或 PDF 复制来的文字混入，会让文字显示错乱或变成空白；"
            "请删除它（VS Code 会把它标出来），或把这段文字重新输入一遍。",
        )
    if kind == "blank_text":
        return _error(
            document,
            loc,
            f"“{label}”只有看不见的字符{char_name(ctx['char'])}，等于没有填写。",
            "这类字符常随从网页、Word 或 PDF 复制来的文字混入；请删除它们，"
            f"填写{description or '内容'}",
        )
    if kind == "surrounding_space" or (
        kind == "string_pattern_mismatch"
        and ctx.get("pattern") == SLUG_PATTERN
        and isinstance(value, str)
        and re.fullmatch(SLUG_PATTERN, value.strip())
    ):
        if not value.strip():
            return _error(document, loc, f"“{label}”不能为空。", f"请填写{description or '内容'}")
        return _error(
            document,
            loc,
            f"“{label}”的前后不能有空格，实际是“{visible(value)}”。",
            f"编号用作文件名和网址，请删掉引号里的空格，写成 {value.strip()}。",
        )
    if kind == "reserved_id":
        return _error(
            document,
            loc,
            f"“{label}”不能用“{ctx['value']}”：这个名字是网站目录页的文件名，或 Windows 不允许的文件名。",
            "请换一个编号，例如在后面加上地名或单位名。",
        )
    if kind == "string_too_short":
        return _error(document, loc, f"“{label}”不能为空。", f"请填写{description or '内容'}")
    if kind == "string_too_long":
        actual = len(str(value).strip())
        return _error(
            document,
            loc,
            f"“{label}”最多 {ctx.get('max_length')} 字，实际有 {actual} 字。",
            "请精简文字。",
        )
    if kind == "string_pattern_mismatch":
        what, hint = PATTERN_RULES.get(ctx.get("pattern", ""), ("格式不对", "请按说明填写。"))
        return _error(document, loc, f"“{label}”{what}，实际是“{visible(str(value))}”。", hint)
    if kind == "too_short":
        return _error(
            document,
            loc,
            f"“{label}”至少需要 {ctx.get('min_length')} 项，实际有 {ctx.get('actual_length', 0)} 项。",
            "请补充。",
        )
    if kind == "too_long":
        return _error(
            document,
            loc,
            f"“{label}”最多 {ctx.get('max_length')} 项，实际有 {ctx.get('actual_length')} 项。",
            "请只保留最相关的几项。",
        )
    if kind == "literal_error":
        # pydantic words the choices in English ("'a', 'b' or 'c'"); said here in Chinese.
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return _error(
            document,
            loc,
            f"“{label}”应为 {'、'.join(allowed) or ctx.get('expected')} 之一，实际是“{visible(str(value))}”。"
            if len(allowed) > 1
            else f"“{label}”应为 {ctx.get('expected')}，实际是“{visible(str(value))}”。",
            "请改为规定的值。",
        )
    date_hint = "请写成“年-月-日”的形式，例如 2022-07-20；不知道日期时删除这一行。"
    if kind == "impossible_date":
        year, month, day = ctx["year"], ctx["month"], ctx["day"]
        if not 1 <= month <= 12:
            reason = f"没有 {month} 月"
        else:
            days = calendar.monthrange(year, month)[1]
            reason = f"{year} 年 {month} 月只有 {days} 天，没有 {day} 日"
        return _error(
            document,
            loc,
            f"“{label}”不是真实存在的日期：{reason}。",
            "请核对原始资料上的日期；" + date_hint,
        )
    if kind == "date_with_time":
        return _error(
            document,
            loc,
            f"“{label}”只写日期，不写时刻，实际是“{visible(str(value))}”。",
            date_hint,
        )
    if kind == "not_a_date":
        return _error(
            document,
            loc,
            f"“{label}”应为日期，实际是{_describe_value(value, written)}。",
            date_hint,
        )
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return _error(
            document,
            loc,
            f"“{label}”应为整数，实际是{_describe_value(value, written)}。",
            "请填写阿拉伯数字，不加引号，例如 3。",
        )
    return _error(document, loc, f"“{label}”的值不符合要求。", f"请按说明填写：{description}")


def _field_description(owner: type[BaseModel], name: str) -> str:
    info = owner.model_fields.get(name)
    description = (info.description if info else None) or ""
    return description.split("：", 1)[1] if "：" in description else description


def _describe_value(value: Any, written: str | None = None) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"是非值 {written or str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"数字 {written or value}"
    if isinstance(value, datetime.date):
        return f"日期 {value.isoformat()}"
    if isinstance(value, str):
        return f"文本“{visible(_SPACES.sub(' ', value), limit=20)}”"
    if isinstance(value, list):
        return f"含 {len(value)} 项的列表"
    if isinstance(value, dict):
        return "包含若干字段的映射"
    return type(value).__name__


@functools.lru_cache(maxsize=1 << 17)
def _stem(path: str) -> str:
    """A file name without folder and extension; plain string work, done for every file."""
    return posixpath.splitext(posixpath.basename(path))[0]


def _error(
    document: Document, key_path: KeyPath, message: str, hint: str = "", *, severity: str = "error"
) -> ContentError:
    line, column = document.position(key_path)
    return ContentError(
        document.path, line, column, format_key_path(key_path), message, hint, severity
    )
