"""Where each page of the site lives: its source URI as MkDocs sees it (``*.md``), from
which its address and file follow (:func:`generator.render.page_url`)."""

from __future__ import annotations

from generator.model import KINDS, PACK, Entry


class Routes:
    """Source URI (``*.md``, as MkDocs sees it) of every generated page."""

    home = "index.md"
    themes = "themes/index.md"
    org_types = "org-types/index.md"
    matrix = "matrix.md"
    explorer = "explorer.md"
    overview = "overview.md"
    packs = f"{PACK.folder}/index.md"
    reading_list = "reading-list.md"
    study_record = "study-record.md"
    guide = "guide.md"
    """The editors' guide (CONTRIBUTING.md), built by the builder as its own page."""

    @staticmethod
    def pack(pack_id: str) -> str:
        return f"{PACK.folder}/{pack_id}.md"

    @staticmethod
    def pack_print(pack_id: str) -> str:
        """The pack compiled into one document to print: cover, contents, every entry in full."""
        return f"{PACK.folder}/print/{pack_id}.md"

    @staticmethod
    def pack_quiz(pack_id: str) -> str:
        """The pack's self-test: its questions to answer, with the answers on a last page."""
        return f"{PACK.folder}/quiz/{pack_id}.md"

    @staticmethod
    def pack_plan(pack_id: str) -> str:
        """The pack's session planner: agenda, sign-in sheet and meeting record to print."""
        return f"{PACK.folder}/plan/{pack_id}.md"

    @staticmethod
    def theme(theme_id: str) -> str:
        return f"themes/{theme_id}.md"

    @staticmethod
    def org_type(org_type_id: str) -> str:
        return f"org-types/{org_type_id}.md"

    @staticmethod
    def kind(kind: str) -> str:
        return f"{KINDS[kind].folder}/index.md"

    @staticmethod
    def entry(entry: Entry) -> str:
        return Routes.entry_at(entry.kind, entry.id)

    @staticmethod
    def entry_at(kind: str, entry_id: str) -> str:
        """The page of the entry of ``kind`` called ``entry_id`` (the reading list writes
        "{id}" for the id: its address pattern for each kind)."""
        return f"{KINDS[kind].folder}/{entry_id}.md"

    @staticmethod
    def document(src_uri: str) -> str:
        """The Word file made with the page ``src_uri``, beside it: an entry's page
        ``cases/x.md`` has ``cases/x.docx``, a pack's print version ``packs/print/x.md`` has
        ``packs/print/x.docx`` (files to download, not pages)."""
        return src_uri.removesuffix(".md") + ".docx"

    @staticmethod
    def listing_page(first: str, number: int) -> str:
        """Page ``number`` of the listing whose first page is ``first``.

        Later pages live under ``page/``, a name no entry id can take (ids have no
        slash), so they never collide with entries in the same folder.
        """
        if number == 1:
            return first
        folder = first.removesuffix("index.md").removesuffix(".md").rstrip("/")
        return f"{folder}/page/{number}.md"
