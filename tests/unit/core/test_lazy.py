"""``lazy`` computes once per object and never serialises getters across objects."""

from __future__ import annotations

import threading

from gangway.core.lazy import lazy


class Holder:
    def __init__(self, gate: threading.Event | None = None) -> None:
        self.gate = gate
        self.calls = 0

    @lazy
    def value(self) -> int:
        self.calls += 1
        if self.gate is not None:
            assert self.gate.wait(5), "the other object's getter never ran"
        return self.calls


def test_computed_once_per_object() -> None:
    holder = Holder()
    assert holder.value == 1
    assert holder.value == 1
    assert holder.calls == 1


def test_a_slow_getter_does_not_block_another_objects_getter() -> None:
    """The deadlock functools.cached_property allows on 3.11: one getter waits for something
    that only a second getter (on another object, another thread) can provide."""
    gate = threading.Event()
    slow = Holder(gate)
    thread = threading.Thread(target=lambda: slow.value)
    thread.start()

    fast = Holder()
    assert fast.value == 1  # would hang behind the slow getter's class-wide lock
    gate.set()
    thread.join(5)
    assert not thread.is_alive()
    assert slow.value == 1
