"""Writing files so that a crash, a kill or an open copy in Excel never leaves a
half-written workbook: refuse while a lock file says the file is open, write a
temporary file in the same folder, flush it to disk, then atomically replace."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from claimbook.rules.problems import ClaimbookError, WorkbookInUse, WorkbookUnreadable


def lock_files(path: str) -> list[str]:
    """The lock files Excel (``~$name.xlsx``) and LibreOffice (``.~lock.name.xlsx#``)
    keep beside a workbook they have open."""
    folder, name = os.path.split(os.path.abspath(path))
    return [os.path.join(folder, "~$" + name), os.path.join(folder, ".~lock." + name + "#")]


def refuse_if_open(path: str) -> None:
    """Raise :class:`WorkbookInUse` when Excel or LibreOffice has ``path`` open."""
    for lock in lock_files(path):
        if os.path.exists(lock):
            raise WorkbookInUse(
                f"{path} is open in Excel or LibreOffice ({os.path.basename(lock)} exists); "
                "close it and run the command again")


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_atomically(path: str, build: Callable[[str], None]) -> None:
    """Write ``path`` by calling ``build(tmp)`` on a temporary file beside it, then
    replacing ``path`` in one step. On any error the temporary file is removed and
    ``path`` is left as it was.

    Args:
        path: the file to write.
        build: writes the complete new file at the path it is given.
    """
    refuse_if_open(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    suffix = os.path.splitext(path)[1]
    fd, tmp = tempfile.mkstemp(prefix=".claimbook-", suffix=suffix, dir=folder)
    os.close(fd)
    try:
        build(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(folder)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


# -- writing into the owner's workbook ------------------------------------------------
# A desk command reads the workbook once (a snapshot of its bytes), works out its
# changes, and writes only if the file on disk is still exactly that snapshot.

CRASH_ENV = "CLAIMBOOK_CRASH_AT"  # tests only: exit abruptly at a named point of a write
BACKUP_FOLDER = "backups"


class WorkbookChanged(ClaimbookError):
    """The workbook changed on disk after claimbook read it."""


@dataclass(frozen=True)
class Snapshot:
    """A workbook's bytes as read, with what identifies that version on disk."""

    path: str
    data: bytes
    size: int
    mtime_ns: int
    digest: str


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def take_snapshot(path: str) -> Snapshot:
    """Read a workbook to change it, refusing while Excel or LibreOffice has it open.

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
    return Snapshot(path, data, stat.st_size, stat.st_mtime_ns, _digest(data))


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
            same = _digest(fh.read()) == snapshot.digest
    if not same:
        raise WorkbookChanged(
            f"{snapshot.path} changed on disk while claimbook was working (saved from Excel?); "
            "nothing was written; run the command again")


def crash_point(name: str) -> None:
    """Tests only: end the process at once, as a kill would, at the point named in
    $CLAIMBOOK_CRASH_AT."""
    if os.environ.get(CRASH_ENV) == name:
        os._exit(70)


def backup_path(path: str, now: datetime) -> str:
    """Where a backup taken ``now`` goes: ``backups/<name>.<YYYY-MM-DD_HHMMSS>.xlsx``."""
    folder, name = os.path.split(os.path.abspath(path))
    stem, ext = os.path.splitext(name)
    target = os.path.join(folder, BACKUP_FOLDER, f"{stem}.{now:%Y-%m-%d_%H%M%S}{ext}")
    n = 2
    while os.path.exists(target):
        target = os.path.join(folder, BACKUP_FOLDER, f"{stem}.{now:%Y-%m-%d_%H%M%S}-{n}{ext}")
        n += 1
    return target


def keep_backup(snapshot: Snapshot, keep: int, now: datetime | None = None) -> str | None:
    """Write the snapshot as a timestamped backup, then prune to the newest ``keep``.

    Args:
        snapshot: the workbook as read (and checked to be what is on disk).
        keep: how many backups to keep ("Backups to Keep"); 0 keeps none.
        now: the time to stamp (default: now).

    Returns:
        The backup's path, or None when ``keep`` is 0.
    """
    if keep <= 0:
        return None
    target = backup_path(snapshot.path, now or datetime.now())
    os.makedirs(os.path.dirname(target), exist_ok=True)
    _write_synced(target, snapshot.data)
    prune_backups(snapshot.path, keep)
    return target


def backups_of(path: str) -> list[str]:
    """The backups of a workbook, oldest first."""
    folder, name = os.path.split(os.path.abspath(path))
    stem, ext = os.path.splitext(name)
    where = os.path.join(folder, BACKUP_FOLDER)
    if not os.path.isdir(where):
        return []
    pattern = re.compile(re.escape(stem) + r"\.\d{4}-\d\d-\d\d_\d{6}(-\d+)?" + re.escape(ext) + "$")
    found = [f for f in os.listdir(where) if pattern.match(f)]
    return [os.path.join(where, f) for f in sorted(found, key=_backup_order)]


def _backup_order(name: str) -> tuple:
    m = re.search(r"(\d{4}-\d\d-\d\d_\d{6})(?:-(\d+))?\.[^.]+$", name)
    return (m.group(1), int(m.group(2) or 1)) if m else ("", 0)


def prune_backups(path: str, keep: int) -> None:
    """Delete the oldest backups of ``path`` beyond the newest ``keep``."""
    for old in backups_of(path)[:-keep] if keep > 0 else backups_of(path):
        os.remove(old)


def _write_synced(target: str, data: bytes) -> None:
    with open(target, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def commit(snapshot: Snapshot, new_data: bytes, check: Callable[[str], None],
           keep: int) -> str | None:
    """Replace the workbook with ``new_data``, safely.

    Refuses while the workbook is open or if it changed since the snapshot; keeps a
    backup; writes a temporary file in the same folder; ``check(tmp)`` reads it back;
    fsyncs; atomically replaces. Killed at any point, the workbook is either the old
    one or the new one, never a mix.

    Args:
        snapshot: the workbook as it was read.
        new_data: the new file's bytes.
        check: reads the temporary file back; raises if it is not what was meant.
        keep: backups to keep.

    Returns:
        The backup's path (None when backups are off).
    """
    refuse_if_open(snapshot.path)
    refuse_if_changed(snapshot)
    backup = keep_backup(snapshot, keep)
    crash_point("after-backup")
    folder = os.path.dirname(os.path.abspath(snapshot.path))
    fd, tmp = tempfile.mkstemp(prefix=".claimbook-", suffix=".xlsx.tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            half = len(new_data) // 2
            fh.write(new_data[:half])
            crash_point("mid-temp")
            fh.write(new_data[half:])
            fh.flush()
            os.fsync(fh.fileno())
        _keep_mode(snapshot.path, tmp)
        crash_point("after-temp")
        check(tmp)
        crash_point("after-check")
        refuse_if_open(snapshot.path)
        refuse_if_changed(snapshot)
        os.replace(tmp, snapshot.path)
        _fsync_dir(folder)
        crash_point("after-replace")
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return backup


def _keep_mode(original: str, tmp: str) -> None:
    try:
        os.chmod(tmp, os.stat(original).st_mode & 0o7777)
    except OSError:  # pragma: no cover - a file system without modes
        pass
