"""Which files under the content folder are content, and which must never reach the site.

Only files the content model knows are read: entry files (``.yml``/``.yaml``), the
taxonomy and the search terms. Everything else is reported, never published: a
Markdown note or an HTML page dropped into ``content/`` could carry scripts, and a
Word document is not meant for readers. Links (symbolic links) are followed only
while they stay inside the project; one that leads outside it, loops or points at
nothing is refused without reading what it points at. The same rule holds for every
other folder a build copies from (the theme's, see :func:`refused_links`).
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import ContentError, printable

TAXONOMY_FILE = "taxonomy.yml"
SEARCH_TERMS_FILE = "search-terms.txt"
ENTRY_SUFFIXES = (".yml", ".yaml")


@dataclass
class ContentFiles:
    """The files to read, and what is wrong with the rest of the folder."""

    yaml: list[tuple[Path, str]] = field(default_factory=list)
    """Each YAML file's path to open and its path relative to the content folder."""
    search_terms: Path | None = None
    problems: list[ContentError] = field(default_factory=list)
    collisions: list[ContentError] = field(default_factory=list)
    """Names that differ only in case (also in :attr:`problems`)."""

    def with_entry_files(
        self, created: list[tuple[Path, str]], deleted: set[str], *, shown_dir: str
    ) -> ContentFiles:
        """The same folder after entry files were ``created`` and others (by relative
        path) ``deleted``: what a walk would find, worked out from the last walk."""
        yaml = [item for item in self.yaml if item[1] not in deleted] + created
        yaml.sort(key=lambda item: item[1])
        collisions = _case_collisions(yaml, shown_dir)
        stray = [p for p in self.problems if p not in self.collisions]
        return ContentFiles(yaml, self.search_terms, stray + collisions, collisions)


def find_content_files(content_dir: Path, *, root: Path) -> ContentFiles:
    """Walk ``content_dir``; ``root`` is the project, which links must not leave."""
    found = ContentFiles()
    shown_dir = shown_folder(content_dir, root)
    allowed = _allowed_folder(content_dir, root)
    visited = {_identity(Path(os.path.realpath(content_dir)))}
    pending = [(content_dir, "")]
    while pending:
        folder, relative = pending.pop()
        try:
            children = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as failure:
            found.problems.append(_problem(shown_dir, relative, _unreadable_folder(failure)))
            continue
        for child in children:
            inner = f"{relative}{child.name}"
            if child.name.startswith("."):
                # Hidden files are editors' and systems' own (.gitkeep, .DS_Store), but an
                # entry saved under a hidden name would silently be left out.
                if _looks_like_entry(child.name) and not child.name.startswith(".#"):
                    found.problems.append(_problem(shown_dir, inner, _hidden(child.name)))
                continue
            target, refusal = _follow(child, allowed)
            if refusal is not None:
                found.problems.append(_problem(shown_dir, inner, refusal))
                continue
            # A plain entry's type comes with the folder listing; only a link needs a look.
            if target.is_dir() if child.is_symlink() else child.is_dir(follow_symlinks=False):
                if _identity(target) in visited:
                    found.problems.append(_problem(shown_dir, inner, _LOOP))
                    continue
                visited.add(_identity(target))
                if child.name.lower().endswith(ENTRY_SUFFIXES):
                    found.problems.append(_problem(shown_dir, inner, _FOLDER_NAMED_AS_ENTRY))
                pending.append((Path(child.path), f"{inner}/"))
            elif not (
                target.is_file() if child.is_symlink() else child.is_file(follow_symlinks=False)
            ):
                # A named pipe or a device would block or never end when read.
                found.problems.append(_problem(shown_dir, inner, _NOT_A_FILE))
            else:
                _classify(found, Path(child.path), inner, shown_dir)
    found.yaml.sort(key=lambda item: item[1])
    found.collisions = _case_collisions(found.yaml, shown_dir)
    found.problems += found.collisions
    return found


def shown_folder(content_dir: Path, root: Path) -> str:
    """The content folder as messages name it, ending in ``/`` (empty for the project's own)."""
    try:
        shown = content_dir.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        shown = content_dir.as_posix()
    return "" if shown == "." else f"{shown}/"


