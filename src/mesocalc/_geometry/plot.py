"""Injection maps with matplotlib (the optional extra ``mesocalc[plot]``), imported on use.

Each function draws on the Axes it is given, or on a new pyplot figure, and
returns the Axes so that a notebook shows it and a user can save it. This module
draws outlines, points and segments; it knows nothing of plans, so that layouts,
threads and plans can all call it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from mesocalc._engine import engine as _engine
from mesocalc._geometry.shapes import polygon_of
from mesocalc._quantities.parameters import PARAMETERS

if TYPE_CHECKING:
    from mesocalc._geometry.layout import Layout
    from mesocalc._geometry.shapes import Shape
    from mesocalc._geometry.threads import Threads

__all__ = ["plot_layout", "plot_threads"]

_SKIN = "#f3d9c6"
_EDGE = "#7a4a2a"
_INK = "#1f4e9c"


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    try:
        plt = _engine.imported("matplotlib.pyplot")  # an optional extra
    except ModuleNotFoundError as exc:  # pragma: no cover - the test extra installs it
        raise ModuleNotFoundError(
            'plots need matplotlib: pip install ".[plot]" in mesocalc\'s folder', name="matplotlib"
        ) from exc
    _, new = plt.subplots()
    return new


def _outline(ax: Any, shape: Shape) -> None:
    PathPatch = _engine.imported("matplotlib.patches").PathPatch  # noqa: N806 - a class
    Path = _engine.imported("matplotlib.path").Path  # noqa: N806 - a class

    poly = polygon_of(shape)
    rings = [np.asarray(poly.exterior.coords)] + [np.asarray(r.coords) for r in poly.interiors]
    path = Path.make_compound_path(*(Path(r, closed=True) for r in rings))
    ax.add_patch(PathPatch(path, facecolor=_SKIN, edgecolor=_EDGE, linewidth=1.2, zorder=1))
    xmin, ymin, xmax, ymax = poly.bounds
    pad = 0.05 * max(xmax - xmin, ymax - ymin)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    ax.set_aspect("equal")
    ax.set_xlabel("x (mm)")
    ax.set_ylabel("y (mm)")


def _margin(ax: Any, shape: Shape, margin: float) -> None:
    """The edge less the margin, dashed: where the points (or threads) are allowed."""
    if margin <= 0:
        return
    inner = polygon_of(shape).buffer(-margin)
    for part in getattr(inner, "geoms", [inner]):
        if part.is_empty:
            continue
        for ring in [part.exterior, *part.interiors]:
            xy = np.asarray(ring.coords)
            ax.plot(xy[:, 0], xy[:, 1], linestyle="--", linewidth=0.8, color=_EDGE, zorder=1.5)


def plot_layout(layout: Layout, ax: Any = None, *, title: str | None = None) -> Any:
    """Draw a layout's outline and points."""
    ax = _axes(ax)
    _outline(ax, layout.shape)
    _margin(ax, layout.shape, layout.margin.magnitude)
    xy = layout.points.magnitude
    size = float(np.clip(2000.0 / max(len(layout), 1), 2.0, 24.0))
    ax.scatter(xy[:, 0], xy[:, 1], s=size, color=_INK, zorder=2, linewidths=0)
    ax.set_title(
        title
        or f"{len(layout)} points, {layout.lattice.value} lattice at "
        f"{layout.spacing.magnitude:.4g} mm, margin {layout.margin.magnitude:.4g} mm"
    )
    return ax


def plot_threads(threads: Threads, ax: Any = None, *, title: str | None = None) -> Any:
    """Draw a thread layout's outline, threads and their entry points."""
    LineCollection = _engine.imported("matplotlib.collections").LineCollection  # noqa: N806

    ax = _axes(ax)
    _outline(ax, threads.shape)
    _margin(ax, threads.shape, threads.margin.magnitude)
    seg = threads.segments.magnitude
    ax.add_collection(LineCollection(seg, colors=_INK, linewidths=1.2, zorder=2))
    entries = threads.entries.magnitude
    ax.scatter(entries[:, 0], entries[:, 1], s=10, color=_EDGE, zorder=3, linewidths=0)
    ax.set_title(
        title
        or f"{len(threads)} {threads.pattern.value} threads, "
        f"{PARAMETERS['total_thread_length'].show(threads.total_length_mm)} in all"
    )
    return ax
