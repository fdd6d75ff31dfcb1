"""The command line: ``mesocalc plan``, ``session``, ``screen``, ``spec``, ``zones``...

Errors a clinician can fix (a bad unit, a depth beyond the zone's limit) are
printed as one line on stderr with exit status 2, never as a traceback; they name
the flag the user typed (``--needle-length``), and a refusal an override passes
says how to give one. Under ``--json`` they are a JSON object on stderr instead.
``mesocalc screen`` exits 0 when the patient's screening is clear, 1 when it is not
(findings, questions not asked, names not screened) and 2 on bad input.
:func:`console` is the ``mesocalc`` command and ``python -m mesocalc``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from mesocalc._catalog.catalog import Catalog, default_catalog
from mesocalc._exchange import cli_catalog as _cli_catalog
from mesocalc._exchange.cli_files import _for_session, _screening, _session
from mesocalc._planning.equipment import Needle, Syringe
from mesocalc._planning.guardrails import UNPUBLISHED_NEEDS
from mesocalc._planning.overrides import Override
from mesocalc._planning.planner import plan
from mesocalc._quantities.parameters import PLANNED
from mesocalc._quantities.validators import visible
from mesocalc.exceptions import (
    CatalogError,
    DomainError,
    HardLimitError,
    InvalidValueError,
    LimitError,
    MesocalcError,
    MesocalcErrorGroup,
    ParseError,
    SoftLimitError,
    UnitError,
    UnknownNameError,
)

__all__ = ["console", "main"]

_OVERRIDE = "--override REASON (and --by NAME)"


# argparse's refusal of a command: "invalid choice: 'plna' (choose from 'plan', ...)".
_CHOICE = re.compile(r"invalid choice: '(.*)' \(choose from (.*)\)$", re.S)


class _UsageError(Exception):
    """A command line argparse cannot read; :func:`main` reports it as text or JSON."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser
        self.message = message


class _Parser(argparse.ArgumentParser):
    """argparse, raising its errors so that ``--json`` can report them as JSON."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing and exiting."""
        raise _UsageError(self, message)


