"""Writing files so that a crash, a kill, a full disk or an open copy in Excel never
leaves a half-written workbook: refuse while a lock file says the file is open, write a
temporary file in the same folder, flush it to disk, then atomically replace.

Writing into the owner's workbook (:func:`commit`) also holds claimbook's own lock
from the last check that the file is unchanged until the replace, keeps a backup, keeps
the file's owner, group, mode and extended attributes, writes through a symbolic link
to the real file, and refuses a read-only or hard-linked workbook. See docs/promises.md.
"""

from __future__ import annotations

import errno
import os
import stat as stat_module
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from claimbook.io.xlsx.backups import (
    BACKUP_FOLDER,
    CRASH_ENV,
    backup_path,
    backups_of,
    clear_backup_leftovers,
    crash_point,
    digest,
    fsync_dir,
    prune_backups,
    write_backup,
)
from claimbook.rules.problems import ClaimbookError, WorkbookInUse, WorkbookUnreadable

__all__ = ["BACKUP_FOLDER", "CRASH_ENV", "LOCK_WAIT", "Snapshot", "WorkbookBusy",
           "WorkbookChanged", "backup_path", "backups_of", "commit", "crash_point",
           "keep_backup", "os_problem", "prune_backups", "refuse_if_changed",
           "refuse_if_open", "replace_atomically", "take_snapshot", "writing_lock"]

LOCK_WAIT = 10.0  # seconds a write waits for another claimbook command's write


def lock_files(path: str) -> list[str]:
    """The lock files Excel (``~$name.xlsx``) and LibreOffice (``.~lock.name.xlsx#``)
    keep beside a workbook they have open (beside the link and the real file)."""
    found = []
    for where in dict.fromkeys([os.path.abspath(path), os.path.realpath(path)]):
        folder, name = os.path.split(where)
        found += [os.path.join(folder, "~$" + name), os.path.join(folder, ".~lock." + name + "#")]
    return found


def refuse_if_open(path: str) -> None:
    """Raise :class:`WorkbookInUse` when Excel or LibreOffice has ``path`` open."""
    for lock in lock_files(path):
        if os.path.exists(lock):
            raise WorkbookInUse(
                f"{path} is open in Excel or LibreOffice ({os.path.basename(lock)} exists); "
                "close it and run the command again")


# -- errors from the operating system, as one line -------------------------------------
_OS_WORDS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.ENOTDIR: "a file sits where a folder is needed",
    errno.EEXIST: "a file of that name is in the way",
    errno.EISDIR: "it is a folder",
    errno.ENOENT: "no such file or folder",
}


def os_problem(exc: OSError, doing: str = "writing", where: str | None = None,
               target: str | None = None) -> ClaimbookError:
    """An operating system error as the one line a user reads.

    Args:
        exc: the error (its ``filename`` names the path).
        doing: what claimbook was doing, e.g. "writing the workbook".
        where: the path to name when the error names none (a write to an open file).
        target: the file meant, named when its name is too long.

    Returns:
        A :class:`ClaimbookError` to raise: ``<path>: the disk is full (writing ...);
        nothing was written``.
    """
    words = _OS_WORDS.get(exc.errno) or (exc.strerror or str(exc)).rstrip(".").lower()
    where = exc.filename if exc.filename is not None else (where or "a file")
    if exc.errno == errno.ENAMETOOLONG:  # name the long name, not a temporary one
        name = os.path.basename(str(target or where))
        return ClaimbookError(f"{name[:60]}...: the file name is too long ({len(name)} "
                              "characters; a disk takes at most 255); nothing was written")
    return ClaimbookError(f"{where}: {words} ({doing}); nothing was written")


