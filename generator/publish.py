"""Putting a finished build in place of the previous one, and never harming anything else.

A build is written to a staging folder beside the site folder. Only when it has
succeeded does it replace the old site, in one rename, so a failed build never
leaves a half-written site. Before that, every staged file whose bytes equal the
old site's file becomes a hard link to the old file: unchanged files keep their
modification times and inodes, so rsync, backups and incremental copies of the
site only move what really changed.

Every site this tool builds carries a stamp (:data:`STAMP_FILE`) listing the files
it wrote. Only a folder holding such a stamp and nothing it does not list (no other
file, no folder without a listed file, no link) may be replaced; any other folder
with anything in it is refused. Links are never followed, neither when looking nor
when removing. One build at a time may
work on a site folder: a lock beside it makes a second build wait.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from generator.errors import os_reason
from generator.write import files_under

STAMP_FILE = ".kb-site.json"
"""Written last into every built site: what wrote it and every file it holds."""
GENERATED_BY = "learning-party-kb"
_MAX_LISTED = 5


class PublishError(Exception):
    """The site folder cannot be used; the message says why, in Chinese."""


WAITING = "另一个生成正在写入 %s，等它结束后再继续……"
"""Said (with the site folder) when another build holds the folder's lock."""


class SiteTarget:
    """One build's hold on a site folder, for ``kb build`` and ``mkdocs build`` alike: a
    folder this tool did not build is refused; the folder's lock is held (waiting while
    another build writes it) until :meth:`close`; the new site is written into a staging
    folder beside it (:attr:`staging`) and swapped in by :meth:`publish`. Closed without
    publishing, the staging folder goes and the old site stays as it was."""

    def __init__(
        self, final: Path, *, project: Path, content: Path, on_wait: Callable[[], None]
    ) -> None:
        self.final = final
        self._project, self._content = project, content
        self._on_wait = on_wait
        self._hold = contextlib.ExitStack()
        self.staging: Path | None = None

    def open(self) -> Path:
        """Take the folder and make the staging folder; raise :class:`PublishError` for a
        folder that may not be replaced, ``OSError`` when the disk refuses."""
        try:
            self._refuse_unsafe()
            self.final.parent.mkdir(parents=True, exist_ok=True)
            self._hold.enter_context(site_lock(self.final, on_wait=self._on_wait))
            clear_leftovers(self.final)  # what a killed build left; no other build runs now
            self._refuse_unsafe()  # the build that was waited for may have left anything
            # Named before it is made, so a stop that lands just after it is made removes it.
            self.staging = staging_dir(self.final)
            make_staging(self.final)
        except BaseException:
            self.close()
            raise
        return self.staging

    def publish(self) -> int:
        """Swap the finished staging folder in; return how many files stayed as they were."""
        assert self.staging is not None, "publish() after open()"
        write_stamp(self.staging)
        unchanged = keep_unchanged(self.staging, self.final)
        replace_site(self.staging, self.final)
        self.staging = None
        return unchanged

    def close(self) -> None:
        """Let the folder go; a staging folder still there is removed."""
        if self.staging is not None and not self.staging.is_symlink():
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        self._hold.close()

    def __enter__(self) -> Path:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _refuse_unsafe(self) -> None:
        unsafe = unsafe_target(self.final, project=self._project, content=self._content)
        if unsafe:
            raise PublishError(unsafe)


def staging_dir(final: Path) -> Path:
    return final.with_name(final.name + ".kb-building")


def retired_dir(final: Path) -> Path:
    return final.with_name(final.name + ".kb-old")


def lock_path(final: Path) -> Path:
    return final.with_name(f".{final.name}.kb-lock")


def write_stamp(site_dir: Path) -> None:
    """Record every file of the finished site in its stamp (the stamp itself excluded)."""
    files = sorted(
        path.relative_to(site_dir).as_posix()
        for path in files_under(site_dir)
        if path.name != STAMP_FILE
    )
    data = {"generated_by": GENERATED_BY, "files": files}
    (site_dir / STAMP_FILE).write_text(
        json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )


def unsafe_target(final: Path, *, project: Path, content: Path) -> str | None:
    """Why replacing ``final`` by a new site could destroy anything but an old site, or None.

    Paths must be absolute; ``project`` and ``content`` resolved. The message is for
    editors, in Chinese.
    """
    if final.is_symlink() or (final.exists() and not final.is_dir()):
        return f"{final} 不是一个普通的目录（是文件或链接）。"
    final = final.resolve()
    if project.is_relative_to(final):
        return f"网站目录 {final} 包含项目本身（{project}），生成时会被整个替换。"
    if content.is_relative_to(final) or final.is_relative_to(content):
        return f"网站目录 {final} 与内容目录 {content} 相互包含，生成时会毁掉内容。"
    if not final.is_dir() or not any(final.iterdir()):
        return None
    listed = _stamped_files(final)
    if listed is None:
        return (
            f"网站目录 {final} 里已有其他文件，而且不是本工具生成的网站（没有 {STAMP_FILE}），"
            "为免误删，没有动它。"
        )
    foreign = _foreign_entries(final, listed)
    if foreign:
        shown = "、".join(foreign[:_MAX_LISTED]) + (" 等" if len(foreign) > _MAX_LISTED else "")
        what = "文件或文件夹" if any(name.endswith("/") for name in foreign) else "文件"
        return (
            f"网站目录 {final} 里有 {len(foreign)} 个不是本工具生成的{what}（{shown}），"
            f"为免误删，没有动它。请把这些{what}移走后再生成。"
        )
    return None