class _Version(argparse.Action):
    """``--version``, read only when asked: importlib.metadata costs start-up time."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        print(f"mesocalc {_version()}")
        parser.exit()


def _version() -> str:
    """The installed distribution's version, or the package's own when it is not installed."""
    from importlib import metadata  # noqa: PLC0415 - only --version needs it

    try:
        return metadata.version("mesocalc")
    except metadata.PackageNotFoundError:
        from mesocalc import __version__  # noqa: PLC0415

        return __version__


def _parser() -> _Parser:
    parser = _Parser(
        prog="mesocalc", description="Plan mesotherapy injections within published limits."
    )
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    parser.add_argument(
        "--catalog",
        metavar="FILE",
        help="a clinic's protocol (TOML) laid over the shipped catalog; plans record its name",
    )
    parser.add_argument(
        "--json",
        dest="json_before",
        action="store_true",
        help="print JSON instead of text (before the command or after it)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
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
    p.add_argument("--loss-fraction", help='a fraction or a percentage, e.g. 0.5 or "50 %%"')
    p.add_argument("--lattice", default="square", help="square (default) or hex")
    p.add_argument("--needle-gauge", help="needle gauge, e.g. 30 or 30G (with --needle-length)")
    p.add_argument("--needle-length", help='needle length, e.g. "4 mm" (with --needle-gauge)')
    p.add_argument(
        "--syringe", help='a conventional syringe of this capacity, e.g. "1 mL" (1, 5 or 10 mL)'
    )
    p.add_argument(
        "--low-dead-space", action="store_true", help="with --syringe: a low-dead-space syringe"
    )
    p.add_argument("--override", metavar="REASON", help="reason for departing from a range")
    p.add_argument("--by", metavar="NAME", help="with --override: who departs from the range")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    n = commands.add_parser("session", help="plan a session of several areas from a TOML file")
    n.add_argument(
        "file",
        help="[[areas]], and optionally date, product (a name or a table), lot, expires, "
        "concentration, label, syringe, needle, override, [patient]",
    )
    n.add_argument("--json", action="store_true", help="print JSON instead of a table")
    r = commands.add_parser(
        "screen",
        help="screen a patient from a TOML file; exit 0 clear, 1 not clear, 2 bad input",
        description="Screen a patient. The file holds a [patient] table of Patient's fields "
        "by name (a field left out was not asked) and, optionally, a top-level product list "
        "of component names. Exit status: 0 clear, 1 findings or anything not screened or "
        "not asked, 2 bad input.",
    )
    r.add_argument("file", help="a TOML file: [patient] fields, and optionally product = [...]")
    r.add_argument(
        "--product",
        action="append",
        metavar="NAME",
        help="a component of the product (repeat for each); replaces the file's product list",
    )
    r.add_argument("--json", action="store_true", help="print JSON instead of text")
    s = commands.add_parser("spec", help="show the catalog entry for a technique in a zone")
    s.add_argument("--technique", required=True)
    s.add_argument("--zone", required=True)
    s.add_argument("--json", action="store_true", help="print JSON instead of text")
    z = commands.add_parser("zones", help="list the zones, their codes and skin thickness")
    z.add_argument("--json", action="store_true", help="print JSON instead of text")
    t = commands.add_parser("techniques", help="list the techniques and where each is published")
    t.add_argument("--json", action="store_true", help="print JSON instead of text")
    c = commands.add_parser("sources", help="list the source keys and their citations")
    c.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


# The flags of plan()'s parameters, best first: a derived value (a spacing from --points)
# is named by the flag the user typed, else by its own.
_FLAGS: dict[str, tuple[str, ...]] = {
    "technique": ("--technique",),
    "zone": ("--zone",),
    "area": ("--area",),
    "spacing": ("--spacing", "--points"),
    "volume_per_point": ("--volume-per-point", "--total-volume", "--dose-per-area"),
    "points": ("--points",),
    "total_volume": ("--total-volume",),
    "dose_per_area": ("--dose-per-area",),
    "depth": ("--depth",),
    "angle": ("--angle",),
    "loss_fraction": ("--loss-fraction",),
    "lattice": ("--lattice",),
    "gauge": ("--needle-gauge",),
    "length": ("--needle-length",),
    "needle.length": ("--needle-length",),
    "needle.gauge": ("--needle-gauge",),
    "needle": ("--needle-length",),
    "capacity": ("--syringe",),
    "reason": ("--override",),
    "override": ("--override",),
    "by": ("--by",),
}
# Whole-plan totals (a session cap on points or volume): named by their flag only when typed,
# since otherwise the area and spacing made them.
_TOTALS = frozenset({"points", "total_volume"})


def _flag(parameter: str, typed: set[str]) -> str:
    """The flag the user typed for ``parameter`` (or would type to give it)."""
    flags = _FLAGS.get(parameter)
    if flags is None:
        return parameter
    for flag in flags:
        if flag in typed:
            return flag
    return parameter if parameter in _TOTALS else flags[0]


def _typed(args: argparse.Namespace) -> set[str]:
    """The flags given a value on the command line."""
    return {
        "--" + dest.replace("_", "-")
        for dest, value in vars(args).items()
        if value is not None and value is not False
    }


def _override_hint(detail: str, name: Callable[[str], str]) -> str:
    """A soft refusal's detail, saying how the command line overrides it."""
    if "override=Override(reason=...)" in detail:
        return detail.replace("override=Override(reason=...)", _OVERRIDE).replace(
            ", ".join(UNPUBLISHED_NEEDS), ", ".join(name(n) for n in UNPUBLISHED_NEEDS)
        )
    return f"{detail}; to depart from it, pass {_OVERRIDE}" if detail else f"pass {_OVERRIDE}"


def _for_flags(error: MesocalcError, args: argparse.Namespace) -> MesocalcError:
    """The error as the command line says it: its flag, and how to override a soft limit."""
    typed = _typed(args)
    fields = error._fields()
    fields["parameter"] = _flag(error.parameter, typed)
    typed_loss = getattr(args, "loss_fraction", None)
    if error.parameter == "loss_fraction" and error.value == _number_or_text(typed_loss):
        fields["value"] = typed_loss  # as typed: "50", not the 50.0 read from it
    if isinstance(error, SoftLimitError):
        fields["detail"] = _override_hint(error.detail, lambda n: _flag(n, typed))
    return type(error)(**fields)


