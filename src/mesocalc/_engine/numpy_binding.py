"""numpy, imported when a plan first needs it: the engine's numpy binding.

numpy's import is about half of ``python -m mesocalc plan``'s start-up and more than half
of ``import mesocalc``, and a plan of one area computes on floats: the command line and a
plan from strings never need it. A module binds :data:`NUMPY` as its ``np``; the first
attribute read that it lacks imports numpy through :func:`mesocalc._engine.engine.imported`
(under the engine's lock) and copies numpy's names into the stand-in, so that later reads
cost what a read of numpy's own attributes does. Nothing is written into the modules that
bound it. Type checkers see numpy itself::

    if TYPE_CHECKING:
        import numpy as np
    else:
        np = _numpy.NUMPY
"""

from __future__ import annotations

import sys
import types
from typing import Any, Final

from mesocalc._engine import engine as _engine

__all__ = ["NUMPY", "bind", "is_ndarray", "loaded"]


class _Numpy(types.ModuleType):
    """Stands for numpy: holds numpy's names once it is imported, and imports it if not."""

    def __getattr__(self, name: str) -> Any:
        numpy = _engine.imported("numpy")
        if "ndarray" not in vars(self):
            # A copy, taken at once: numpy adds names to its own namespace on first read
            # (np.testing...), from any thread and outside this lock.
            names = vars(numpy).copy()
            with _engine.LOCK:
                vars(self).update((k, v) for k, v in names.items() if not k.startswith("__"))
        return getattr(numpy, name)  # names numpy makes on first read (np.testing...)

    def __repr__(self) -> str:
        done = "ndarray" in vars(self)
        return "<numpy>" if done else "<numpy, imported on first use>"


NUMPY: Final = _Numpy("numpy")


def bind(namespace: dict[str, Any]) -> Any:
    """:data:`NUMPY` (``namespace`` is not used: kept for modules that bind this way)."""
    del namespace
    return NUMPY


def loaded() -> bool:
    """Whether numpy is imported (fully: a module still being imported does not count)."""
    module = sys.modules.get("numpy")
    spec = getattr(module, "__spec__", None)
    return module is not None and not getattr(spec, "_initializing", False)


def is_ndarray(value: Any) -> bool:
    """Whether ``value`` is a numpy array, without importing numpy: none exists before it."""
    module = sys.modules.get("numpy")
    return module is not None and isinstance(value, getattr(module, "ndarray", ()))
