"""``middleground-power GAME.json [--index NAME]... [--method exact|monte-carlo|auto]``.

Reads a game (see :meth:`middleground.analysis.power.WeightedGame.from_dict`), prints
its power indices as JSON on stdout. Numbers in the file are read as exact decimals.
Exit status 0 on success, 1 for an impossible or too large game (message on stderr),
2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal

from middleground.analysis.power import (
    DEFAULT_INDICES,
    INDICES,
    GameError,
    WeightedGame,
    power_indices,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="middleground-power",
        description="Voting power indices of a weighted (multi-criteria) game, as JSON.",
    )
    parser.add_argument("game", help="GAME.json, or - for standard input")
    parser.add_argument(
        "--index",
        action="append",
        choices=INDICES,
        metavar="NAME",
        help=f"index to compute (repeatable; default: {', '.join(DEFAULT_INDICES)}); "
        f"one of {', '.join(INDICES)}",
    )
    parser.add_argument(
        "--method",
        choices=("exact", "monte-carlo", "auto"),
        default="exact",
        help="exact (default), monte-carlo, or auto (exact when an exact engine applies)",
    )
    parser.add_argument("--samples", type=int, default=100_000, help="Monte Carlo samples")
    parser.add_argument("--seed", type=int, default=None, help="Monte Carlo seed")
    parser.add_argument("--confidence", type=float, default=0.95, help="Monte Carlo interval level")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.game == "-":
            data = json.load(sys.stdin, parse_float=Decimal)
        else:
            with open(args.game, encoding="utf-8") as handle:
                data = json.load(handle, parse_float=Decimal)
    except OSError as error:
        print(f"middleground-power: error: cannot read {args.game}: {error}", file=sys.stderr)
        return 1
    except json.JSONDecodeError as error:
        print(f"middleground-power: error: {args.game} is not JSON: {error}", file=sys.stderr)
        return 1
    try:
        game = WeightedGame.from_dict(data)
        result = power_indices(
            game,
            args.index or DEFAULT_INDICES,
            method=args.method,
            samples=args.samples,
            seed=args.seed,
            confidence=args.confidence,
        )
    except GameError as error:
        print(f"middleground-power: error: {error}", file=sys.stderr)
        return 1
    try:
        json.dump(result.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:  # the reader (e.g. `head`) stopped early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