def _number_or_text(text: str | None) -> Any:
    """A bare number as a float (0.5), anything else ("50 %") as the text plan() reads."""
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _equipment(args: argparse.Namespace) -> dict[str, Any]:
    """The override, needle and syringe the flags describe, for plan()."""
    out: dict[str, Any] = {}
    if args.by is not None and args.override is None:
        raise InvalidValueError(
            "--by", args.by, "--override REASON with it: who departs from a range, and why"
        )
    if args.override is not None:
        if not visible(args.override):
            raise InvalidValueError(
                "--override", args.override, "the reason for departing from the range, in words"
            )
        out["override"] = Override(reason=args.override, by=args.by)
    if (args.needle_gauge is None) is not (args.needle_length is None):
        given, missing = (
            ("--needle-gauge", "--needle-length")
            if args.needle_length is None
            else ("--needle-length", "--needle-gauge")
        )
        raise InvalidValueError(missing, None, f"{missing} with {given}: a needle needs both")
    if args.needle_gauge is not None:
        out["needle"] = Needle(gauge=args.needle_gauge, length=args.needle_length)
    if args.syringe is not None:
        kind = Syringe.low_dead_space if args.low_dead_space else Syringe.conventional
        out["syringe"] = kind(args.syringe)
    elif args.low_dead_space:
        out["syringe"] = Syringe.low_dead_space()
    return out


def _book(args: argparse.Namespace) -> Catalog:
    """The shipped catalog, or it with the clinic's protocol of ``--catalog`` laid over it."""
    if args.catalog is None:
        return default_catalog()
    from mesocalc._catalog.protocol import load_protocol  # noqa: PLC0415 - loaded on first use

    try:
        return load_protocol(args.catalog)
    except MesocalcError as exc:  # the file itself: named by the flag that gave it
        if exc.parameter != "path":
            raise
        raise type(exc)(**{**exc._fields(), "parameter": "--catalog"}) from None


def _plan(args: argparse.Namespace) -> Any:
    ranged = {name: getattr(args, name) for name in PLANNED}  # flags named as the table's
    ranged["loss_fraction"] = _number_or_text(args.loss_fraction)
    return plan(
        catalog=_book(args),
        technique=args.technique,
        zone=args.zone,
        area=args.area,
        **ranged,
        lattice=args.lattice,
        points=args.points,
        total_volume=args.total_volume,
        dose_per_area=args.dose_per_area,
        **_equipment(args),
    )


def _show(args: argparse.Namespace) -> None:
    """Print what ``spec``, ``zones``, ``techniques`` or ``sources`` asks of the catalog."""
    book = _book(args)
    needs = ", ".join(_flag(n, set()) for n in UNPUBLISHED_NEEDS)
    _cli_catalog.show(args, book, f"{_OVERRIDE} and every one of {needs}")


