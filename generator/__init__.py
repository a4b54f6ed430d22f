"""Static knowledge-site generator for learning-oriented Party organizations.

The build is a pipeline: ``load`` (YAML with positions) -> ``validate`` (typed
content model) -> ``index`` (taxonomy, cross-references, related entries) ->
``render`` (Jinja templates from ``theme/``). ``plugin`` adapts it to MkDocs and
``cli`` exposes it as the ``kb`` command.
"""

from __future__ import annotations

import os

# numpy starts a pool of OpenBLAS threads when it is imported, and they spin a while waiting
# for matrix work. The generator's arrays are sorted, hashed and indexed, never multiplied,
# so one thread does: that spares every command that loads numpy a tenth of a second of CPU.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