def _foreign_entries(site: Path, listed: set[str]) -> list[str]:
    """What in ``site`` its stamp does not account for, folders ending in ``/``.

    A folder holding none of the listed files (an empty one, say) and a link to a
    folder are someone else's, as is every file not listed; a foreign folder is
    named once, not file by file, and a link is never followed.
    """
    stamped_folders = {
        parent.as_posix() for name in listed for parent in PurePosixPath(name).parents
    }
    own_files = listed | {STAMP_FILE}
    foreign: list[str] = []
    for root, dirs, files in os.walk(site, onerror=_raise):  # an unreadable folder is no proof
        here = PurePosixPath(Path(root).relative_to(site).as_posix())
        kept = []
        for name in sorted(dirs):
            relative = (here / name).as_posix()
            if os.path.islink(os.path.join(root, name)) or relative not in stamped_folders:
                foreign.append(f"{relative}/")
            else:
                kept.append(name)
        dirs[:] = kept
        written = (here / name for name in sorted(files))
        foreign += [path.as_posix() for path in written if path.as_posix() not in own_files]
    return sorted(foreign)


def _raise(failure: OSError) -> None:
    raise failure


def _stamped_files(folder: Path) -> set[str] | None:
    try:
        data = json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("generated_by") != GENERATED_BY:
        return None
    files = data.get("files")
    return {f for f in files if isinstance(f, str)} if isinstance(files, list) else None


def clear_leftovers(final: Path) -> None:
    """Remove what an interrupted build left beside ``final`` (call while holding the lock)."""
    for leftover in (staging_dir(final), retired_dir(final)):
        # A link or a file of that name is not a build's: left alone, it makes the build
        # fail where it would have to write into it (see make_staging).
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def make_staging(final: Path) -> Path:
    """A new, empty staging folder beside ``final`` (call after :func:`clear_leftovers`)."""
    staging = staging_dir(final)
    staging.mkdir()  # never an existing folder or link: a build only writes into its own
    return staging


@contextlib.contextmanager
def site_lock(final: Path, *, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the lock of site folder ``final`` for one build; wait while another holds it.

    The operating system releases the lock when the holding process ends in any way,
    so a killed build never leaves the folder locked.
    """
    path = lock_path(final)
    handle = open(path, "a+b")  # noqa: SIM115  # held for the whole block
    try:
        if not _try_lock(handle):
            if on_wait is not None:
                on_wait()
            _wait_lock(handle)
        yield
    finally:
        handle.close()


if sys.platform == "win32":  # pragma: no cover - hosts build on Linux; editors may use Windows
    import msvcrt

    def _try_lock(handle: object) -> bool:
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True

    def _wait_lock(handle: object) -> None:
        while not _try_lock(handle):
            time.sleep(0.2)

else:
    import fcntl

    def _try_lock(handle: object) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[attr-defined]
        except OSError as failure:
            if failure.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise
        return True

    def _wait_lock(handle: object) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # type: ignore[attr-defined]


def keep_unchanged(staging: Path, previous: Path) -> int:
    """Replace staged files identical to ``previous`` ones by links to them; return how many."""
    if not previous.is_dir():
        return 0
    kept = 0
    for staged in files_under(staging):
        old = previous / staged.relative_to(staging)
        try:
            if (
                old.stat().st_size != staged.stat().st_size
                or old.read_bytes() != staged.read_bytes()
            ):
                continue
            link = staged.with_name(f".{staged.name}.kb-link")
            os.link(old, link)
        except OSError:
            continue  # missing, unreadable, or a file system without hard links: keep the copy
        os.replace(link, staged)
        kept += 1
    return kept


def replace_site(staging: Path, final: Path) -> None:
    """Swap the staged site in; the old one is removed only after the swap.

    If the new site cannot be moved into place, the old one is put back before
    the error goes on.
    """
    retired = retired_dir(final)
    shutil.rmtree(retired, ignore_errors=True)
    if final.exists():
        final.rename(retired)
    try:
        staging.rename(final)
    except BaseException:  # a refusing disk, or Ctrl+C between the two renames
        if retired.exists() and not final.exists():
            retired.rename(final)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def describe_os_error(failure: OSError, *, where: Path) -> str:
    """What went wrong with the disk, in editors' words."""
    if failure.errno == errno.ENOSPC or failure.errno == getattr(errno, "EDQUOT", None):
        return f"磁盘空间不足，无法在 {where} 写入网站。请清理磁盘空间后重试。"
    if failure.errno == errno.EROFS:
        return f"{where} 所在的磁盘是只读的，无法写入网站。请用 -d 另选一个可以写入的目录。"
    if failure.errno in (errno.EACCES, errno.EPERM):
        return f"没有权限在 {where} 写入。请用 -d 另选一个有写入权限的目录，或请管理员开放权限。"
    if failure.errno == errno.ENAMETOOLONG:
        return f"网站目录的名称或路径太长，无法在 {where} 写入网站。请用 -d 另选一个较短的目录名。"
    return f"无法在 {where} 写入网站（{os_reason(failure)}）。"
