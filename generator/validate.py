"""Stage 2: turn parsed documents into typed content objects, collecting every problem.

Schema problems come from the model in :mod:`generator.model`; this module only
translates them into Chinese sentences with positions, and adds the checks a
schema cannot express: references between files, unique ids, file placement.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.errors import ContentError, ContentErrors
from generator.load import (
    TAXONOMY_FILE,
    ContentCache,
    Document,
    KeyPath,
    check_text_file,
    display_path,
    format_key_path,
    parse_document,
    read_documents,
)
from generator.model import (
    ENTRY_MODELS,
    KIND_FOLDERS,
    KIND_LABELS,
    PLACEHOLDER,
    SLUG_PATTERN,
    TITLE_PATTERN,
    BestPractice,
    Entry,
    Taxonomy,
    field_label,
    nested_model,
)
from generator.segment import SEARCH_TERMS_FILE
from generator.similar import clauses, find_similar


@dataclass(frozen=True)
class Project:
    """Validated content: the taxonomy and every entry, ready for indexing."""

    taxonomy: Taxonomy
    entries: dict[str, Entry]
    """Entries by id, in a stable order (by kind, then id)."""
    files: dict[str, str]
    """Repository-relative file of each entry id."""
    warnings: list[ContentError]
    """Problems worth telling editors that do not stop the build."""


def load_project(
    content_dir: Path,
    *,
    root: Path,
    workers: int = 1,
    find_duplicates: bool = True,
    cache: ContentCache | None = None,
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
        prepare=functools.partial(prepare_document, find_duplicates=find_duplicates),
    )
    errors += check_text_file(content_dir / SEARCH_TERMS_FILE, root=root)
    return validate_documents(
        documents, errors, content_dir=content_dir, root=root, find_duplicates=find_duplicates
    )


@dataclass(frozen=True)
class Prepared:
    """What validation works out from one entry file alone."""

    entry: Entry | None
    errors: list[ContentError]
    clauses: frozenset[str] | None
    """For the near-duplicate check, when asked for."""


_KEPT_POSITIONS = {"id", "kind", "title", "org_type", "themes", "cases"}
"""Fields whose positions checks across files still need, once one file is validated."""


def prepare_document(document: Document, *, find_duplicates: bool) -> None:
    """Validate one entry file on its own, then keep only what checks across files need."""
    if document.content_path == TAXONOMY_FILE:
        return
    errors: list[ContentError] = []
    entry = _validate_entry(document, errors)
    found = clauses(document.data) if find_duplicates and entry is not None else None
    document.prepared = Prepared(entry, errors, found)
    document.positions = {
        key: value
        for key, value in document.positions.items()
        if not key or key[0] in _KEPT_POSITIONS
    }
    if isinstance(document.data, dict):
        document.data = {"id": document.data.get("id")}


def load_taxonomy(content_dir: Path, *, root: Path) -> Taxonomy:
    """Only the taxonomy, for tools that need it while entries may still have problems."""
    path = content_dir / TAXONOMY_FILE
    errors: list[ContentError] = []
    document = None
    if path.is_file():
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

    entries: dict[str, Entry] = {}
    files: dict[str, str] = {}
    entry_docs: dict[str, Document] = {}
    # Ids of entries that exist but failed validation: references to them are not
    # reported again as "does not exist", which would send editors to the wrong file.
    invalid_ids = {Path(error.path).stem for error in errors}
    for document in documents:
        if document is taxonomy_doc:
            continue
        if document.prepared is None:
            prepare_document(document, find_duplicates=find_duplicates)
        prepared: Prepared = document.prepared
        errors.extend(prepared.errors)
        entry = prepared.entry
        if entry is None:
            if isinstance(document.data, dict) and isinstance(document.data.get("id"), str):
                invalid_ids.add(document.data["id"])
            invalid_ids.add(Path(document.content_path).stem)
            continue
        if entry.id in entries:
            errors.append(
                _error(
                    document,
                    ("id",),
                    f"编号“{entry.id}”已被 {files[entry.id]} 使用。",
                    "每个条目的编号必须唯一，请换一个编号，并同时修改文件名。",
                )
            )
            continue
        entries[entry.id] = entry
        files[entry.id] = document.path
        entry_docs[entry.id] = document

    if taxonomy is not None:
        for entry_id, entry in entries.items():
            _check_taxonomy_refs(entry, entry_docs[entry_id], taxonomy, errors)
    for entry_id, entry in entries.items():
        if isinstance(entry, BestPractice):
            _check_practice_refs(entry, entry_docs[entry_id], entries, invalid_ids, errors)
    warnings = _similar_entries(entries, entry_docs) if find_duplicates else []

    if errors:
        raise ContentErrors(errors + warnings)
    assert taxonomy is not None  # a missing taxonomy is reported as an error above
    order = {kind: i for i, kind in enumerate(ENTRY_MODELS)}
    ordered = sorted(entries.values(), key=lambda e: (order[e.kind], e.id))
    return Project(
        taxonomy=taxonomy,
        entries={e.id: e for e in ordered},
        files={e.id: files[e.id] for e in ordered},
        warnings=warnings,
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
    taxonomy = _validate_model(Taxonomy, document, errors)
    if taxonomy is None:
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
    return taxonomy if clean else None


# --- entries ------------------------------------------------------------------


def _validate_entry(document: Document, errors: list[ContentError]) -> Entry | None:
    folder, _, name = document.content_path.partition("/")
    kind = next((k for k, f in KIND_FOLDERS.items() if f == folder), None)
    if kind is None or "/" in name:
        folders = "、".join(f"{f}/（{KIND_LABELS[k]}）" for k, f in KIND_FOLDERS.items())
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
    if isinstance(declared, str) and declared in KIND_FOLDERS and declared != kind:
        errors.append(
            _error(
                document,
                ("kind",),
                f"文件放错了文件夹：类型是“{declared}”（{KIND_LABELS[declared]}），"
                f"却放在 {folder}/（{KIND_LABELS[kind]}）中。",
                f"请把文件移到 {KIND_FOLDERS[declared]}/，或把 kind 改为 {kind}。",
            )
        )
        return None
    placeholders = _placeholders(document)
    errors.extend(placeholders)
    entry = _validate_model(ENTRY_MODELS[kind], document, errors)
    if entry is None or placeholders:
        return None
    stem = Path(name).stem
    if stem != entry.id:
        errors.append(
            _error(
                document,
                ("id",),
                f"文件名“{name}”与编号“{entry.id}”不一致。",
                f"请把文件改名为 {entry.id}.yml，或把 id 改为 {stem}。",
            )
        )
        return None
    return entry


def _placeholders(document: Document) -> list[ContentError]:
    """Values still holding the scaffold's placeholder text."""
    if not _mentions(document.data, PLACEHOLDER):
        return []
    found = []
    for key_path, value in _walk(document.data, ()):
        if isinstance(value, str) and PLACEHOLDER in value:
            found.append(
                _error(
                    document,
                    key_path,
                    f"这里还是模板中的占位文字：“{value.strip()[:30]}”。",
                    f"请把带“{PLACEHOLDER}”的文字换成实际内容；可省略的字段也可以整行删除。",
                )
            )
    return found


