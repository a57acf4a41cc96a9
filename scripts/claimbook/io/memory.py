"""Give memory the process has freed back to the system.

A sheet's parse allocates hundreds of megabytes of small pieces on the thread that parses
it, and frees them when its columns are made. The C library keeps what a thread freed in
that thread's own heap ("arena") for the next allocation there, so after two sheets parsed
on two threads the process holds both heaps' free space: at 1,048,575 lines about 200 MB
it never uses again, and every later peak sits that much higher. :func:`give_back` asks
glibc (``malloc_trim``) to return the free pages of every heap; elsewhere (macOS, Windows,
musl) it does nothing, and nothing is lost but those megabytes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys


@functools.cache
def _trim():
    """glibc's ``malloc_trim``, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def give_back() -> bool:
    """Return the free pages of every heap to the system; True when some were."""
    trim = _trim()
    return bool(trim(0)) if trim is not None else False
