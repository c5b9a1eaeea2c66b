"""Scale-out for real: two Rasa servers share one conversation via PostgreSQL and Redis.

Needs PostgreSQL on 127.0.0.1:5432 (user `postgres`, trust auth) and Redis on
127.0.0.1:6379, as on the build machines (README, "Scale-out"). Each run uses a new
database and a new Redis key prefix, and drops the database afterwards.
"""

from __future__ import annotations

import json
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from tools.stack import running_stack, send, text_of

POSTGRES = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)


def reachable(address) -> bool:
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def two_servers():
    missing = [name for name, address in (("PostgreSQL", POSTGRES), ("Redis", REDIS))
               if not reachable(address)]
    assert not missing, (
        f"{' and '.join(missing)} not reachable on 127.0.0.1: the scale-out test needs "
        "them running (see README, Scale-out)."
    )
    database = f"integrationslotse_test_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine("postgresql://postgres@127.0.0.1:5432/postgres",
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{database}"'))
    env = {"DEPLOYMENT": "scale-out", "POSTGRES_DB": database, "POSTGRES_USER": "postgres",
           "REDIS_DB": "3", "LANGUAGE_PACKS_DIR": "var/no-language-packs"}
    try:
        with running_stack(rasa_port=5705, actions_port=5755, extra_env=env,
                           endpoints="endpoints.scale-out.yml") as first, \
             running_stack(rasa_port=5706, actions_port=5755, extra_env=env,
                           endpoints="endpoints.scale-out.yml", start_actions=False) as second:
            yield first["url"], second["url"], database
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def user_texts(database: str, sender: str) -> list:
    engine = sa.create_engine(f"postgresql://postgres@127.0.0.1:5432/{database}")
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' "
                        "ORDER BY id"), {"s": sender}).scalars().all()
    finally:
        engine.dispose()
    return [json.loads(row)["text"] for row in rows]


def test_two_servers_share_a_conversation_turn_by_turn(two_servers) -> None:
    first, second, database = two_servers
    sender = f"shared-{uuid.uuid4().hex[:6]}"
    assert "Hallo!" in text_of(send(first, sender, "Hallo"))
    assert "Migrationsberatung" in text_of(send(second, sender, "Was ist die MBE?"))
    # The language slot set through the first server is seen by the second one.
    send(first, sender, "bitte auf englisch")
    assert "I cannot translate into your language here" in text_of(send(second, sender, "danke"))
    assert user_texts(database, sender) == [
        "Hallo", "Was ist die MBE?", "bitte auf englisch", "danke"
    ]


def test_simultaneous_messages_to_both_servers_lose_nothing(two_servers) -> None:
    first, second, database = two_servers
    sender = f"busy-{uuid.uuid4().hex[:6]}"
    messages = [(first if i % 2 else second, f"Wo finde ich einen Sprachkurs {i}?")
                for i in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda m: send(m[0], sender, m[1]), messages))
    assert all("WebGis" in text_of(r) for r in replies)
    assert sorted(user_texts(database, sender)) == sorted(text for _, text in messages)
