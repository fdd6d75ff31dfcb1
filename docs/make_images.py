"""Draw the pictures in docs/images from the examples in docs/shapes.md.

Run: python docs/make_images.py   (needs mesocalc[plot])

Only the PNGs it writes are committed; importing this file does nothing.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent / "images"


def forehead() -> object:
    """The forehead of docs/shapes.md: width 12 cm, brow line below, hairline above."""
    import mesocalc  # noqa: PLC0415 - only when drawing

    return mesocalc.Polygon(
        [
            ("-6 cm", "0.5 cm"),
            ("-3 cm", "0 cm"),
            ("3 cm", "0 cm"),
            ("6 cm", "0.5 cm"),
            ("5.5 cm", "3.5 cm"),
            ("3 cm", "5 cm"),
            ("-3 cm", "5 cm"),
            ("-5.5 cm", "3.5 cm"),
        ]
    )


def main() -> None:
    """Write docs/images/forehead.png."""
    import matplotlib as mpl  # noqa: PLC0415 - optional extra

    mpl.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    import mesocalc  # noqa: PLC0415

    shape = forehead()
    # Seed 003's midpoint spacing, and the cannula fan's 0.3 mL per thread (PROF-BODY): no
    # source gives a default volume per thread.
    points = mesocalc.plan(
        technique="classic", zone="face", area=shape, margin="5 mm", spacing="7.5 mm"
    )
    threads = mesocalc.plan(
        technique="retrograde",
        zone="face",
        area=shape,
        margin="5 mm",
        pattern="crosshatch",
        volume_per_point="0.3 mL",
    )
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.4), layout="constrained")
    points.plot(left)
    threads.plot(right)
    HERE.mkdir(exist_ok=True)
    fig.savefig(HERE / "forehead.png", dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
