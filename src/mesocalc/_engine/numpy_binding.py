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

import math
import sys
import types
from typing import TYPE_CHECKING, Any, Final, cast

from mesocalc._engine import engine as _engine

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["HUGE_PAGE", "NUMPY", "bind", "empty", "is_ndarray", "loaded"]


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


# The kernel's huge page on x86-64 and arm64 (transparent huge pages), and the size from
# which numpy asks the kernel for them (madvise MADV_HUGEPAGE; numpy's own threshold, 4 MiB).
HUGE_PAGE: Final = 2 * 2**20
_HUGE_FROM: Final = 2 * HUGE_PAGE


def empty(shape: tuple[int, ...], dtype: Any) -> NDArray[Any]:
    """``numpy.empty``, its data starting on a huge-page boundary when it is 4 MiB or more.

    numpy asks for huge pages for every such array, but the kernel can give them only to
    the 2 MiB-aligned stretches of it; glibc's heap places an array anywhere, so about 2 MiB
    of each was left to 4 KiB pages, each a page fault of its own on first write. An array
    of plans over 10^6 areas (8 MB) took about 500 faults that way, and about 5 aligned;
    in an ordinary process those faults were most of the system time of a plan. The
    price: up to 2 MiB of address space per array, which is never written (and so never
    given memory) but for the rest of its last huge page. The array is a view of the
    buffer allocated; where the kernel gives no huge pages it is an ordinary array.
    """
    np = NUMPY
    kind = np.dtype(dtype)
    size = math.prod(shape) * kind.itemsize
    if size < _HUGE_FROM:
        return cast("NDArray[Any]", np.empty(shape, dtype=kind))
    raw = np.empty(size + HUGE_PAGE, dtype=np.uint8)
    start = -raw.__array_interface__["data"][0] % HUGE_PAGE
    return cast("NDArray[Any]", raw[start : start + size].view(kind).reshape(shape))
