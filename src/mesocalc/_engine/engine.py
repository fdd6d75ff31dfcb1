"""The engine: imports on first use and caches, kept out of the modules that plan.

mesocalc's speed machinery lives here and nowhere else (docs/adr/0015-engine.md):

* Imports on first use. numpy, pint, shapely, pandas and matplotlib cost most of a
  process's start-up, and a plan of one area from strings needs none of them. Each is
  imported by :func:`imported`, under one lock, numpy always first: two threads never
  import them at once through mesocalc, and a package built on numpy never starts
  importing numpy from inside one of its extension modules while another thread is
  half-way through numpy's own ``__init__`` (Python then hands out a partly initialised
  numpy). A module counts as imported only once its import has returned.
* Caches. Every memo of the package is made here (:func:`cached` for functions,
  :func:`table` for stores keyed by the caller), so the domain modules hold no mutable
  state of their own and :func:`clear` empties them all.

This module imports nothing from mesocalc: it is the bottom layer.
"""

from __future__ import annotations

import functools
import importlib
import sys
import threading
from typing import TYPE_CHECKING, Any, Final, ParamSpec, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

__all__ = ["cached", "clear", "imported", "loaded", "table"]

P = ParamSpec("P")
R = TypeVar("R")

# Guards every first import made through the engine, and the first build of shared state
# (pint's registry): re-entrant, as importing pint first imports numpy.
LOCK: Final = threading.RLock()

# The engine's own state, the only mutable state of the package's modules.
_IMPORTED: Final[dict[str, ModuleType]] = {}
_CACHES: Final[list[functools._lru_cache_wrapper[Any]]] = []
_TABLES: Final[dict[str, dict[Any, Any]]] = {}


def imported(name: str) -> ModuleType:
    """Module ``name``, imported under the engine's lock on first use (numpy first).

    A module someone took out of ``sys.modules`` since (tests do, to stand for a missing
    extra) is imported again.

    Raises:
        ModuleNotFoundError: the module is not installed (the caller says which extra).
    """
    module = _IMPORTED.get(name)
    if module is None or sys.modules.get(name) is not module:  # a module taken out is gone
        with LOCK:
            module = _IMPORTED.get(name)
            if module is None or sys.modules.get(name) is not module:
                if name != "numpy":  # every optional package mesocalc uses is built on numpy
                    imported("numpy")
                module = importlib.import_module(name)
                _IMPORTED[name] = module
    return module


def loaded(name: str) -> ModuleType | None:
    """Module ``name`` if the engine has imported it, else None; never imports."""
    return _IMPORTED.get(name)


def cached(
    maxsize: int | None = None,
) -> Callable[[Callable[P, R]], functools._lru_cache_wrapper[R]]:
    """``functools.lru_cache(maxsize)``, kept by the engine so that :func:`clear` empties it."""

    def wrap(function: Callable[P, R]) -> functools._lru_cache_wrapper[R]:
        made = functools.lru_cache(maxsize=maxsize)(function)
        _CACHES.append(made)
        return made

    return wrap


def table(name: str) -> dict[Any, Any]:
    """The engine's store called ``name`` (one per name), emptied by :func:`clear`."""
    with LOCK:
        return _TABLES.setdefault(name, {})


def clear() -> None:
    """Empty every cache and store (imports stay: a module cannot be un-imported)."""
    with LOCK:
        for made in _CACHES:
            made.cache_clear()
        for store in _TABLES.values():
            store.clear()
