"""`kb import` on inputs at and beyond its limits: wall time, peak memory and what it said.

Each case is generated here (see :mod:`tests.import_inputs`) and imported once by
``python -m generator import FILE --kind case`` under ``/usr/bin/time -v``, in a fresh
copy of the sample project:

- ``one-line-txt``: a 270 KB .txt on one line with no full stop;
- ``long-pdf``: a PDF of ``--pdf-pages`` pages (2,000 by default) that is one long paragraph;
- ``tiny-docx``: a 90 KB .docx of 310,000 one-word paragraphs;
- ``large-html``: a 60 MB web page of paragraphs;
- ``deep-html``: a page of 1,000 paragraphs each opening a ``<font>`` that is never closed;

and two just within the limits, to show the most an accepted document costs:

- ``pdf-400-pages``: 400 pages, 480,000 characters, imported;
- ``html-48k-tags``: a page of 48,000 tags, read and then refused for its 24,000 paragraphs.

``--ref`` runs the code of a git ref instead of the working tree (exported with
``git archive``), to compare before and after a change::

    .venv/bin/python -m bench.import_limits                 # this working tree
    .venv/bin/python -m bench.import_limits --ref main      # the code on main
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


@dataclass(frozen=True)
class Case:
    name: str
    file_name: str
    make: Callable[[argparse.Namespace], bytes]


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
    Case("deep-html", "deep.html", lambda _: import_inputs.nested_font_html(1_000).encode()),
    Case("pdf-400-pages", "400-pages.pdf", lambda _: import_inputs.long_pdf(400)),
    Case("html-48k-tags", "48k-tags.html", lambda _: import_inputs.many_tags_html(24_000).encode()),
]


@dataclass
class Measurement:
    seconds: float
    peak_mb: float
    exit_status: int | str
    draft_bytes: int
    said: str


def measure(case: Case, args: argparse.Namespace, code: Path, work: Path) -> Measurement:
    """Import the case's file once in a fresh project and read what ``time -v`` reports."""
    project = work / f"project-{case.name}"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(SAMPLE / "content", project / "content")
    (project / "mkdocs.yml").write_text("site_name: bench\n", encoding="utf-8")
    source = work / case.file_name
    source.write_bytes(case.make(args))
    before = {p for p in (project / "content").rglob("*.yml")}
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
            stdout, stderr = running.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(running.pid, signal.SIGKILL)
            running.communicate()
            return Measurement(args.timeout, 0.0, f"stopped after {args.timeout} s", 0, "")
    done = subprocess.CompletedProcess(command, running.returncode, stdout, stderr)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert wall and peak, done.stderr[-2000:]
    hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups())
    drafts = [p for p in (project / "content").rglob("*.yml") if p not in before]
    output = done.stdout + done.stderr.split("\tCommand being timed", 1)[0]
    said = next(
        (
            line.strip()
            for line in output.splitlines()
            if re.search(r"错误|太|Error|Traceback", line)
        ),
        "",
    )
    draft_bytes = sum(p.stat().st_size for p in drafts)
    shutil.rmtree(project, ignore_errors=True)
    return Measurement(
        hours * 3600 + minutes * 60 + seconds,
        int(peak.group(1)) / 1024,
        done.returncode,
        draft_bytes,
        said[:120],
    )


def export(ref: str, into: Path) -> Path:
    """The ``generator`` package as ``ref`` has it, in ``into``."""
    into.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref, "generator"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--ref", help="git ref whose code to run (default: this working tree)")
    parser.add_argument("--cases", nargs="+", choices=[c.name for c in CASES])
    parser.add_argument("--pdf-pages", type=int, default=2_000)
    parser.add_argument("--timeout", type=int, default=3_600, help="seconds per case")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-import-limits-") as temporary:
        work = Path(temporary)
        code = export(args.ref, work / "code") if args.ref else REPO
        print(f"code: {args.ref or 'working tree'}")
        print("| case | wall time | peak memory | exit | draft | said |")
        print("|---|---:|---:|---:|---:|---|")
        for case in CASES:
            if args.cases and case.name not in args.cases:
                continue
            result = measure(case, args, code, work)
            print(
                f"| {case.name} | {result.seconds:.1f} s | {result.peak_mb:.0f} MB "
                f"| {result.exit_status} | {result.draft_bytes / 1e6:.2f} MB | {result.said} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
