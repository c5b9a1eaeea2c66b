"""Scale-out for real: two Rasa servers share one conversation via PostgreSQL and Redis.

Needs PostgreSQL and Redis as configured by the settings (`POSTGRES_*`, `REDIS_*`;
by default on 127.0.0.1), as on the build machines (README, "Scale-out"); each run uses
a new database (tests/deployment/conftest.py), dropped afterwards.
"""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from bot.storage.retention import postgres_url
from tools.stack import running_stack, send, text_of


@pytest.fixture(scope="module")
def two_servers(postgres_database: str):
    env = {"DEPLOYMENT": "scale-out", "POSTGRES_DB": postgres_database,
           "REDIS_DB": "3", "LANGUAGE_PACKS_DIR": "var/no-language-packs"}
    with running_stack(rasa_port=5705, actions_port=5755, extra_env=env,
                       endpoints="endpoints.scale-out.yml") as first, \
         running_stack(rasa_port=5706, actions_port=5755, extra_env=env,
                       endpoints="endpoints.scale-out.yml", start_actions=False) as second:
        yield first["url"], second["url"], postgres_database


def user_texts(database: str, sender: str) -> list:
    engine = sa.create_engine(postgres_url(database))
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
    assert "You are welcome!" in text_of(send(second, sender, "danke"))
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
