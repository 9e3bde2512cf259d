"""Child processes that end with their parent, even when the parent is killed (Linux).

A killed import must not leave its worker processes behind: a worker blocked on its task queue
would wait for ever, since its siblings hold the queue's other end open. The kernel delivers
SIGKILL to a child whose parent dies once the child has asked for it (prctl PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Call first thing in a forked child; `parent` is the parent's pid, read before forking."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: children end when their task queue closes
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)
