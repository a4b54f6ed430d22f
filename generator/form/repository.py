"""Where 提交到代码仓库 goes: the Git host's own pages for a new file and for editing one.

``mkdocs.yml`` names the repository the usual way: ``repo_url``, and ``edit_uri``, the
path from the repository to the content folder as the host's edit pages spell it
(MkDocs joins the two with a page's file to make its "edit" link). From these the form
opens the host's page for a new file in the entry's folder, with the name and the text
filled in where the host takes them from the address, or the edit page of the entry's
file; the editor then commits and opens the pull (merge) request with their own account.

Three URL formats are known:

- GitHub (and GitHub Enterprise): ``edit/<branch>/<path>``; a new file is
  ``new/<branch>/<folder>?filename=…&value=…``;
- GitLab: ``-/edit/<branch>/<path>``; a new file is ``-/new/<branch>/<folder>?file_name=…``
  (the text is not taken from the address everywhere, so the form also copies it);
- Gitea and Forgejo: ``_edit/<branch>/<path>``; a new file is
  ``_new/<branch>/<folder>?filename=…&value=…``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

HOSTS = {
    "github": {"edit": "edit", "new": "new", "name": "filename", "text": "value"},
    "gitlab": {"edit": "-/edit", "new": "-/new", "name": "file_name", "text": "content"},
    "gitea": {"edit": "_edit", "new": "_new", "name": "filename", "text": "value"},
}
"""Each host's page paths and the address parameters of its new-file page."""
TAKES_TEXT = {"github": True, "gitlab": False, "gitea": True}
"""Whether the new-file page is known to take the file's text from its address."""


@dataclass(frozen=True)
class Repository:
    """The Git host pages of one content folder."""

    host: str
    """``github``, ``gitlab`` or ``gitea``."""
    new: str
    """The new-file page of the content folder: append the kind's folder."""
    edit: str
    """The edit page of the content folder: append the entry's file."""
    name_parameter: str
    text_parameter: str
    takes_text: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def repository_pages(
    repo_url: str | None, edit_uri: str | None, *, content: str
) -> Repository | None:
    """The pages for ``repo_url`` and ``edit_uri``, or None when the site names no
    repository, or ``edit_uri`` does not lead to the folder named ``content``."""
    if not repo_url or not edit_uri or "://" in edit_uri or edit_uri.startswith("/"):
        return None
    parts = [part for part in edit_uri.split("?")[0].split("/") if part]
    if parts[:1] == ["-"]:
        host, parts = "gitlab", parts[1:]
    elif parts[:1] == ["_edit"]:
        host, parts = "gitea", ["edit", *parts[1:]]
    elif "gitlab" in urlsplit(repo_url).netloc.lower():
        host = "gitlab"
    else:
        host = "github"
    if len(parts) < 3 or parts[0] not in {"edit", "blob"} or parts[-1] != content:
        return None
    branch, folder = parts[1], "/".join(parts[2:])
    base = repo_url.rstrip("/")
    pages = HOSTS[host]
    return Repository(
        host=host,
        new=f"{base}/{pages['new']}/{branch}/{folder}/",
        edit=f"{base}/{pages['edit']}/{branch}/{folder}/",
        name_parameter=pages["name"],
        text_parameter=pages["text"],
        takes_text=TAKES_TEXT[host],
    )
