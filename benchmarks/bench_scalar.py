"""A plan of one area that repeats an earlier request, from strings and from Quantities.

Run: python benchmarks/bench_scalar.py [--against PATH]

Best of 15 x 2,000 calls of ``plan(technique="classic", zone="face", area=...)``, the area
"40 cm^2" or ``Quantity(40, "cm^2")``: the memo's path, which loops of thousands take.
With ``--against PATH`` (the ``src`` folder of another checkout, such as the release
before a change), the same is timed there too, in fresh interpreters, alternated six
times, and the best of each is printed beside the other: a ratio, not an absolute time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import timeit

RUNS = 6
_CALLS, _REPEATS = 2_000, 15


def best() -> dict[str, float]:
    """The best time of one plan (µs) from strings and from Quantities, in this interpreter."""
    from pint import get_application_registry  # noqa: PLC0415 - the benchmark's own import

    import mesocalc  # noqa: PLC0415 - imported from the path the caller chose

    q = get_application_registry().Quantity
    requests = {
        "strings": {"technique": "classic", "zone": "face", "area": "40 cm^2"},
        "quantities": {"technique": "classic", "zone": "face", "area": q(40, "cm^2")},
    }
    out = {}
    for name, kwargs in requests.items():
        mesocalc.plan(**kwargs)
        times = timeit.repeat(lambda k=kwargs: mesocalc.plan(**k), number=_CALLS, repeat=_REPEATS)
        out[name] = min(times) / _CALLS * 1e6
    return out


def _fresh(src: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src
    done = subprocess.run(
        [sys.executable, __file__, "--json"], env=env, capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", help="the src folder of another checkout")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:  # one fresh interpreter's figures, for --against
        print(json.dumps(best()))
        return
    if args.against is None:
        for name, us in best().items():
            print(f"{name:<11} {us:.2f} µs")
        return
    here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    found: dict[str, dict[str, float]] = {"this": {}, "other": {}}
    for _ in range(RUNS):
        for which, src in (("this", here), ("other", args.against)):
            for name, us in _fresh(src).items():
                found[which][name] = min(us, found[which].get(name, us))
    for name in found["this"]:
        this, other = found["this"][name], found["other"][name]
        print(f"{name:<11} {this:.2f} µs against {other:.2f} µs: {this / other:.2f}x")


if __name__ == "__main__":
    main()
