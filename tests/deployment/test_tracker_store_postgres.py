"""The incremental tracker store on PostgreSQL: no personal data stored, delete."""

from __future__ import annotations

from typing import List

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain

from bot import settings
from bot.paths import PROJECT_ROOT
from bot.storage.retention import postgres_url
from bot.storage.tracker_store import IncrementalSQLTrackerStore
from tests.bot.storage.test_tracker_store import check_delete, check_personal_data_is_not_stored


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain"))


@pytest.fixture
def store(postgres_database: str, domain: Domain):
    store = IncrementalSQLTrackerStore(
        domain, dialect="postgresql", url=settings.get("POSTGRES_HOST"),
        port=int(settings.get("POSTGRES_PORT")), db=postgres_database,
        username=settings.get("POSTGRES_USER"),
        password=settings.get("POSTGRES_PASSWORD") or None,
    )
    with store.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM events"))
    yield store
    store.engine.dispose()


@pytest.fixture
def stored_rows(postgres_database: str):
    engine = sa.create_engine(postgres_url(postgres_database))

    def rows(sender: str) -> List[str]:
        with engine.connect() as connection:
            return list(connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"),
                {"s": sender}).scalars())

    yield rows
    engine.dispose()


def test_personal_data_is_not_stored_in_postgresql(store, stored_rows, domain) -> None:
    check_personal_data_is_not_stored(store, stored_rows, domain)


def test_delete_removes_a_conversation_from_postgresql(store, stored_rows, domain) -> None:
    check_delete(store, stored_rows, domain)
