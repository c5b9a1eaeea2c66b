"""Rasa is pinned to 3.6.21: the parts of Rasa that are not its public API, in one place.

Our overrides (bot/storage, bot/channels/webchat.py) and the dialogue test harness
(tests/bot/dialogue/processor.py) rely on private methods and attributes of Rasa. They
are listed here with the parameters we call them with. Before upgrading Rasa, read each
one's new source; this test fails on any other version so that nobody upgrades by
accident.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.lock_store import RedisLockStore
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.paths import PROJECT_ROOT

RASA_VERSION = "3.6.21"

PRIVATE_METHODS: Dict[str, Tuple[type, List[str]]] = {
    # name: (owner, the parameters we pass, after self)
    # bot/storage/tracker_store.py
    "_additional_events": (SQLTrackerStore, ["session", "tracker"]),
    "_event_query": (SQLTrackerStore, ["session", "sender_id", "fetch_events_from_all_sessions"]),
    "session_scope": (SQLTrackerStore, []),
    "_from_parameters": (Event, ["parameters"]),
    "resolve_by_type": (Event, ["type_name", "default"]),
    # bot/storage/incremental_tracker.py
    "_undo_till_previous": (DialogueStateTracker, ["event_type", "done_events"]),
    "_undo_till_previous_loop_execution": (
        DialogueStateTracker, ["loop_action_name", "done_events"]),
    "_first_loop_execution_or_unhappy_path": (
        DialogueStateTracker, ["loop_action_name", "applied_events"]),
    "_create_events": (DialogueStateTracker, ["evts"]),
    # bot/storage/lock_store.py
    "create_lock": (RedisLockStore, ["conversation_id"]),
    # bot/dialogue/action_validation.py (replaced by ours, same parameters)
    "_validate_action_result": (RemoteAction, ["result"]),
    # tests/bot/dialogue/processor.py
    "_load_model": (MessageProcessor, ["model_path"]),
    "_run_action": (MessageProcessor, ["action", "tracker", "output_channel", "nlg",
                                       "prediction"]),
}

PRIVATE_ATTRIBUTES = {
    # bot/storage/tracker_store.py: the SQL model, engine and sessions of the store,
    # and the attribute behind TrackerStore.domain (our setter writes it)
    SQLTrackerStore: ["SQLEvent", "engine", "sessionmaker", "_domain"],
    # bot/storage/tracker_store.py, conversation_store: the store inside Rasa's wrappers
    FailSafeTrackerStore: ["_tracker_store"],
    AwaitableTrackerStore: ["_tracker_store"],
    # bot/storage/incremental_tracker.py
    DialogueStateTracker: ["_max_event_history"],
    # bot/storage/lock_store.py: the Redis client and the key prefix
    RedisLockStore: ["red", "key_prefix"],
}


def test_rasa_is_the_version_these_overrides_were_written_for() -> None:
    assert rasa.__version__ == RASA_VERSION
    requirements = (PROJECT_ROOT / "requirements.txt").read_text()
    assert f"rasa=={RASA_VERSION}" in requirements


@pytest.mark.parametrize("name", sorted(PRIVATE_METHODS))
def test_private_methods_we_call_are_there_with_our_parameters(name: str) -> None:
    owner, parameters = PRIVATE_METHODS[name]
    method = getattr(owner, name)
    names = [p for p in inspect.signature(method).parameters if p not in ("self", "cls")]
    assert names[: len(parameters)] == parameters


def test_private_attributes_we_use_are_there(tmp_path: Path) -> None:
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "c.db"))
    instances = {
        SQLTrackerStore: store,
        FailSafeTrackerStore: FailSafeTrackerStore(store),
        AwaitableTrackerStore: AwaitableTrackerStore(store),
        DialogueStateTracker: DialogueStateTracker("x", []),
        RedisLockStore: RedisLockStore(host="127.0.0.1"),  # connects only when used
    }
    for owner, attributes in PRIVATE_ATTRIBUTES.items():
        for attribute in attributes:
            assert hasattr(instances[owner], attribute), f"{owner.__name__}.{attribute}"
    assert issubclass(SQLTrackerStore, TrackerStore)


def test_the_web_chat_extends_rasas_socketio_blueprint() -> None:
    """bot/channels/webchat.py subclasses SocketBlueprint, which Rasa does not document."""
    from rasa.core.channels.socketio import SocketBlueprint

    assert list(inspect.signature(SocketBlueprint.__init__).parameters)[:3] == [
        "self", "sio", "socketio_path"]
