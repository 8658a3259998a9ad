"""The import's frozen heap: objects held before a load are left out of the collector's
passes during it, and a process that goes on afterwards gets them collected again, with the
collector's thresholds it had."""

from __future__ import annotations

import gc
import weakref

import pytest

from pnyx.dumps.heap import LOAD_YOUNGEST_GENERATION_THRESHOLD, frozen_heap


def test_the_heap_is_frozen_during_the_block_and_thawed_after() -> None:
    before = gc.get_freeze_count()
    thresholds = gc.get_threshold()
    with frozen_heap():
        assert gc.get_freeze_count() > before
        assert gc.get_threshold()[0] == LOAD_YOUNGEST_GENERATION_THRESHOLD
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds


def test_the_heap_is_thawed_when_the_block_fails() -> None:
    thresholds = gc.get_threshold()
    with pytest.raises(KeyboardInterrupt), frozen_heap():
        raise KeyboardInterrupt
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds


def test_cycles_made_during_the_block_are_still_collected_without_being_asked() -> None:
    class Node:
        partner: object = None

    with frozen_heap():
        first, second = Node(), Node()
        first.partner, second.partner = second, first
        watch = weakref.ref(first)
        del first, second
        held = [[] for _ in range(2 * LOAD_YOUNGEST_GENERATION_THRESHOLD)]
        assert watch() is None
        del held
