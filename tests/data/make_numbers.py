"""Write the golden numbers, tests/data/numbers-<catalog version>.json, by hand.

Run from the repository's root, with mesocalc installed with its test extra::

    python tests/data/make_numbers.py

The file holds a fixed list of requests (``tests/golden.py``): the default plan of every
technique on every zone the shipped catalog publishes (and the refusal of every pair it
does not), explicit plans that use each keyword of ``plan()``, the published protocols of
docs/protocols.md, sessions and courses, plans over arrays, plans against a clinic's protocol
(tests/data/clinic-protocol.toml), tables through ``plan_frame``, and plans read back from JSON
(today's, and those mesocalc 0.1.0 stored in tests/data/plans-0.1.0.json).
For each it holds every number the result reports (points, spacing, volumes, depth,
angle, loss, dose per area, insertion length, syringes, shots, layouts and threads, ...),
its warning codes in order and the parameters it overrode, or the class and parameter of
the error that refused it. ``tests/test_numbers.py`` plans each request again and compares.

The file is test data, committed; it is not built, and CI never writes it. Write it again
only for a change that moves computed numbers on purpose, and that change carries a
``numbers`` changelog fragment saying which and from what to what (CONTRIBUTING.md):
regenerate, read the diff of the file against that fragment, and commit both together.
A new catalog version gives a new file name; the file of the old version is removed, and
git keeps it. Running this with nothing changed rewrites the same file.

Importing this file does nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def dumps(value: object, indent: str = "") -> str:
    """JSON with one line per field: a list holding no objects stays on one line.

    A moved number then shows in the diff as the one field it moved in.
    """
    if isinstance(value, dict) and value:
        inner = indent + " "
        fields = [f"{inner}{json.dumps(k)}: {dumps(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(fields) + "\n" + indent + "}"
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        inner = indent + " "
        items = [inner + dumps(v, inner) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def main() -> int:
    """Write the file of the shipped catalog's version; remove any other numbers file."""
    sys.path.insert(0, str(ROOT))  # tests.golden, as pytest imports it
    from tests import golden  # noqa: PLC0415 - only when writing

    import mesocalc  # noqa: PLC0415

    version = mesocalc.Catalog.default().version
    out = {
        "about": (
            "Golden numbers: every number mesocalc reported for these requests, written by "
            "tests/data/make_numbers.py and compared by tests/test_numbers.py."
        ),
        "mesocalc": mesocalc.__version__,
        "catalog": version,
        "requests": {
            name: {"request": request, "numbers": golden.numbers(golden.build(request))}
            for name, request in golden.requests().items()
        },
    }
    path = HERE / f"numbers-{version}.json"
    path.write_text(dumps(out) + "\n", "utf-8")
    print(f"wrote {path.relative_to(ROOT)}: {len(out['requests'])} requests")
    for old in sorted(HERE.glob("numbers-*.json")):
        if old != path:
            old.unlink()
            print(f"removed {old.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