def replace_atomically(path: str, build: Callable[[str], None]) -> None:
    """Write ``path`` by calling ``build(tmp)`` on a temporary file beside it, then
    replacing ``path`` in one step. On any error the temporary file is removed and
    ``path`` is left as it was; an operating system error becomes one line.

    Args:
        path: the file to write.
        build: writes the complete new file at the path it is given.
    """
    refuse_if_open(path)
    tmp = None
    try:
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        suffix = os.path.splitext(path)[1]
        fd, tmp = tempfile.mkstemp(prefix=".claimbook-", suffix=suffix, dir=folder)
        os.close(fd)
        build(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(folder)
    except OSError as exc:
        _remove(tmp)
        raise os_problem(exc, f"writing {path}", os.path.dirname(os.path.abspath(path)),
                         path) from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(tmp: str | None) -> None:
    if tmp is not None and os.path.exists(tmp):
        os.remove(tmp)


# -- writing into the owner's workbook ------------------------------------------------
# A desk command reads the workbook once (a snapshot of its bytes), works out its
# changes, and writes only if the file on disk is still exactly that snapshot.


class WorkbookChanged(ClaimbookError):
    """The workbook changed on disk after claimbook read it."""


class WorkbookBusy(ClaimbookError):
    """Another claimbook command is writing the workbook and did not finish in time."""


@dataclass(frozen=True)
class Snapshot:
    """A workbook's bytes as read, with what identifies that version on disk."""

    path: str
    data: bytes
    size: int
    mtime_ns: int
    digest: str


def take_snapshot(path: str) -> Snapshot:
    """Read a workbook to change it, refusing while Excel or LibreOffice has it open (a
    read-only or hard-linked workbook is refused by :func:`commit`, so that commands
    that only read, such as ``today``, still work on it).

    Raises:
        WorkbookInUse: a lock file sits beside it.
        WorkbookUnreadable: it does not exist.
    """
    refuse_if_open(path)
    try:
        with open(path, "rb") as fh:
            stat = os.fstat(fh.fileno())
            data = fh.read()
    except FileNotFoundError:
        raise WorkbookUnreadable(f"{path}: no such workbook (give one with --workbook)") from None
    except OSError as exc:
        raise os_problem(exc, "reading the workbook") from None
    return Snapshot(path, data, stat.st_size, stat.st_mtime_ns, digest(data))


def refuse_unreplaceable(path: str, stat: os.stat_result) -> None:
    """Refuse a workbook claimbook must not replace: read-only, or hard-linked (a
    replace would leave its other names on the old file).

    Raises:
        ClaimbookError: naming the reason and the way out.
    """
    if not stat.st_mode & stat_module.S_IWUSR:
        raise ClaimbookError(
            f"{path} is read-only (mode {stat_module.S_IMODE(stat.st_mode):o}); claimbook "
            "writes nothing into it; make it writable and run the command again")
    if not os.access(path, os.W_OK):
        raise ClaimbookError(
            f"{path} cannot be written (a read-only disk, or no permission); nothing "
            "was written")
    if stat.st_nlink > 1:
        raise ClaimbookError(
            f"{path} has {stat.st_nlink} names (hard links); claimbook replaces the file "
            "when it writes, which would leave the other names on the old copy; keep one "
            "name (a symbolic link is fine) and run the command again")


def refuse_if_changed(snapshot: Snapshot) -> None:
    """Raise :class:`WorkbookChanged` unless the file on disk is still the snapshot."""
    try:
        stat = os.stat(snapshot.path)
    except FileNotFoundError:
        stat = None
    same = stat is not None and (stat.st_size, stat.st_mtime_ns) == (snapshot.size,
                                                                     snapshot.mtime_ns)
    if same:
        with open(snapshot.path, "rb") as fh:
            same = digest(fh.read()) == snapshot.digest
    if not same:
        raise WorkbookChanged(
            f"{snapshot.path} changed on disk while claimbook was working (saved from Excel, "
            "or another claimbook command?); nothing was written; run the command again")


def lock_path(path: str) -> str:
    """claimbook's own lock file, beside the real workbook: ``.<name>.claimbook-lock``."""
    folder, name = os.path.split(os.path.realpath(path))
    return os.path.join(folder, f".{name}.claimbook-lock")


@contextmanager
def writing_lock(path: str, wait: float | None = None) -> Iterator[None]:
    """Hold claimbook's exclusive lock on a workbook (one writer at a time).

    Args:
        path: the workbook.
        wait: seconds to wait for another holder (default :data:`LOCK_WAIT`).

    Raises:
        WorkbookBusy: another claimbook command held it all that time.
    """
    from filelock import FileLock, Timeout

    wait = LOCK_WAIT if wait is None else wait
    lock = FileLock(lock_path(path), timeout=wait, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise WorkbookBusy(f"{path}: another claimbook command has been writing it for "
                           f"{wait:g} seconds; nothing was written; run the command again "
                           "when it is done") from None
    try:
        yield
    finally:
        lock.release()


def keep_backup(snapshot: Snapshot, keep: int, now: datetime | None = None,
                stat: os.stat_result | None = None) -> str | None:
    """Write the snapshot as a timestamped backup, then prune (see
    :mod:`claimbook.io.xlsx.backups` for which are kept).

    Args:
        snapshot: the workbook as read (and checked to be what is on disk).
        keep: how many of the newest backups to keep ("Backups to Keep"); 0 keeps none.
        now: the time to stamp (default: now).
        stat: the workbook's status (its mode and owner go to the backup).

    Returns:
        The backup's path, or None when ``keep`` is 0.
    """
    if keep <= 0:
        return None
    stat = stat or os.stat(snapshot.path)
    target = write_backup(snapshot.path, snapshot.data, stat_module.S_IMODE(stat.st_mode),
                          (stat.st_uid, stat.st_gid), now)
    prune_backups(snapshot.path, keep, (now or datetime.now()).date())
    return target


def commit(snapshot: Snapshot, new_data: bytes, check: Callable[[str], None],
           keep: int) -> str | None:
    """Replace the workbook with ``new_data``, safely.

    Holding claimbook's lock on the workbook: refuses while it is open, if it changed
    since the snapshot, or if it is read-only or hard-linked; keeps a backup; writes a
    temporary file beside the real file (through a symbolic link) with the workbook's
    owner, group, mode and extended attributes; ``check(tmp)`` reads it back; fsyncs;
    checks again; atomically replaces. Killed at any point, the workbook is either the
    old one or the new one, never a mix.

    Args:
        snapshot: the workbook as it was read.
        new_data: the new file's bytes.
        check: reads the temporary file back; raises if it is not what was meant.
        keep: backups to keep.

    Returns:
        The backup's path (None when backups are off).
    """
    real = os.path.realpath(snapshot.path)
    try:
        refuse_unreplaceable(snapshot.path, os.stat(real))  # before making the lock file
        with writing_lock(snapshot.path):
            return _commit_locked(snapshot, real, new_data, check, keep)
    except OSError as exc:
        raise os_problem(exc, f"writing {snapshot.path}", os.path.dirname(real)) from None


def _commit_locked(snapshot: Snapshot, real: str, new_data: bytes,
                   check: Callable[[str], None], keep: int) -> str | None:
    refuse_if_open(snapshot.path)
    refuse_if_changed(snapshot)
    stat = os.stat(real)
    refuse_unreplaceable(snapshot.path, stat)
    clear_leftovers(real)
    backup = keep_backup(snapshot, keep, stat=stat)
    crash_point("after-backup")
    folder = os.path.dirname(real)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(real), suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            half = len(new_data) // 2
            fh.write(new_data[:half])
            crash_point("mid-temp")
            fh.write(new_data[half:])
            fh.flush()
            os.fsync(fh.fileno())
        keep_attributes(real, stat, tmp)
        crash_point("after-temp")
        check(tmp)
        crash_point("after-check")
        refuse_if_open(snapshot.path)
        refuse_if_changed(snapshot)
        os.replace(tmp, real)
        fsync_dir(folder)
        crash_point("after-replace")
    except BaseException:
        _remove(tmp)
        raise
    return backup


def _temp_prefix(real: str) -> str:
    return f".claimbook-{os.path.basename(real)}-"


def clear_leftovers(real: str) -> None:
    """Remove the temporary files a killed write of this workbook left (call holding
    the lock: no other write of it is under way)."""
    folder, prefix = os.path.dirname(real), _temp_prefix(real)
    for name in os.listdir(folder):
        if name.startswith(prefix) and name.endswith(".tmp"):
            os.remove(os.path.join(folder, name))
    clear_backup_leftovers(real)


def keep_attributes(real: str, stat: os.stat_result, tmp: str) -> None:
    """Give the temporary file the workbook's owner, group, mode and extended
    attributes, or refuse: the new file must be the old one's equal in all of them.

    Raises:
        ClaimbookError: claimbook may not give the owner or an attribute.
    """
    made = os.stat(tmp)
    if hasattr(os, "chown") and (made.st_uid, made.st_gid) != (stat.st_uid, stat.st_gid):
        try:
            os.chown(tmp, stat.st_uid, stat.st_gid)
        except PermissionError:
            raise ClaimbookError(
                f"{real} belongs to user {stat.st_uid}, group {stat.st_gid}; claimbook, run "
                f"by user {os.geteuid()}, cannot give the new file that owner; nothing was "
                "written; run it as the workbook's owner") from None
    os.chmod(tmp, stat_module.S_IMODE(stat.st_mode))
    _copy_xattrs(real, tmp)


def _copy_xattrs(real: str, tmp: str) -> None:
    if not hasattr(os, "listxattr"):  # pragma: no cover - not Linux
        return
    try:
        names = os.listxattr(real)
    except OSError:  # a file system without extended attributes
        return
    for name in names:
        try:
            os.setxattr(tmp, name, os.getxattr(real, name))
        except OSError as exc:
            raise ClaimbookError(f"{real}: its extended attribute {name} cannot be kept "
                                 f"({exc.strerror}); nothing was written") from None
