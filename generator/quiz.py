"""自测题: what makes a study pack's self-test question sound, beyond its types.

The question model is declared with the content model (:class:`generator.model.Question`).
Here are the rules that look at a question as a whole and at the entry it comes from,
each with its wording for editors: an answer among the options, and a basis (a passage
copied from the entry) that the entry really holds. The pages read from here too: which
options are right, and where in its entry a question's answer stands.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from generator.load import KeyPath
from generator.model import Entry, Question, StudyPack
from generator.outline import Heading, Part, entry_parts

LETTERS = "ABCDEF"
"""Options are lettered A to F, in the order written."""
JUDGE_ANSWERS = ("对", "错")
TYPE_LABELS = {"single": "单选题", "multiple": "多选题", "judge": "判断题"}
MIN_OPTIONS = {"single": 2, "multiple": 3}
_SEPARATORS = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True)
class Problem:
    """What is wrong with a question: where, what and what to do (Chinese, for editors)."""

    key_path: KeyPath
    message: str
    hint: str


def answer_letters(question: Question) -> str:
    """The answer as its option letters (``ACD``), full-width letters and separators taken
    as editors type them (Ａ、Ｃ); a true/false answer as written (对 or 错)."""
    written = unicodedata.normalize("NFKC", question.answer)
    if question.type == "judge":
        return written.strip()
    return _SEPARATORS.sub("", written).upper()


def correct_options(question: Question) -> list[str]:
    """What a reader must choose: option letters, or 对/错 for a true/false question."""
    if question.type == "judge":
        return [answer_letters(question)]
    return sorted(set(answer_letters(question)))


def choices(question: Question) -> list[tuple[str, str]]:
    """The options a reader picks from: (value, text), 对 and 错 for a true/false question."""
    if question.type == "judge":
        return [(answer, answer) for answer in JUDGE_ANSWERS]
    return list(zip(LETTERS, question.options, strict=False))


def question_problems(pack: StudyPack, entries: dict[str, Entry]) -> list[Problem]:
    """Every problem of the pack's self-test questions; none when all are sound."""
    problems: list[Problem] = []
    listed = [item.entry for item in pack.entries]
    for i, question in enumerate(pack.self_test):
        problems += _answer_problems(question, ("self_test", i))
        if question.entry not in listed:
            problems.append(
                Problem(
                    ("self_test", i, "entry"),
                    f"出处“{question.entry}”不是本专题选编的条目。",
                    "自测题考的是本专题的内容，请写本专题 entries 中的一个编号："
                    + "、".join(listed)
                    + "。",
                )
            )
        elif question.entry in entries and locate(question, entries[question.entry]) is None:
            problems.append(
                Problem(
                    ("self_test", i, "basis"),
                    f"原文依据在条目“{entries[question.entry].title}”中找不到。",
                    "请从这个条目的正文中原样复制一段文字（标点也要一致），"
                    "读者据此核对答案，页面也据此链接到它所在的部分。",
                )
            )
    return problems


def _answer_problems(question: Question, at: KeyPath) -> list[Problem]:
    answer = answer_letters(question)
    label = TYPE_LABELS[question.type]
    if question.type == "judge":
        problems = []
        if question.options:
            problems.append(
                Problem((*at, "options"), "判断题不写选项。", "删去 options，答案写“对”或“错”。")
            )
        if answer not in JUDGE_ANSWERS:
            problems.append(
                Problem((*at, "answer"), f"判断题的答案是“{answer}”。", "请写“对”或“错”。")
            )
        return problems
    fewest = MIN_OPTIONS[question.type]
    if len(question.options) < fewest:
        return [
            Problem(
                (*at, "options"),
                f"{label}只有 {len(question.options)} 个选项。",
                f"{label}至少要有 {fewest} 个选项，依次对应 A、B、C……。",
            )
        ]
    if len(set(question.options)) < len(question.options):
        return [Problem((*at, "options"), f"{label}有重复的选项。", "每个选项只写一次。")]
    usable = LETTERS[: len(question.options)]
    wrong = [letter for letter in answer if letter not in usable]
    if wrong or not answer:
        return [
            Problem(
                (*at, "answer"),
                f"答案“{question.answer}”不是这道题的选项字母。",
                f"这道题的选项是 {'、'.join(usable)}；答案写选项的字母，如 {usable[1]}。",
            )
        ]
    if question.type == "single" and len(answer) != 1:
        return [
            Problem(
                (*at, "answer"),
                f"单选题的答案“{question.answer}”不止一个字母。",
                "只写一个字母；有几个正确选项的题请把 type 写成 multiple。",
            )
        ]
    if question.type == "multiple" and len(set(answer)) < 2:
        return [
            Problem(
                (*at, "answer"),
                "多选题只有一个正确选项。",
                "写出全部正确选项的字母（至少两个）；只有一个正确选项的题请把 type 写成 single。",
            )
        ]
    return []


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def locate(question: Question, entry: Entry) -> Heading | None:
    """The heading of the part of ``entry`` that holds the question's basis (its summary
    counts as the entry's first part, the top of the page: a heading without an anchor);
    None when the entry does not hold it."""
    basis = _squeezed(question.basis)
    if basis in _squeezed(entry.summary):
        return Heading(1, None, entry.title)
    for part in entry_parts(entry, []):
        if any(basis in _squeezed(text) for text in _texts(part)):
            return part.heading
    return None


def _texts(part: Part) -> list[str]:
    found = []
    for block in part.blocks:
        found += [block.text, *block.items, *(f"{label}：{value}" for label, value in block.rows)]
    return found
