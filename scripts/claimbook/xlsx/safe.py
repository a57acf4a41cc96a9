"""Writing files so that a crash, a kill or an open copy in Excel never leaves a
half-written workbook: refuse while a lock file says the file is open, write a
temporary file in the same folder, flush it to disk, then atomically replace."""

from __future__ import annotations

import os
import tempfile
from typing import Callable

from ..problems import WorkbookInUse


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
