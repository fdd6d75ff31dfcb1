"""The command line: ``mesocalc plan ...`` and ``mesocalc spec ...``.

Errors a clinician can fix (a bad unit, a depth beyond the zone's limit) are
printed as one line on stderr with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mesocalc._catalog import spec
from mesocalc._equipment import Needle, Syringe
from mesocalc._guardrails import Override
from mesocalc._planner import plan
from mesocalc.exceptions import InputTypeError, MesocalcError, MesocalcErrorGroup

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mesocalc", description="Plan mesotherapy injections within published limits."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("plan", help="plan injections over an area")
    p.add_argument("--technique", required=True, help="e.g. classic, nappage, retrograde")
    p.add_argument("--zone", required=True, help="e.g. face, eyelid, scalp")
    p.add_argument("--area", required=True, help='treated area, e.g. "40 cm^2"')
    p.add_argument("--spacing", help='distance between points, e.g. "7 mm"')
    p.add_argument("--volume-per-point", help='e.g. "0.02 mL"')
    p.add_argument(
        "--total-volume", help='instead of --volume-per-point: spread over the points, e.g. "2 mL"'
    )
    p.add_argument(
        "--points", type=int, help="instead of --spacing: the number of points, e.g. 200"
    )
    p.add_argument(
        "--dose-per-area",
        help='instead of --volume-per-point: product per area, e.g. "0.2 mL/cm^2"',
    )
    p.add_argument("--depth", help='e.g. "1.5 mm"')
    p.add_argument("--angle", help='e.g. "45 deg"')
    p.add_argument("--loss-fraction", type=float, help="e.g. 0.5")
    p.add_argument("--lattice", default="square", help="square (default) or hex")
    p.add_argument("--needle-gauge", type=int, help="needle gauge, e.g. 30 (with --needle-length)")
    p.add_argument("--needle-length", help='needle length, e.g. "4 mm" (with --needle-gauge)')
    p.add_argument(
        "--syringe", help='a conventional syringe of this capacity, e.g. "1 mL" (1, 5 or 10 mL)'
    )
    p.add_argument(
        "--low-dead-space", action="store_true", help="with --syringe: a low-dead-space syringe"
    )
    p.add_argument("--override", metavar="REASON", help="reason for departing from a range")
    p.add_argument("--by", help="with --override: who departs from the range")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    n = commands.add_parser("session", help="plan a session of several areas from a TOML file")
    n.add_argument("file", help="areas, and optionally date, product, lot, expires, syringe")
    n.add_argument("--json", action="store_true", help="print JSON instead of a table")
    s = commands.add_parser("spec", help="show the catalog entry for a technique in a zone")
    s.add_argument("--technique", required=True)
    s.add_argument("--zone", required=True)
    s.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _equipment(args: argparse.Namespace) -> dict[str, Any]:
    """The override, needle and syringe the flags describe, for plan()."""
    out: dict[str, Any] = {}
    if args.override is not None or args.by is not None:
        out["override"] = Override(reason=args.override or "", by=args.by)
    if args.needle_gauge is not None or args.needle_length is not None:
        out["needle"] = Needle(gauge=args.needle_gauge, length=args.needle_length)
    if args.syringe is not None:
        kind = Syringe.low_dead_space if args.low_dead_space else Syringe.conventional
        out["syringe"] = kind(args.syringe)
    elif args.low_dead_space:
        out["syringe"] = Syringe.low_dead_space()
    return out


_SESSION_KEYS = {"date", "product", "lot", "expires", "syringe", "areas"}


def _session(path: str) -> Any:
    """The session a TOML file describes (see ``python -m mesocalc session --help``)."""
    from mesocalc._products import product  # noqa: PLC0415 - loaded on first use (start-up)
    from mesocalc._session import Session  # noqa: PLC0415

    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputTypeError("file", path, "a readable TOML file", str(exc)) from None
    extra = sorted(set(doc) - _SESSION_KEYS)
    if extra:
        raise InputTypeError(
            "file", extra[0], f"one of the keys {', '.join(sorted(_SESSION_KEYS))}"
        )
    name = doc.get("product")
    chosen = None
    if name is not None:
        chosen = product(name, lot=doc.get("lot"), expires=doc.get("expires"))
    volume = doc.get("syringe")
    syringe = None if volume is None else Syringe.conventional(volume)
    areas: Any = doc.get("areas")
    return Session.from_requests(areas, date=doc.get("date"), syringe=syringe, product=chosen)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "plan":
            result = plan(
                technique=args.technique,
                zone=args.zone,
                area=args.area,
                spacing=args.spacing,
                volume_per_point=args.volume_per_point,
                depth=args.depth,
                angle=args.angle,
                loss_fraction=args.loss_fraction,
                lattice=args.lattice,
                points=args.points,
                total_volume=args.total_volume,
                dose_per_area=args.dose_per_area,
                **_equipment(args),
            )
            print(json.dumps(result.to_dict(), indent=2) if args.json else result.table())
        elif args.command == "session":
            session = _session(args.file)
            print(json.dumps(session.to_dict(), indent=2) if args.json else session.table())
        else:
            entry = spec(args.technique, args.zone)
            if args.json:
                print(json.dumps(entry.to_dict(), indent=2))
            else:
                print(f"{entry.technique.value} on the {entry.zone.value} ({entry.description})")
                for name, r in entry.ranges().items():
                    print(f"  {name:<17} {r.describe():<32} [{r.source}; {r.basis.value}]")
    except MesocalcErrorGroup as group:  # several areas of a session, each named
        for error in group.exceptions:
            print(f"mesocalc: error: {error}", file=sys.stderr)
        return 2
    except MesocalcError as exc:
        print(f"mesocalc: error: {exc}", file=sys.stderr)
        return 2
    return 0
