"""Stage 4b: the search index, built at build time and split into small files.

A reader's browser loads only what a query needs: a small manifest, the facet
table, the posting files ("buckets") that hold the query's tokens, and the
metadata of the entries it shows. Every file is a script that hands its data to
``kbSearch.add(key, data)``, so the index loads with ``<script>`` tags, which
work from a web server and from a folder opened on disk (where ``fetch()`` is
not allowed).

File layout under ``search/``:

- ``manifest.js``: counts, the numbers of the study packs, the bucket count, the facets
  by key (label, value ids, value labels, display order) and the fields of a metadata row;
- ``facets.js``: per facet key, one fixed-width code per entry (themes as a bit set),
  loaded only for filtering;
- ``p/<bucket>.js``: ``{token: postings}`` for the tokens hashed to that bucket;
- ``m/<chunk>.js``: one row per entry of :data:`~generator.search.files.META_CHUNK`
  entries, with the fields the manifest names;
- ``t/<doc>.js``: the plain text of one entry, for result snippets;
- only in a preview, after an edit: ``delta.js`` and ``d/<shard>.js``, the overlay
  described in :mod:`generator.search.live`.

Postings are a compact string per token: for each entry holding the token, the
gap to the previous entry number as a base-64 varint, then one weight character
(how often, and whether in the title, summary or a heading). The browser script
``theme/assets/javascripts/kb-search.js`` decodes the same format, and ranks
every match in one function from those facts.

Modules, in the order the data flows: :mod:`.documents` (entry to searchable
text), :mod:`.tokens` (text to weighted tokens), :mod:`.postings` (tokens to
encoded posting lists, in bounded memory), :mod:`.files` (manifest, facets,
metadata and text files), :mod:`.build` (a full index) and :mod:`.live` (an
index the preview keeps up to date).
"""

from __future__ import annotations

from generator.search.build import SearchIndexStats, build_search_index
from generator.search.documents import SearchDoc, document_count, search_documents
from generator.search.files import SEARCH_DIR, Emit
from generator.search.live import LiveSearchIndex, LiveUpdate
from generator.search.tokens import DocTokens, document_tokens, token_weights

__all__ = [
    "SEARCH_DIR",
    "DocTokens",
    "Emit",
    "LiveSearchIndex",
    "LiveUpdate",
    "SearchDoc",
    "SearchIndexStats",
    "build_search_index",
    "document_count",
    "document_tokens",
    "search_documents",
    "token_weights",
]
