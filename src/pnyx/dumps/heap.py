"""Keeping Python's cyclic garbage collector out of an import's way.

Reading a dump makes a list per row, millions of them, short-lived and holding no cycles, so
reference counting frees every one. Each few hundred of them still start a collection, and
every so often a full one, which walks every object the process holds: Django, its models and
the parser included. That walking cost a tenth of the reading and converting in a lane. Objects
held before a load are therefore frozen (left out of the collector's passes) while it runs; the
collector still looks at whatever the load itself makes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def freeze_heap() -> None:
    """Leave every object the process holds now out of the collector's passes, for good."""
    gc.collect()
    gc.freeze()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """`freeze_heap` for the duration of the block (a process that goes on afterwards, such
    as a test's, gets its objects collected as before)."""
    freeze_heap()
    try:
        yield
    finally:
        gc.unfreeze()
