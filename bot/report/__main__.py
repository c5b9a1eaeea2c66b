"""`python -m bot.report`: writes the content-gap report (see `bot.report`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from bot import settings
from bot.paths import PROJECT_ROOT
from bot.report.figures import compute
from bot.report.page import write
from bot.report.turns import read_turns
from bot.storage.retention import database_url


def main(argv: Optional[List[str]] = None) -> int:
    """Reads the tracker store and writes the report; prints where it is."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.report", description="Writes the content-gap report (HTML)."
    )
    parser.add_argument("--db", default=None,
                        help="SQLAlchemy URL of the tracker store (default: the configured one)")
    parser.add_argument("--out", default=str(PROJECT_ROOT / "results" / "report"),
                        help="folder for index.html (default: results/report)")
    parser.add_argument("--days", type=float, default=float(settings.get("RETENTION_DAYS")),
                        help="only events of the last DAYS days (default: RETENTION_DAYS)")
    args = parser.parse_args(argv)
    turns = read_turns(args.db or database_url(), args.days)
    figures = compute(turns)
    path = write(figures, Path(args.out), args.days)
    print(f"Report of {figures.conversations} conversation(s), {figures.questions} "
          f"question(s): {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
