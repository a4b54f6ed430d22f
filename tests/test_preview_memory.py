"""The preview runs all day: rebuilding the whole site again and again does not make it
hold more memory (a build's objects are freed once the next build replaces them)."""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path

from generator.preview import Preview


def test_rebuilding_again_and_again_holds_no_more_memory(
    sample_project: Path, tmp_path: Path, caplog
) -> None:
    """Six full rebuilds after the second leave Python's allocated memory as it was
    (within 1 %): each build's site, templates and caches go when the next replaces them."""
    caplog.set_level(logging.CRITICAL)
    preview = Preview(sample_project / "mkdocs.yml", tmp_path / "preview")
    preview.build()
    preview.build()
    gc.collect()
    before = sys.getallocatedblocks()
    for _ in range(6):
        preview.build()
    gc.collect()
    after = sys.getallocatedblocks()
    gc.unfreeze()  # leave the collector as other tests expect it
    assert after - before < before * 0.01, (before, after)
