"""``middleground-analyze``: run the consensus engine on a Polis export directory.

    middleground-analyze EXPORT_DIR --json OUT.json [--report OUT.html]
                         [--groups FILE] [--declared FILE] [--seed N]
                         [--k-rule {polis,best-silhouette}] [--k-margin M]

No database and no Django: read the export, call
:func:`middleground.analysis.opinion.analyze`, write JSON (and an HTML report).
Bad input exits with status 2 and ``FILE:ROW: message`` on stderr, writing nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence

# The dense linear algebra here is on thin blocks (n x 6); BLAS threads only add
# start-up and contention costs, so one thread unless the user says otherwise.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from middleground.analysis._group_choice import K_MARGIN, K_RULES  # noqa: E402
from middleground.analysis.polis_io import (  # noqa: E402
    PolisFormatError,
    read_declared_groups,
    read_export,
    read_group_assignment,
)

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="middleground-analyze",
        description="Opinion groups, consensus and bridging scores from a Polis export.",
    )
    parser.add_argument(
        "export_dir", metavar="EXPORT_DIR", help="folder with comments.csv, votes.csv"
    )
    parser.add_argument("--json", required=True, metavar="OUT.json", help="where to write results")
    parser.add_argument("--report", metavar="OUT.html", help="also write an HTML report")
    parser.add_argument(
        "--groups",
        metavar="FILE",
        help="use the group-id column of this participants-votes.csv instead of computing groups",
    )
    parser.add_argument(
        "--declared", metavar="FILE", help="CSV participant,group of declared groups"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the PCA and bridging starts")
    parser.add_argument(
        "--no-bridging", action="store_true", help="skip the bridging (matrix factorisation) fit"
    )
    parser.add_argument(
        "--k-rule",
        choices=K_RULES,
        default="polis",
        help="how many groups: as Polis chooses (default) or the best silhouette of this map",
    )
    parser.add_argument(
        "--k-margin",
        type=_margin,
        default=K_MARGIN,
        metavar="M",
        help=f"silhouette margin a larger k needs to replace a smaller one (default {K_MARGIN})",
    )
    return parser


def _margin(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 2:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2: {text!r}")
    return value


def _write_atomically(path: str, text: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = _parser().parse_args(argv)
    try:
        export = read_export(args.export_dir)
        participants = export.votes.participant
        groups = read_group_assignment(args.groups, participants) if args.groups else None
        declared = read_declared_groups(args.declared, participants) if args.declared else None
    except PolisFormatError as error:
        print(str(error), file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{error.filename}:0: {error.strerror}", file=sys.stderr)
        return 2

    from middleground.analysis.opinion import analyze

    result = analyze(
        (export.votes.participant, export.votes.statement, export.votes.vote, export.votes.time),
        statements=export.statement_ids,
        moderated_out=export.moderated_out,
        meta=export.meta,
        seed=args.seed,
        groups=groups,
        declared=declared,
        bridging=not args.no_bridging,
        k_rule=args.k_rule,
        k_margin=args.k_margin,
    )
    document = result.to_dict()
    text = json.dumps(document, allow_nan=False, separators=(",", ":"))
    report = None
    if args.report:
        from middleground.analysis._report import render_report

        report = render_report(document, export.statement_text, title=args.export_dir)
    try:
        _write_atomically(args.json, text)
        if report is not None:
            _write_atomically(args.report, report)
    except OSError as error:
        print(f"{error.filename or args.json}:0: {error.strerror}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
