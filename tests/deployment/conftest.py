"""PostgreSQL and Redis as on the build machines (README, "Scale-out").

The PostgreSQL server and its administrator are those of the settings (`POSTGRES_HOST`,
`POSTGRES_PORT`, `POSTGRES_USER`, `POSTGRES_PASSWORD`); each test module gets a new
database, dropped afterwards.
"""

from __future__ import annotations

import socket
import uuid
from typing import Iterator

import pytest
import sqlalchemy as sa

from bot import settings
from bot.storage.retention import postgres_url


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_services() -> None:
    """Fails with a clear message when PostgreSQL or Redis is not running."""
    services = {
        "PostgreSQL": (settings.get("POSTGRES_HOST"), int(settings.get("POSTGRES_PORT"))),
        "Redis": (settings.get("REDIS_HOST"), int(settings.get("REDIS_PORT"))),
    }
    missing = [f"{name} ({host}:{port})" for name, (host, port) in services.items()
               if not reachable(host, port)]
    assert not missing, (
        f"{' and '.join(missing)} not reachable: these tests need them running "
        "(README, Scale-out; .ci/run starts them)."
    )


@pytest.fixture(scope="module")
def postgres_database() -> Iterator[str]:
    """Creates a new PostgreSQL database; yields its name and drops it after."""
    require_services()
    database = f"integrationslotse_test_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgres_url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{database}"'))
    try:
        yield database
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
