"""Deletes conversations that have been idle longer than RETENTION_DAYS.

Works on Rasa's SQL tracker store (table `events`), SQLite or PostgreSQL, as configured
by DEPLOYMENT. `tools/serve.sh` runs it when the assistant starts; run it daily from
cron on a long-running server:

    python -m bot.storage.retention            # uses the settings
    python -m bot.storage.retention --days 7
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import List, Optional

import sqlalchemy as sa

from bot import settings
from bot.paths import PROJECT_ROOT

SECONDS_PER_DAY = 86400


def postgres_url(database: Optional[str] = None) -> str:
    """Returns the SQLAlchemy URL of a database on the configured PostgreSQL server.

    Args:
        database: The database; `POSTGRES_DB` when not given.
    """
    return str(
        sa.engine.url.URL.create(
            "postgresql",
            username=settings.get("POSTGRES_USER"),
            password=settings.get("POSTGRES_PASSWORD") or None,
            host=settings.get("POSTGRES_HOST"),
            port=int(settings.get("POSTGRES_PORT")),
            database=database or settings.get("POSTGRES_DB"),
        )
    )


def database_url() -> str:
    """Returns the SQLAlchemy URL of the configured tracker store."""
    if settings.get("DEPLOYMENT") == "scale-out":
        return postgres_url()
    path = settings.get("TRACKER_DB")
    if not path.startswith("/"):
        path = str(PROJECT_ROOT / path)
    return f"sqlite:///{path}"


def delete_conversations(connection: sa.engine.Connection, sender_ids: List[str]) -> int:
    """Deletes every event of the given conversations (all sessions).

    Args:
        connection: A connection to the tracker store's database, in a transaction.
        sender_ids: The conversations' ids.

    Returns:
        The number of events deleted.
    """
    deleted = 0
    for start in range(0, len(sender_ids), 500):
        result = connection.execute(
            sa.text("DELETE FROM events WHERE sender_id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": sender_ids[start : start + 500]},
        )
        deleted += result.rowcount
    return deleted


def delete_idle_conversations(url: str, days: float, now: Optional[float] = None) -> int:
    """Deletes every conversation whose newest event is older than `days`.

    Args:
        url: SQLAlchemy URL of the tracker store.
        days: The retention period; 0 or less deletes nothing.
        now: The current time (seconds since the epoch); for tests.

    Returns:
        The number of conversations deleted.
    """
    if days <= 0:
        return 0
    cutoff = (now or time.time()) - days * SECONDS_PER_DAY
    engine = sa.create_engine(url)
    try:
        if not sa.inspect(engine).has_table("events"):
            return 0
        with engine.begin() as connection:
            idle = connection.execute(
                sa.text(
                    "SELECT sender_id FROM events GROUP BY sender_id "
                    "HAVING MAX(timestamp) < :cutoff"
                ),
                {"cutoff": cutoff},
            ).scalars().all()
            delete_conversations(connection, list(idle))
        return len(idle)
    finally:
        engine.dispose()


def main(argv: Optional[list] = None) -> int:
    """Runs the deletion with the configured (or given) retention period."""
    parser = argparse.ArgumentParser(prog="python -m bot.storage.retention", description=__doc__)
    parser.add_argument("--days", type=float, default=float(settings.get("RETENTION_DAYS")))
    args = parser.parse_args(argv)
    deleted = delete_idle_conversations(database_url(), args.days)
    print(f"Deleted {deleted} conversation(s) idle for more than {args.days:g} days.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
