"""References between files: a practice's examples, a study pack's entries, and the entries
an entry says it is not a copy of, each an entry that exists."""

from __future__ import annotations

from generator.check.messages import error_at
from generator.check.suggest import CloseIds
from generator.errors import ContentError
from generator.load import Document, KeyPath
from generator.model import BestPractice, Entry, StudyPack
from generator.quiz import question_problems
from generator.quoting import visible


def check_practice_refs(
    practice: BestPractice,
    document: Document,
    entries: dict[str, Entry],
    invalid_ids: set[str],
    errors: list[ContentError],
    citable: CloseIds,
) -> None:
    """A practice's examples are cases or materials that exist."""
    for i, target in enumerate(practice.cases):
        found = entries.get(target)
        if found is None and target in invalid_ids:
            continue
        if found is None:
            errors.append(unknown_ref(document, ("cases", i), target, citable, "条目"))
        elif found.kind == "practice":
            errors.append(
                error_at(
                    document,
                    ("cases", i),
                    f"“{target}”是一条经验做法，这里只能引用典型案例或学习资料。",
                    "请改为体现这一做法的案例或资料的编号。",
                )
            )


def check_pack_refs(
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
        errors.append(error_at(document, problem.key_path, problem.message, problem.hint))
    seen: set[str] = set()
    for i, item in enumerate(pack.entries):
        if item.entry in seen:
            errors.append(
                error_at(
                    document,
                    ("entries", i, "entry"),
                    f"条目“{item.entry}”在本专题中重复列出。",
                    "每个条目只列一次；需要强调时，可以写在它的 note（选编理由）里。",
                )
            )
        elif item.entry not in entries and item.entry not in invalid_ids:
            errors.append(
                unknown_ref(document, ("entries", i, "entry"), item.entry, any_entry, "条目")
            )
        seen.add(item.entry)


def check_distinct_refs(
    entry: Entry,
    document: Document,
    entries: dict[str, Entry],
    invalid_ids: set[str],
    errors: list[ContentError],
    any_entry: CloseIds,
) -> None:
    """The entries an entry says it is not a copy of exist."""
    for i, target in enumerate(entry.distinct_from):
        if target not in entries and target not in invalid_ids:
            errors.append(unknown_ref(document, ("distinct_from", i), target, any_entry, "条目"))


def unknown_ref(
    document: Document, key_path: KeyPath, value: str, close_ids: CloseIds, what: str
) -> ContentError:
    """An id of an entry that does not exist, with the likeliest intended ids."""
    valid, close = close_ids.ids, close_ids(value)
    hint = f"是否想写“{'”或“'.join(close)}”？" if close else ""
    if not valid:
        listed = f"目前还没有可用的{what}。"
    elif len(valid) <= 12:
        listed = f"可用的编号有：{'、'.join(valid)}。"
    else:
        listed = f"可用的编号有：{'、'.join(valid[:12])} 等。"
    return error_at(document, key_path, f"不存在编号为“{visible(value)}”的{what}。", hint + listed)