def _mentions(value: Any, text: str) -> bool:
    """Whether any string inside ``value`` contains ``text`` (a quick test before a walk)."""
    if isinstance(value, str):
        return text in value
    if isinstance(value, dict):
        return any(_mentions(item, text) for item in value.values())
    if isinstance(value, list):
        return any(_mentions(item, text) for item in value)
    return False


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
    for pair in find_similar([(i, docs[i].prepared.clauses or frozenset()) for i in ordered]):
        warnings.append(
            _error(
                docs[pair.second],
                ("title",),
                f"内容与 {docs[pair.first].path} 高度相似（约 {pair.similarity:.0%} 相同），可能是同一条目提交了两次。",
                "如果是同一个案例，请合并为一个条目；如果确实是不同的条目，可以忽略本提示。",
                severity="warning",
            )
        )
    return warnings


def _check_taxonomy_refs(
    entry: Entry, document: Document, taxonomy: Taxonomy, errors: list[ContentError]
) -> None:
    org_ids = [t.id for t in taxonomy.org_types]
    if entry.org_type not in org_ids:
        errors.append(_unknown_ref(document, ("org_type",), entry.org_type, org_ids, "组织类型"))
    theme_ids = [t.id for t in taxonomy.themes]
    for i, theme in enumerate(entry.themes):
        if theme not in theme_ids:
            errors.append(_unknown_ref(document, ("themes", i), theme, theme_ids, "主题"))
    for i, theme in enumerate(entry.themes):
        if theme in entry.themes[:i]:
            errors.append(
                _error(document, ("themes", i), f"主题“{theme}”重复列出。", "每个主题只写一次。")
            )


def _check_practice_refs(
    practice: BestPractice,
    document: Document,
    entries: dict[str, Entry],
    invalid_ids: set[str],
    errors: list[ContentError],
) -> None:
    for i, target in enumerate(practice.cases):
        found = entries.get(target)
        if found is None and target in invalid_ids:
            continue
        if found is None:
            citable = [e.id for e in entries.values() if e.kind != "practice"]
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


def _unknown_ref(
    document: Document, key_path: KeyPath, value: str, valid: list[str], what: str
) -> ContentError:
    close = difflib.get_close_matches(value, valid, n=3, cutoff=0.5)
    hint = f"是否想写“{'”或“'.join(close)}”？" if close else ""
    if not valid:
        listed = f"目前还没有可用的{what}。"
    elif len(valid) <= 12:
        listed = f"可用的编号有：{'、'.join(valid)}。"
    else:
        listed = f"可用的编号有：{'、'.join(valid[:12])} 等。"
    return _error(document, key_path, f"不存在编号为“{value}”的{what}。", hint + listed)


