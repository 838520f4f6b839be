"""The collector's tuning (config/runtime.py): frozen objects are not scanned, yet none is kept for good."""

import gc
import weakref

import pytest

from config import runtime


class Node:
    pass


@pytest.fixture
def thawed_after():
    yield
    gc.unfreeze()  # leave the test process's collector as it found it


def test_a_cycle_frozen_while_alive_is_collected_at_the_next_thaw(monkeypatch, thawed_after):
    """What a fan's socket objects do: a cycle, alive at a freeze, garbage once the fan leaves."""
    monkeypatch.setattr(runtime, "THAW_EVERY", 120.0)
    monkeypatch.setattr(runtime, "_last_thaw", runtime.time.monotonic())
    node = Node()
    node.itself = node
    gone = weakref.ref(node)
    runtime.freeze_survivors()  # a plain freeze: the cycle is in the permanent generation
    del node
    gc.collect()
    assert gone() is not None, "a frozen cycle survives every collection: the leak the thaw is for"
    monkeypatch.setattr(runtime, "_last_thaw", runtime.time.monotonic() - 121)
    runtime.freeze_survivors()  # two minutes later: thaw, collect, freeze again
    assert gone() is None
    assert gc.get_freeze_count() > 0, "what is still alive is frozen again"
