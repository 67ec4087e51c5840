"""``python -m walktool.sample OUT_DIR [--seed N] [--scale X]``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from walktool.sample.generate import generate_sample_campaign
from walktool.sample.plan import DEFAULT_SEED


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m walktool.sample OUT_DIR [--seed N] [--scale X]``: write the sample campaigns."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m walktool.sample",
        description="Write walktool's SYNTHETIC sample campaigns (2023 pilot, 2024 follow-up) into a walks folder.",
    )
    parser.add_argument("out_dir", type=Path, help="walks folder to fill (e.g. walks/)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of walks (default 1.0)")
    args = parser.parse_args(argv)
    manifest = generate_sample_campaign(args.out_dir, seed=args.seed, scale=args.scale)
    for campaign, e in manifest.expected().items():
        print(f"{campaign}: {e['files']} files, {e['rows']} rows, {e['rejected']} deliberately rejected, {e['observations']} observations")
    print(f"written to {args.out_dir} (SYNTHETIC data; see {Path(args.out_dir) / 'README.md'})")
    return 0
