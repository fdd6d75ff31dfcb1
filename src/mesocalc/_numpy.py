"""numpy, imported when a plan first needs it.

numpy's import is about half of ``python -m mesocalc plan``'s start-up and more than half
of ``import mesocalc``, and a plan of one area computes on floats: the command line and a
plan from strings never need it. A module binds its ``np`` with :func:`bind`; the first
attribute read imports numpy and puts the module itself in every namespace that bound
it, so that later reads cost what any global's do. Type checkers see numpy itself::

    if TYPE_CHECKING:
        import numpy as np
    else:
        np = _numpy.bind(globals())
"""

from __future__ import annotations

import sys
import threading
from typing import Any

__all__ = ["bind", "is_ndarray", "loaded"]


class _Numpy:
    """Stands for numpy in the namespaces that bound it, until numpy is imported."""

    __slots__ = ("_homes", "_lock")

    def __init__(self) -> None:
        self._homes: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def bind(self, namespace: dict[str, Any]) -> Any:
        with self._lock:
            if loaded():
                return sys.modules["numpy"]
            self._homes.append(namespace)
            return self

    def __getattr__(self, name: str) -> Any:
        import numpy  # noqa: PLC0415 - the point of this module; the import lock serialises it

        with self._lock:
            for home in self._homes:
                if home.get("np") is self:
                    home["np"] = numpy
            self._homes.clear()
        return getattr(numpy, name)

    def __repr__(self) -> str:
        return "<numpy, imported on first use>"


_PROXY = _Numpy()


def bind(namespace: dict[str, Any]) -> Any:
    """What a module binds as ``np``: numpy, or a stand-in that imports it when first read."""
    return _PROXY.bind(namespace)


def loaded() -> bool:
    """Whether numpy is imported (fully: a module still being imported does not count)."""
    module = sys.modules.get("numpy")
    spec = getattr(module, "__spec__", None)
    return module is not None and not getattr(spec, "_initializing", False)


def is_ndarray(value: Any) -> bool:
    """Whether ``value`` is a numpy array, without importing numpy: none exists before it."""
    module = sys.modules.get("numpy")
    return module is not None and isinstance(value, getattr(module, "ndarray", ()))