def _identity(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_dev, status.st_ino


_OUTSIDE = (
    "这是一个指向项目文件夹以外的链接（符号链接），为安全起见不会读取，也不会发布。",
    "请删除这个链接；需要的文件请复制到项目中。",
)
_LOOP = (
    "这个链接（符号链接）绕回了它所在的文件夹，形成循环，已跳过。",
    "请删除这个链接。",
)
_BROKEN = (
    "这个链接（符号链接）指向的文件不存在。",
    "请删除这个链接，或把它换成真正的文件。",
)
_NOT_A_FILE = (
    "这不是普通文件（是命名管道、设备或套接字），不会读取，也不会发布。",
    "请把它从内容目录中删除。",
)
_FOLDER_NAMED_AS_ENTRY = (
    "这是一个文件夹，名字却像条目文件；里面的文件不会作为条目读取。",
    "请把文件夹改名（去掉 .yml），条目文件直接放在 cases/、practices/ 等文件夹中。",
)


def _hidden(name: str) -> tuple[str, str]:
    return (
        f"文件名“{name}”以“.”开头，是隐藏文件，不会被读取；如果它是一个条目，就被漏掉了。",
        f"如果是条目，请改名为“{_fixed_name(name.lstrip('.'))}”；不是条目的话，请把它移出内容目录。",
    )


def _follow(entry: os.DirEntry[str], allowed: Path) -> tuple[Path, tuple[str, str] | None]:
    """Where ``entry`` really is, or why it is refused."""
    path = Path(entry.path)
    if not entry.is_symlink():
        return path, None
    return _link_target(path, allowed)


def _link_target(link: Path, allowed: Path) -> tuple[Path, tuple[str, str] | None]:
    try:
        target = Path(os.path.realpath(link, strict=True))
    except OSError as failure:
        return link, _LOOP if failure.errno == errno.ELOOP else _BROKEN
    if not target.is_relative_to(allowed):
        return link, _OUTSIDE
    return target, None


def _allowed_folder(folder: Path, root: Path) -> Path:
    """Where links under ``folder`` may lead: the project, or the folder itself when the
    project's settings name a folder outside it."""
    allowed = Path(os.path.realpath(root))
    real = Path(os.path.realpath(folder))
    return allowed if real.is_relative_to(allowed) else real


def refused_links(folder: Path, *, root: Path) -> list[tuple[Path, tuple[str, str]]]:
    """Every link under ``folder`` (a theme's, say) that leads out of the project, loops or
    points at nothing, with why, as :func:`find_content_files` refuses them in the content.

    A build copies every file of such a folder into the site and reads its templates, so a
    link to a secret would be published. Links inside the project are followed, each
    folder walked once.
    """
    allowed = _allowed_folder(folder, root)
    refused: list[tuple[Path, tuple[str, str]]] = []
    visited = {_identity(Path(os.path.realpath(folder)))}
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            children = list(os.scandir(current))
        except OSError:
            continue  # an unreadable folder publishes nothing; the builder says so if it must
        for child in children:
            target, refusal = _follow(child, allowed)
            if refusal is None and _links_to_its_own_folder(child, target, current):
                refusal = _LOOP
            if refusal is not None:
                refused.append((Path(child.path), refusal))
                continue
            is_folder = (
                target.is_dir() if child.is_symlink() else child.is_dir(follow_symlinks=False)
            )
            if is_folder and _identity(target) not in visited:
                visited.add(_identity(target))  # a second link to a folder: walked once
                pending.append(Path(child.path))
    return sorted(refused)


def _links_to_its_own_folder(entry: os.DirEntry[str], target: Path, folder: Path) -> bool:
    """Whether ``entry`` in ``folder`` links to a folder it is in: endless paths to the same
    files."""
    return entry.is_symlink() and Path(os.path.realpath(folder)).is_relative_to(target)


def refused_link(path: Path, *, root: Path) -> tuple[str, str] | None:
    """Why the file at ``path``, if it is a link, must not be read (see :func:`refused_links`)."""
    if not path.is_symlink():
        return None
    return _link_target(path, Path(os.path.realpath(root)))[1]


def _classify(found: ContentFiles, path: Path, relative: str, shown_dir: str) -> None:
    name = path.name
    if relative == SEARCH_TERMS_FILE:
        found.search_terms = path
    elif name.endswith(ENTRY_SUFFIXES):
        found.yaml.append((path, relative))
    elif _is_backup(name) and (path.parent / _fixed_name(name)).exists():
        found.problems.append(
            _problem(
                shown_dir,
                relative,
                (
                    f"这是编辑器留下的备份文件（{_fixed_name(name)} 的旧版本），不会读取，也不会发布。",
                    "确认不再需要后请删除它；需要的内容请改在条目文件本身。",
                ),
                severity="warning",
            )
        )
    elif _looks_like_entry(name):
        fixed = _fixed_name(name)
        found.problems.append(
            _problem(
                shown_dir,
                relative,
                (
                    f"文件名“{name}”看起来是一个条目文件，但扩展名不对，这个文件不会被读取。",
                    f"请把文件改名为“{fixed}”（扩展名是小写的 .yml，末尾不要有空格或其他扩展名）。",
                ),
            )
        )
    else:
        found.problems.append(
            _problem(
                shown_dir,
                relative,
                (
                    "这不是条目文件，不会发布到网站上。",
                    "内容目录里只放条目（.yml 文件）、taxonomy.yml 和 search-terms.txt；"
                    "原始资料等其他文件请放到项目以外，或删除这个文件。",
                ),
                severity="warning",
            )
        )


def _looks_like_entry(name: str) -> bool:
    lowered = name.lower().rstrip(" .~")
    return lowered.endswith(ENTRY_SUFFIXES) or any(f"{s}." in lowered for s in ENTRY_SUFFIXES)


_BACKUP_SUFFIXES = ("~", ".bak", ".orig", ".swp", ".swo", ".tmp", ".old")


def _is_backup(name: str) -> bool:
    """Names editors and merge tools give the copies they keep (``a.yml~``, ``a.yml.bak``)."""
    return _looks_like_entry(name) and name.lower().endswith(_BACKUP_SUFFIXES)


def _fixed_name(name: str) -> str:
    lowered = name.lower()
    for suffix in ENTRY_SUFFIXES:
        at = lowered.find(suffix)
        if at > 0:
            return name[:at] + ".yml"
    return name.rstrip(" .~") + ".yml"


def _case_collisions(files: list[tuple[Path, str]], shown_dir: str) -> list[ContentError]:
    """Files whose names differ only in upper and lower case overwrite each other on Windows."""
    by_folded: dict[str, list[str]] = {}
    for _, relative in files:
        by_folded.setdefault(relative.casefold(), []).append(relative)
    problems = []
    for names in by_folded.values():
        for name in names[1:]:
            problems.append(
                _problem(
                    shown_dir,
                    name,
                    (
                        f"文件名与 {shown_dir}{names[0]} 只有大小写不同，"
                        "在 Windows 电脑和许多服务器上两者会互相覆盖。",
                        "请给其中一个换一个编号和文件名（编号一律用小写字母）。",
                    ),
                )
            )
    return problems


def _unreadable_folder(failure: OSError) -> tuple[str, str]:
    reason = failure.strerror or str(failure)
    return (f"无法打开这个文件夹（{reason}）。", "请检查文件夹的读取权限。")


def _problem(
    shown_dir: str, relative: str, text: tuple[str, str], *, severity: str = "error"
) -> ContentError:
    message, hint = text
    return ContentError(f"{shown_dir}{relative}", 1, 1, "", message, hint, severity)


def inside_project(path: Path, *, root: Path) -> bool:
    """Whether ``path``, links followed, is inside the project (always true for plain files)."""
    try:
        real = Path(os.path.realpath(path, strict=True))
    except OSError:
        return False
    return not path.is_symlink() or real.is_relative_to(Path(os.path.realpath(root)))


def content_link_refusal(content_dir: Path, *, root: Path) -> str | None:
    """Why the content folder must not be read, or None: a link inside the project
    leading out of it, refused as every such link inside the content is."""
    if leaves_project(content_dir, root=root):
        return (
            f"内容目录 {printable(str(content_dir))} 是一个指向项目文件夹以外的链接（符号链接），"
            "为安全起见不会读取，也不会发布。请删除这个链接，把内容复制到项目中。"
        )
    return None


def leaves_project(folder: Path, *, root: Path) -> bool:
    inside = absolute(folder).is_relative_to(root.absolute())
    return inside and not folder.resolve().is_relative_to(root.resolve())


def absolute(path: Path) -> Path:
    """``path`` made absolute without following links."""
    return Path(os.path.normpath(path.absolute()))
