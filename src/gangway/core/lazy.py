"""``lazy``: ``functools.cached_property`` without Python 3.11's lock.

On 3.11 every ``cached_property`` holds one lock per attribute *across all instances* while its
getter runs. A unit of work begins its transaction inside such a getter, and that can wait for
SQLite's write lock; a second thread already holding the write lock then blocks on the attribute
lock: a deadlock (seen: the hosted form against the deadline sweep). 3.12 dropped the lock; this
is its behaviour. A racing first access at worst computes the value twice on one object, which
these objects never share across threads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

__all__ = ["lazy"]

T = TypeVar("T")


class lazy(Generic[T]):
    def __init__(self, getter: Callable[[Any], T]) -> None:
        self._getter = getter
        self._name = getter.__name__
        self.__doc__ = getter.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> lazy[T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> T | lazy[T]:
        if instance is None:
            return self
        value = self._getter(instance)
        instance.__dict__[self._name] = value  # later reads skip the descriptor
        return value
