"""Pictures: layouts, threads and plans drawn with matplotlib's Agg backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import matplotlib as mpl
import pytest

import mesocalc

mpl.use("Agg")

import matplotlib.pyplot as plt


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


FACE = mesocalc.Polygon(
    [("0 cm", "0 cm"), ("12 cm", "0 cm"), ("12 cm", "5 cm"), ("0 cm", "5 cm")],
    holes=[[("2 cm", "2 cm"), ("4 cm", "2 cm"), ("4 cm", "3 cm"), ("2 cm", "3 cm")]],
)


def test_layout_plot_returns_axes_with_every_point(tmp_path: Path) -> None:
    lay = mesocalc.layout(FACE, "7.5 mm", margin="3 mm")
    ax = lay.plot()
    assert ax.collections[0].get_offsets().shape == (len(lay), 2)
    assert "points" in ax.get_title()
    ax.figure.savefig(tmp_path / "layout.png")
    assert (tmp_path / "layout.png").stat().st_size > 1000


def test_threads_and_plans_plot_on_given_axes() -> None:
    _, ax = plt.subplots()
    t = mesocalc.threads(FACE, "7.5 mm", pattern="crosshatch")
    assert t.plot(ax) is ax
    assert len(ax.collections[0].get_segments()) == len(t)
    p = mesocalc.plan(
        technique="classic", zone="face", area=FACE, injector=mesocalc.Injector(needles=5)
    )
    ax2 = p.plot()
    assert "shots" in ax2.get_title()
    r = mesocalc.plan(
        technique="retrograde", zone="face", area=FACE, pattern="fan", volume_per_point="0.3 mL"
    )
    assert "threads" in r.plot().get_title()


def test_a_plan_without_a_shape_has_nothing_to_draw() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    with pytest.raises(mesocalc.InvalidValueError) as info:
        p.plot()
    assert info.value.parameter == "area"
