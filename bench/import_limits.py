"""`kb import` on inputs at and beyond its limits, before and after the limits: wall time,
peak memory and what each import said, in one table.

Each case is generated here (see :mod:`tests.import_inputs`) and imported once by
``python -m generator import FILE --kind case`` under ``/usr/bin/time -v``, in a fresh
copy of the sample project, first with the code of ``--before`` (main as it was before
``kb import`` had limits), then with this working tree (or ``--after``):

- ``one-line-txt``: a 270 KB .txt on one line with no full stop;
- ``long-pdf``: a PDF of ``--pdf-pages`` pages (2,000 by default) that is one long paragraph;
- ``tiny-docx``: a 90 KB .docx of 310,000 one-word paragraphs;
- ``large-html``: a 60 MB web page of paragraphs;
- ``deep-html``: a page of 1,000 paragraphs each opening a ``<font>`` that is never closed
  (the table says how many of its paragraphs reached the draft);

and two just within the limits, to show the most an accepted document costs:

- ``pdf-400-pages``: 400 pages, 480,000 characters, imported;
- ``html-48k-tags``: a page of 48,000 tags, read and then refused for its 24,000 paragraphs.

::

    .venv/bin/python -m bench.import_limits                      # before and after
    .venv/bin/python -m bench.import_limits --before ''          # this working tree only
    .venv/bin/python -m bench.import_limits --cases long-pdf --pdf-pages 20000

Not part of the test suite. Prints one Markdown table row per case.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests import import_inputs

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "tests" / "fixtures" / "sample"
BEFORE = "094e5fc800291ace324ca61b81f7860d88d281e0"
"""main just before ``kb import`` got its limits (the commit the limits were merged onto)."""


@dataclass(frozen=True)
class Case:
    name: str
    file_name: str
    make: Callable[[argparse.Namespace], bytes]
    paragraphs: int = 0
    """Numbered paragraphs (第N段) the input holds, to count how many reach the draft."""


CASES = [
    Case(
        "one-line-txt",
        "one-line.txt",
        lambda _: import_inputs.one_line_text(270_000).encode(),
    ),
    Case("long-pdf", "long.pdf", lambda args: import_inputs.long_pdf(args.pdf_pages)),
    Case(
        "tiny-docx", "tiny-paragraphs.docx", lambda _: import_inputs.tiny_paragraphs_docx(310_000)
    ),
    Case(
        "large-html",
        "large.html",
        lambda _: import_inputs.large_html(60_000_000).encode(),
    ),
    Case(
        "deep-html",
        "deep.html",
        lambda _: import_inputs.nested_font_html(1_000).encode(),
        paragraphs=1_000,
    ),
    Case("pdf-400-pages", "400-pages.pdf", lambda _: import_inputs.long_pdf(400)),
    Case("html-48k-tags", "48k-tags.html", lambda _: import_inputs.many_tags_html(24_000).encode()),
]


TABLE_COLUMNS = ("time", "peak memory", "result")


@dataclass
class Measurement:
    seconds: float
    peak_mb: float
    exit_status: int
    draft_bytes: int
    kept: int
    """Numbered paragraphs of the input found in the draft."""
    said: str
    stopped: bool = False
    """The import was still running at the timeout and was stopped."""

    def cells(self, case: Case) -> list[str]:
        """Time, peak memory and result, for the table."""
        if self.stopped:
            peak = f"≥ {self.peak_mb:,.0f} MB" if self.peak_mb else "—"
            return [f"> {self.seconds:.0f} s", peak, "stopped at the timeout, unfinished"]
        return [f"{self.seconds:.1f} s", f"{self.peak_mb:,.0f} MB", self.result(case)]

    def result(self, case: Case) -> str:
        """Exit status, draft size, paragraphs kept and the first error line, for the table."""
        parts = [f"exit {self.exit_status}", f"draft {self.draft_bytes / 1e6:.2f} MB"]
        if case.paragraphs:
            parts.append(f"{self.kept:,} of {case.paragraphs:,} paragraphs kept")
        said = self.said.replace("|", "\\|")
        return "; ".join(parts) + (f"; “{said}”" if said else "")


def measure(case: Case, source: Path, code: Path, work: Path, timeout: int) -> Measurement:
    """Import ``source`` once in a fresh project with the ``generator`` package in ``code``
    and read what ``time -v`` reports."""
    project = work / f"project-{case.name}"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(SAMPLE / "content", project / "content")
    (project / "mkdocs.yml").write_text("site_name: bench\n", encoding="utf-8")
    before = set((project / "content").rglob("*.yml"))
    environment = {**os.environ, "PYTHONPATH": str(code)}
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "generator", "import"]
    command += [str(source), "--kind", "case"]
    # A session of its own, so that a case stopped at the timeout takes the import with it
    # (killing /usr/bin/time alone would leave the import running).
    with subprocess.Popen(
        command,
        cwd=project,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as running:
        try:
            stdout, stderr = running.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            peak_so_far = _peak_in_session(running.pid)
            os.killpg(running.pid, signal.SIGKILL)
            running.communicate()
            shutil.rmtree(project, ignore_errors=True)
            return Measurement(timeout, peak_so_far, "", 0, 0, "", stopped=True)
        except BaseException:  # Ctrl+C reaches this process only, not the import's session
            os.killpg(running.pid, signal.SIGKILL)
            raise
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", stderr)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    assert wall and peak, stderr[-2000:]
    hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups())
    drafts = [p for p in (project / "content").rglob("*.yml") if p not in before]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in drafts]
    kept = len(set(re.findall(r"第(\d+)段：", "".join(texts))))
    output = stdout + stderr.split("\tCommand being timed", 1)[0]
    said = next(
        (
            line.strip()
            for line in output.splitlines()
            if re.search(r"错误|太|没有文字|Error|Traceback", line)
        ),
        "",
    )
    draft_bytes = sum(p.stat().st_size for p in drafts)
    shutil.rmtree(project, ignore_errors=True)
    return Measurement(
        hours * 3600 + minutes * 60 + seconds,
        int(peak.group(1)) / 1024,
        running.returncode,
        draft_bytes,
        kept,
        said[:90],
    )


def _peak_in_session(session: int) -> float:
    """The largest peak memory (MB) of the processes still running in ``session``: what an
    import stopped at the timeout had reached (``time -v`` reports nothing once killed)."""
    peaks = [0]
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            if os.getsid(int(status.parent.name)) == session:
                found = re.search(r"VmHWM:\s+(\d+) kB", text)
                peaks.append(int(found.group(1)) if found else 0)
        except (OSError, ValueError):
            continue  # gone meanwhile, or not ours to read
    return max(peaks) / 1024


def export(ref: str, into: Path) -> Path:
    """The ``generator`` package as ``ref`` has it, in ``into``."""
    into.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref, "generator"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def versions(before: str, after: str | None, work: Path) -> list[tuple[str, Path]]:
    """[(name, folder holding ``generator``)] for the code before (unless ``before`` is
    empty) and after (``after``, or this working tree), each exported into ``work``; the
    refs compared are printed first."""
    compared = [("after", export(after, work / "after") if after else REPO)]
    if before:
        compared.insert(0, ("before", export(before, work / "before")))
    print(f"before: {before or '-'}; after: {after or 'working tree'}")
    return compared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--before",
        default=BEFORE,
        help=f"git ref of the code before (default {BEFORE}; '' for none)",
    )
    parser.add_argument("--after", help="git ref of the code after (default: this working tree)")
    parser.add_argument("--cases", nargs="+", choices=[c.name for c in CASES])
    parser.add_argument("--pdf-pages", type=int, default=2_000)
    parser.add_argument("--timeout", type=int, default=900, help="seconds per import")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-import-limits-") as temporary:
        work = Path(temporary)
        runs = versions(args.before, args.after, work)
        header = ["case"] + [f"{name}: {what}" for name, _ in runs for what in TABLE_COLUMNS]
        print("| " + " | ".join(header) + " |")
        print("|---|" + "---:|---:|---|" * len(runs))
        for case in CASES:
            if args.cases and case.name not in args.cases:
                continue
            source = work / case.file_name
            source.write_bytes(case.make(args))
            cells = [case.name]
            for _, code in runs:
                done = measure(case, source, code, work, args.timeout)
                cells += done.cells(case)
            source.unlink()
            print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
