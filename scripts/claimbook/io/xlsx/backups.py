"""The backups kept of the owner's workbook before each write, and which are kept.

A backup is written under a temporary name in the private ``backups/`` folder (0700),
with the workbook's own mode, flushed to disk, read back and compared with the bytes it
copies, and only then renamed to its real name: a kill or a full disk never leaves a
truncated file under a backup's name. Pruning counts only backups that open as a zip
package, so a good backup is never deleted to keep a bad one.

Which are kept ("Backups to Keep" = N, 0 = no backups):

- the newest N, whenever they were taken;
- the last backup of each of the 7 days before today;
- the last backup of each of the 12 months before this month.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat as stat_module
import zipfile
from datetime import date, datetime

from claimbook.rules.problems import ClaimbookError

BACKUP_FOLDER = "backups"
DAYS_KEPT = 7  # one a day, for the days before today
MONTHS_KEPT = 12  # one a month, for the months before this one
CRASH_ENV = "CLAIMBOOK_CRASH_AT"  # tests only: exit abruptly at a named point of a write

_STAMP = re.compile(r"\.(\d{4})-(\d\d)-(\d\d)_(\d{6})(?:-(\d+))?\.[^.]+$")


def crash_point(name: str) -> None:
    """Tests only: end the process at once, as a kill would, at the point named in
    $CLAIMBOOK_CRASH_AT."""
    if os.environ.get(CRASH_ENV) == name:
        os._exit(70)


def backup_folder(path: str) -> str:
    """The ``backups`` folder beside the workbook (beside the real file, for a link)."""
    return os.path.join(os.path.dirname(os.path.realpath(path)), BACKUP_FOLDER)


def backup_path(path: str, now: datetime) -> str:
    """Where a backup taken ``now`` goes: ``backups/<name>.<YYYY-MM-DD_HHMMSS>.xlsx``."""
    stem, ext = os.path.splitext(os.path.basename(os.path.realpath(path)))
    folder = backup_folder(path)
    target = os.path.join(folder, f"{stem}.{now:%Y-%m-%d_%H%M%S}{ext}")
    n = 2
    while os.path.exists(target):
        target = os.path.join(folder, f"{stem}.{now:%Y-%m-%d_%H%M%S}-{n}{ext}")
        n += 1
    return target


def private_folder(folder: str) -> None:
    """Make ``folder`` (mode 0700), or make an existing one of ours private.

    Raises:
        ClaimbookError: a file sits where the folder should be.
    """
    if os.path.lexists(folder) and not os.path.isdir(folder):
        raise ClaimbookError(f"{folder} is a file, not a folder: claimbook keeps the "
                             "workbook's backups there; rename that file and run the "
                             "command again")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    found = os.stat(folder)
    mine = getattr(os, "geteuid", lambda: found.st_uid)() == found.st_uid  # Windows: no uid
    if found.st_mode & 0o077 and mine:
        os.chmod(folder, stat_module.S_IMODE(found.st_mode) & 0o700)


def write_backup(path: str, data: bytes, mode: int, owner: tuple[int, int] | None = None,
                 now: datetime | None = None) -> str:
    """Write ``data`` as a new backup of the workbook at ``path``.

    Args:
        path: the workbook.
        data: its bytes as read (and checked to be what is on disk).
        mode: the workbook's permission bits, given to the backup.
        owner: the workbook's (uid, gid), given to the backup where claimbook may.
        now: the time to stamp (default: now).

    Returns:
        The backup's path.

    Raises:
        ClaimbookError: the backup does not read back as the bytes written.
    """
    folder = backup_folder(path)
    private_folder(folder)
    target = backup_path(path, now or datetime.now())
    tmp = os.path.join(folder, "." + os.path.basename(target) + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            _give(fh.fileno(), mode, owner)
            half = len(data) // 2
            fh.write(data[:half])
            crash_point("mid-backup")
            fh.write(data[half:])
            fh.flush()
            os.fsync(fh.fileno())
        with open(tmp, "rb") as fh:
            if fh.read() != data:  # byte for byte
                raise ClaimbookError(f"the backup {tmp} does not read back as the workbook; "
                                     "nothing was written")
        crash_point("backup-before-rename")
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    fsync_dir(folder)
    return target


def _give(fd: int, mode: int, owner: tuple[int, int] | None) -> None:
    if owner is not None and hasattr(os, "fchown") and os.geteuid() == 0:
        os.fchown(fd, *owner)
    os.fchmod(fd, mode & 0o666)


def digest(data: bytes) -> str:
    """A file's fingerprint: to tell whether two reads got the same bytes."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def fsync_dir(folder: str) -> None:
    """Flush a folder's entries (a rename in it) to disk, where the system allows."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backups_of(path: str) -> list[str]:
    """The backups of a workbook (complete or not), oldest first."""
    stem, ext = os.path.splitext(os.path.basename(os.path.realpath(path)))
    where = backup_folder(path)
    if not os.path.isdir(where):
        return []
    pattern = re.compile(re.escape(stem) + r"\.\d{4}-\d\d-\d\d_\d{6}(-\d+)?" + re.escape(ext) + "$")
    found = [f for f in os.listdir(where) if pattern.match(f)]
    return [os.path.join(where, f) for f in sorted(found, key=_backup_order)]


def _backup_order(name: str) -> tuple:
    m = _STAMP.search(name)
    return (m.group(1, 2, 3, 4), int(m.group(5) or 1)) if m else (("",) * 4, 0)


def taken_on(backup: str) -> date:
    """The day a backup was taken, from its name."""
    y, m, d = _STAMP.search(os.path.basename(backup)).group(1, 2, 3)
    return date(int(y), int(m), int(d))


def is_good(backup: str) -> bool:
    """Whether a backup opens as a zip package (a truncated one does not)."""
    try:
        with zipfile.ZipFile(backup) as z:
            return bool(z.namelist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def kept(backups: list[str], keep: int, today: date) -> set[str]:
    """Which good backups (oldest first) the retention keeps; see the module docstring."""
    keeping = set(backups[-keep:]) if keep > 0 else set()
    days, months = {}, {}
    for backup in backups:  # oldest first: the last one of a day or month wins
        day = taken_on(backup)
        if 0 < (today - day).days <= DAYS_KEPT:
            days[day] = backup
        age = (today.year - day.year) * 12 + today.month - day.month
        if 0 < age <= MONTHS_KEPT:
            months[(day.year, day.month)] = backup
    return keeping | set(days.values()) | set(months.values())


def prune_backups(path: str, keep: int, today: date | None = None) -> list[str]:
    """Delete the backups of ``path`` the retention does not keep, and those that are
    not readable (truncated by an older version of claimbook); return those deleted."""
    found = backups_of(path)
    good = [b for b in found if is_good(b)]
    keeping = kept(good, keep, today or date.today())
    gone = [b for b in found if b not in keeping]
    for old in gone:
        os.remove(old)
    return gone


def clear_backup_leftovers(path: str) -> None:
    """Remove the temporary backups a killed run left (call holding the write lock)."""
    stem = os.path.splitext(os.path.basename(os.path.realpath(path)))[0]
    where = backup_folder(path)
    if not os.path.isdir(where):
        return
    for name in os.listdir(where):
        if name.startswith("." + stem + ".") and name.endswith(".tmp"):
            os.remove(os.path.join(where, name))