# --- translating schema errors --------------------------------------------------

_PATTERN_MESSAGES = {
    SLUG_PATTERN: (
        "只能由小写英文字母、数字和连字符组成",
        "例如 wangcun-community；不要用中文、空格或大写字母。",
    ),
    TITLE_PATTERN: ("不能包含尖括号 < > 或换行", "书名请用书名号《》，并写在一行内。"),
}


def _validate_model(model: type[BaseModel], document: Document, errors: list[ContentError]) -> Any:
    try:
        return model.model_validate(document.data)
    except ValidationError as invalid:
        for detail in invalid.errors(include_url=False):
            errors.append(_translate(detail, model, document))
        return None


def _translate(detail: Any, model: type[BaseModel], document: Document) -> ContentError:
    loc: KeyPath = tuple(detail["loc"])
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    value = detail.get("input")
    owner, name = _field_at(model, loc)
    label = field_label(owner, name) if name else "内容"
    if loc and isinstance(loc[-1], int):
        label = f"{label}第 {loc[-1] + 1} 项"
    description = _field_description(owner, name)

    if kind == "missing":
        return _error(
            document,
            loc,
            f"缺少必填字段“{name}”（{label}）。",
            f"请添加“{name}:”并填写{description or '内容'}",
        )
    if kind == "extra_forbidden":
        allowed = list(owner.model_fields)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"是否想写“{close[0]}”？" if close else ""
        return _error(
            document,
            loc,
            f"不认识的字段“{loc[-1]}”。",
            f"{hint}这里允许的字段有：{'、'.join(allowed)}。",
        )
    if value is None and kind in {
        "string_type",
        "list_type",
        "model_type",
        "dict_type",
        "int_type",
    }:
        return _error(document, loc, f"“{label}”没有填写。", f"请填写{description or '内容'}")
    if kind == "string_type":
        message = f"“{label}”应为文本，实际是{_describe_value(value)}。"
        return _error(
            document, loc, message, "文本中含有冒号等符号时，请用英文双引号把整段括起来。"
        )
    if kind == "list_type":
        return _error(
            document,
            loc,
            f"“{label}”应为列表，实际是{_describe_value(value)}。",
            "列表的每一项单独一行，以“- ”开头。",
        )
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return _error(
            document,
            loc,
            f"“{label}”应为包含若干字段的映射，实际是{_describe_value(value)}。",
            "请在下一行缩进两个空格，逐个写“字段: 值”。",
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
        what, hint = _PATTERN_MESSAGES.get(ctx.get("pattern", ""), ("格式不对", "请按说明填写。"))
        return _error(document, loc, f"“{label}”{what}，实际是“{value}”。", hint)
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
        return _error(
            document,
            loc,
            f"“{label}”应为 {ctx.get('expected')}，实际是“{value}”。",
            "请改为规定的值。",
        )
    if kind.startswith("date_"):
        return _error(
            document,
            loc,
            f"“{label}”应为日期，实际是{_describe_value(value)}。",
            "请写成“年-月-日”的形式，例如 2022-07-20（不加引号）；不知道日期时删除这一行。",
        )
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return _error(
            document,
            loc,
            f"“{label}”应为整数，实际是{_describe_value(value)}。",
            "请填写阿拉伯数字。",
        )
    return _error(document, loc, f"“{label}”的值不符合要求（{detail['msg']}）。", "请按说明填写。")


def _field_at(model: type[BaseModel], loc: KeyPath) -> tuple[type[BaseModel], str]:
    """The model class that declares the field named by ``loc``, and that field's name."""
    found: tuple[type[BaseModel], str] = (model, "")
    owner: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int) or owner is None:
            continue
        found = (owner, str(part))
        info = owner.model_fields.get(str(part))
        owner = nested_model(info.annotation) if info else None
    return found


def _field_description(owner: type[BaseModel], name: str) -> str:
    info = owner.model_fields.get(name)
    description = (info.description if info else None) or ""
    return description.split("：", 1)[1] if "：" in description else description


def _describe_value(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"是非值 {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, datetime.datetime):
        return f"带时刻的日期时间 {value.isoformat(sep=' ')}"
    if isinstance(value, datetime.date):
        return f"日期 {value.isoformat()}"
    if isinstance(value, str):
        shown = re.sub(r"\s+", " ", value)
        return f"文本“{shown[:20]}{'…' if len(shown) > 20 else ''}”"
    if isinstance(value, list):
        return f"含 {len(value)} 项的列表"
    if isinstance(value, dict):
        return "包含若干字段的映射"
    return type(value).__name__


def _error(
    document: Document, key_path: KeyPath, message: str, hint: str = "", *, severity: str = "error"
) -> ContentError:
    line, column = document.position(key_path)
    return ContentError(
        document.path, line, column, format_key_path(key_path), message, hint, severity
    )
