"""The public API as a client types it: checked by mypy --strict, run by pytest."""

from __future__ import annotations

import mesocalc
from mesocalc.typing import Quantity


def client_code() -> float:
    p: mesocalc.Plan = mesocalc.plan(
        technique=mesocalc.Technique.CLASSIC, zone="face", area="4 cm^2"
    )
    total: Quantity = p.total_volume
    points = int(p.points)  # an int, or an int array for a plan over arrays
    fraction = float(p.loss_fraction)
    warnings: tuple[str, ...] = p.warnings
    s: mesocalc.Spec = mesocalc.spec("nappage", mesocalc.Zone.SCALP)
    r: mesocalc.Range = s.depth
    try:
        mesocalc.plan(technique="classic", zone="eyelid", area="4 cm^2", depth="3 mm")
    except mesocalc.LimitError as exc:
        allowed: str = exc.allowed
        assert allowed
    return float(total.to("mL").magnitude) + points + fraction + len(warnings) + r.high_magnitude


def test_client_code() -> None:
    assert client_code() > 0
