"""Stored plans of earlier schema versions, read into today's form before they are checked.

A plan's JSON names its schema and version (ADR 0007); each older form is rewritten here,
once, so that the plan's reader knows only today's.
"""

from __future__ import annotations

from typing import Any, Final

from mesocalc._catalog.warnings import texts_to_records
from mesocalc._records import codec as _codec

__all__ = ["SCHEMA", "from_v0", "upgraded"]

SCHEMA: Final = "mesocalc.plan"


def upgraded(data: Any) -> Any:
    """A stored plan (or plans over arrays) of any schema version, in today's form."""
    version = _codec.version_of(data, SCHEMA)
    data = from_v0(data) if version == 0 else _codec.old_units(data, version)
    if version < 2 and "warnings" in data:  # text until version 2
        data = {**data, "warnings": texts_to_records(data["warnings"])}
    return data


_V0_DERIVED: Final = ("volume_per_cm", "syringes", "draw_up_volume")


def from_v0(data: dict[str, Any]) -> dict[str, Any]:
    """Read a plan as mesocalc 0.1.0 wrote it (no schema key) into today's form."""
    out = {k: v for k, v in _codec.old_units(data, 0).items() if k not in _V0_DERIVED}
    placement: dict[str, Any] = {
        k: out.pop(k) for k in ("margin", "total_thread_length", "pattern", "shots") if k in out
    }
    if "needles" in out:
        placement["injector"] = {"needles": out.pop("needles")}
    if placement:
        out["placement"] = placement
    if "syringe" in out:
        out["supply"] = {
            "syringe": out.pop("syringe"),
            "syringes": data.get("syringes"),
            "draw_up_volume": data.get("draw_up_volume"),
        }
    if out.get("overrides") == []:
        del out["overrides"]  # 0.1.0 wrote an empty list for plans over arrays too
    return out