def _json_value(value: Any) -> Any:
    """``value`` as JSON: numbers, text, lists and null as they are, anything else as text."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return str(value)


def _error_kind(error: MesocalcError) -> str:
    kinds: tuple[tuple[type[MesocalcError], str], ...] = (
        (DomainError, "domain"),
        (HardLimitError, "hard limit"),
        (SoftLimitError, "soft limit"),
        (UnitError, "unit"),
        (ParseError, "parse"),
        (UnknownNameError, "unknown name"),
        (CatalogError, "catalog"),
    )
    return next((name for cls, name in kinds if isinstance(error, cls)), "input")


def _error_json(error: MesocalcError) -> dict[str, Any]:
    """One error's parts, for software reading ``--json``'s stderr."""
    out: dict[str, Any] = {
        "kind": _error_kind(error),
        "limit": None,
        "parameter": error.parameter,
        "value": _json_value(error.value),
        "expected": error.expected,
        "detail": error.detail,
        "message": str(error),
    }
    if isinstance(error, LimitError):
        out["limit"] = "hard" if isinstance(error, HardLimitError) else "soft"
        out.update(allowed=error.allowed, source=error.source)
    if isinstance(error, UnknownNameError):
        out["suggestions"] = list(error.suggestions)
    return out


def _report(errors: list[MesocalcError], as_json: bool) -> int:
    """Print ``errors`` on stderr, one line each (or one JSON object); the exit status."""
    if as_json:
        body: dict[str, Any] = (
            {"error": _error_json(errors[0])}
            if len(errors) == 1
            else {"errors": [_error_json(e) for e in errors]}
        )
        print(json.dumps(body, ensure_ascii=True), file=sys.stderr)
    else:
        for error in errors:
            print(f"mesocalc: error: {error}", file=sys.stderr)
    return 2


def _usage(error: _UsageError, as_json: bool) -> int:
    """The complaint of argparse, as argparse prints it or as JSON; the exit status."""
    message = error.message
    if message.startswith("unrecognized arguments: "):
        message += _near_flags(error.parser, message.removeprefix("unrecognized arguments: "))
    found = _CHOICE.search(message)
    if found is not None:
        choices = [c.strip().strip("'") for c in found.group(2).split(", ")]
        near = difflib.get_close_matches(found.group(1), choices, n=1)
        message += f"; did you mean {near[0]!r}?" if near else ""
    if not as_json:
        error.parser.print_usage(sys.stderr)
        print(f"{error.parser.prog}: error: {message}", file=sys.stderr)
        return 2
    parameter = None
    if message.startswith("argument "):
        parameter = message.removeprefix("argument ").partition(":")[0]
    elif message.startswith("unrecognized arguments: "):
        parameter = message.removeprefix("unrecognized arguments: ").split(" ", 1)[0]
    body = {
        "kind": "usage",
        "limit": None,
        "parameter": parameter,
        "value": None,
        "expected": None,
        "detail": "",
        "message": message,
    }
    print(json.dumps({"error": body}, ensure_ascii=True), file=sys.stderr)
    return 2


def _near_flags(parser: argparse.ArgumentParser, words: str) -> str:
    """A "did you mean" for misspelt flags, from every command's flags."""
    known = sorted(
        {
            flag
            for sub in _commands(parser)
            for action in sub._actions  # argparse lists a parser's flags only here
            for flag in action.option_strings
            if flag.startswith("--")
        }
    )
    near = [
        close[0]
        for word in words.split()
        if word.startswith("--")
        for close in [difflib.get_close_matches(word.partition("=")[0], known, n=1)]
        if close
    ]
    return f"; did you mean {' or '.join(repr(f) for f in near)}?" if near else ""


def _commands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """``parser`` and its commands' parsers."""
    out = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            out.extend(action.choices.values())
    return out


def _run(args: argparse.Namespace) -> int:
    """Run the command; its exit status (``screen``: 1 when the screening is not clear)."""
    if args.command == "screen":
        result = _screening(args.file, args.product)
        if args.json:
            data = {"clear": result.clear, "status": result.status, **result.to_dict()}
            print(json.dumps(data, indent=2))
        else:
            print("\n".join(result.lines()))
        return 0 if result.clear else 1
    if args.command == "plan":
        result = _plan(args)
        print(json.dumps(result.to_dict(), indent=2) if args.json else result.table())
    elif args.command == "session":
        session = _session(args.file, _book(args))
        print(json.dumps(session.to_dict(), indent=2) if args.json else session.table())
    else:
        _show(args)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (``--help`` and ``--version`` exit 0)."""
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(words)
    except _UsageError as error:
        return _usage(error, "--json" in words)
    args.json = args.json or args.json_before  # `mesocalc --json zones` as `zones --json`
    try:
        status = _run(args)
    except MesocalcErrorGroup as group:  # several areas of a session, each named
        errors = [_for_session(e) for e in group.exceptions if isinstance(e, MesocalcError)]
        return _report(errors, args.json)
    except MesocalcError as exc:
        said = exc if args.command == "screen" else None
        said = said or (_for_session(exc) if args.command == "session" else _for_flags(exc, args))
        return _report([said], args.json)
    return status


def console() -> NoReturn:
    """The ``mesocalc`` command and ``python -m mesocalc``: :func:`main`, then exit.

    A reader that goes away early (``mesocalc techniques | head -1``) is not an error:
    the Python docs' "Note on SIGPIPE" points stdout at devnull, so that the flush at
    exit cannot fail again, and the exit status is 0.
    """
    try:
        try:
            status: int | str | None = main()
        except SystemExit as stop:  # --help and --version, printed to a reader that may go
            status = stop.code
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = 0
    sys.exit(status)
