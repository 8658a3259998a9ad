"""The entry point of a lane process (see `lanes`), kept free of Django imports.

A spawned process imports the module of the function it runs before anything else, and
Django's models can only be imported once Django is set up: so this module sets Django up
first and only then imports the loader.
"""

from __future__ import annotations

import ctypes
import os
import signal
from multiprocessing.connection import Connection

PR_SET_PDEATHSIG = 1


def lane_main(conn: Connection, parent: int) -> None:
    """Run the tasks the import sends, one after another, until told to stop."""
    die_with_parent(parent)
    # Ctrl-C reaches the whole process group: the import stops its lanes itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import django

    django.setup()
    from pnyx.dumps.heap import freeze_heap
    from pnyx.dumps.lanes import serve

    freeze_heap()
    serve(conn)


def die_with_parent(parent: int) -> None:
    """Be killed when the import's process ends, however it ends (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the closed pipe still ends the lane
        pass
    if os.getppid() != parent:  # the import ended before the signal was asked for
        os._exit(1)
