"""``kb import``: from a scraped or downloaded document to a draft entry.

The stages, one module each: :mod:`~generator.importer.read` (bytes, web page, Word
or PDF to lines, with the encoding), :mod:`~generator.importer.clean` (Simplified
Chinese, glosses, boilerplate, page chunks), :mod:`~generator.importer.structure`
(headings to sections to the kind's fields), :mod:`~generator.importer.extract`
(title, date, figures, suggestions), :mod:`~generator.importer.draft` (the YAML) and
:mod:`~generator.importer.report` (what was done, in Chinese). How much one document may
bring in, and how long each stage may take, is in :mod:`~generator.importer.limits`.
Nothing here writes files; :mod:`generator.commands.import_` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.importer import boilerplate, chunks, draft, extract, structure, suspicious
from generator.importer.clean import clean_source
from generator.importer.findings import Findings
from generator.importer.limits import DEFAULT_LIMITS, Limits, Steps, check_draft, check_paragraphs
from generator.importer.read import SourceText, read_source
from generator.model import Taxonomy
from generator.segment import Segmenter, standard_segmenter


@dataclass
class Imported:
    """One document's import: the draft text and everything the report tells about it."""

    source: SourceText
    kind: str
    entry_id: str
    facts: extract.Facts
    plan: structure.FieldPlan
    findings: Findings
    text: str
    """The draft's YAML."""
    traditional: bool
    path: Path | None = None
    """Where the draft was written, once it is."""


def import_document(
    path: Path,
    *,
    kind: str,
    taxonomy: Taxonomy,
    org_type: str | None = None,
    themes: tuple[str, ...] = (),
    keep_all: bool = False,
    segmenter: Segmenter | None = None,
    limits: Limits = DEFAULT_LIMITS,
    check_command: str,
) -> Imported:
    """Read, clean and structure one document into a draft of ``kind``.

    ``segmenter`` knows the project's search terms, which are suggested as keywords; all
    suggestions count only whole words. ``check_command`` is how the editor runs the
    check, which the draft says will not pass while placeholders remain. Raises
    :class:`~generator.importer.findings.UnreadableSource` for files that cannot be read
    or are beyond the ``limits``.
    """
    segmenter = segmenter or standard_segmenter()
    with Steps(path, limits) as steps:
        return _run_stages(
            path,
            kind=kind,
            taxonomy=taxonomy,
            org_type=org_type,
            themes=themes,
            keep_all=keep_all,
            segmenter=segmenter,
            steps=steps,
            check_command=check_command,
        )


def _run_stages(
    path: Path,
    *,
    kind: str,
    taxonomy: Taxonomy,
    org_type: str | None,
    themes: tuple[str, ...],
    keep_all: bool,
    segmenter: Segmenter,
    steps: Steps,
    check_command: str,
) -> Imported:
    limits = steps.limits
    steps.start("读取文件")
    source = read_source(path, keep_all=keep_all, limits=limits, steps=steps)
    cleaned = clean_source(source, keep_all=keep_all, steps=steps)
    steps.start("找出标题、署名，接上分页断开的句子")
    title = extract.find_title(cleaned.paragraphs, source.title)
    boilerplate.drop_title_repeats(cleaned, title)
    byline = extract.find_byline(cleaned.paragraphs)
    if byline is not None:
        cleaned.findings.remove(byline.place, byline.text, "署名行（已写入 sources.note）")
        cleaned.paragraphs.remove(byline)
    chunks.rejoin_chunks(cleaned)
    check_paragraphs(path, len(cleaned.paragraphs), limits)
    boilerplate.strip_glued_title(cleaned, title)
    steps.start("标出可疑之处")
    suspicious.flag_suspicious(cleaned)
    steps.start("识别结构，找出数据和建议")
    published, evidence = extract.find_published(
        [*cleaned.removed_paragraphs, *cleaned.paragraphs[:5]], source.published
    )
    outline = structure.outline(cleaned.paragraphs, cleaned.findings)
    plan = structure.plan_fields(outline, kind)
    facts = extract.find_facts(
        cleaned.paragraphs, title=title, taxonomy=taxonomy, segmenter=segmenter
    )
    facts.byline = byline.text if byline is not None else ""
    facts.published, facts.published_evidence = published, evidence
    steps.check()
    steps.start("生成草稿")
    entry_id = draft.draft_id(title, path)
    data, notes = draft.build_entry(
        kind,
        entry_id=entry_id,
        source_name=path.name,
        facts=facts,
        plan=plan,
        org_type=org_type,
        themes=themes,
        keywords=facts.keywords,
    )
    text = draft.render_draft(kind, data, notes, source_name=path.name, check_command=check_command)
    check_draft(path, len(text.encode()), limits)
    steps.check()
    return Imported(
        source, kind, entry_id, facts, plan, cleaned.findings, text, cleaned.traditional
    )


def with_id(imported: Imported, entry_id: str) -> str:
    """The draft's text with another id (when its own is taken by an existing file)."""
    return re.sub(r"(?m)^id: .*$", f"id: {entry_id}", imported.text, count=1)
