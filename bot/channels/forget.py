"""Deleting a conversation from the server when its user asks ("Gespräch löschen").

The deletion waits for the conversation's lock, so that a turn still being processed
finishes first and cannot write its events back afterwards. The tracker store deletes
the events: its own `delete(sender_id)` when it has one
(`bot.storage.tracker_store.IncrementalSQLTrackerStore`), otherwise the fallback here,
which knows Rasa's SQL and in-memory stores.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore

logger = logging.getLogger(__name__)


async def forget_conversation(app: Any, sender_id: str) -> None:
    """Deletes every stored event of a conversation, after its current turn.

    Args:
        app: The Sanic app (its `ctx.agent` has the tracker and lock stores).
        sender_id: The conversation.

    Raises:
        RuntimeError: when no agent is loaded.
        NotImplementedError: for a tracker store that cannot delete.
    """
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    if agent is None or agent.tracker_store is None:
        raise RuntimeError("no agent is loaded; the conversation cannot be deleted")
    async with agent.lock_store.lock(sender_id):
        await delete_events(agent.tracker_store, sender_id)
    logger.debug("A web chat conversation was deleted on its user's request.")


async def delete_events(store: TrackerStore, sender_id: str) -> None:
    """Deletes a conversation's events from a tracker store.

    Args:
        store: The agent's tracker store (Rasa wraps it in an `AwaitableTrackerStore`).
        sender_id: The conversation.
    """
    inner = getattr(store, "_tracker_store", store)
    delete = getattr(inner, "delete", None)
    if delete is not None:
        result = delete(sender_id)
        if inspect.isawaitable(result):
            await result
    elif isinstance(inner, SQLTrackerStore):
        await asyncio.get_running_loop().run_in_executor(None, _delete_rows, inner, sender_id)
        cache = getattr(inner, "cache", None)  # bot.storage.tracker_store's recent ones
        if cache is not None:
            cache.pop(sender_id)
    elif isinstance(inner, InMemoryTrackerStore):
        inner.store.pop(sender_id, None)
    else:
        raise NotImplementedError(f"{type(inner).__name__} cannot delete conversations")


def _delete_rows(store: SQLTrackerStore, sender_id: str) -> None:
    with store.session_scope() as session:
        session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender_id).delete(
            synchronize_session=False
        )
        session.commit()
