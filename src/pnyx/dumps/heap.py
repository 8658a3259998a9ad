"""Keeping Python's cyclic garbage collector out of an import's way.

Reading a dump makes a list per row, millions of them, short-lived and holding no cycles, so
reference counting frees every one. Each few hundred of them still start a collection, and
every so often a full one, which walks every object the process holds: Django, its models and
the parser included. That walking cost a tenth of the reading and converting in a lane. Objects
held before a load are therefore frozen (left out of the collector's passes) while it runs, and
the youngest generation is collected after a hundred thousand allocations instead of seven
hundred: a batch of rows is written and freed long before that, so the passes this saves found
nothing to free (a twentieth of an import's time at 200,000 posts). The collector still runs,
and still frees whatever cycles a load makes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

LOAD_YOUNGEST_GENERATION_THRESHOLD = 100_000


def freeze_heap() -> None:
    """Leave every object the process holds now out of the collector's passes, for good, and
    collect the youngest generation rarely (see the module's docstring)."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(LOAD_YOUNGEST_GENERATION_THRESHOLD, middle, oldest)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """`freeze_heap` for the duration of the block (a process that goes on afterwards, such
    as a test's, gets its objects collected as before, with its own thresholds)."""
    thresholds = gc.get_threshold()
    freeze_heap()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
