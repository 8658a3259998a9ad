"""The import's frozen heap: objects held before a load are left out of the collector's
passes during it, and a process that goes on afterwards gets them collected again."""

from __future__ import annotations

import gc

import pytest

from pnyx.dumps.heap import frozen_heap


def test_the_heap_is_frozen_during_the_block_and_thawed_after() -> None:
    before = gc.get_freeze_count()
    with frozen_heap():
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == 0


def test_the_heap_is_thawed_when_the_block_fails() -> None:
    with pytest.raises(KeyboardInterrupt), frozen_heap():
        raise KeyboardInterrupt
    assert gc.get_freeze_count() == 0
