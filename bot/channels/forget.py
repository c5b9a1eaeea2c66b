"""Deleting a conversation from the server when its user asks ("Gespräch löschen").

The storage deletes it (`bot.storage.tracker_store.delete_conversation`): after the
conversation's current turn, under its lock, so that a turn still being processed
cannot write its events back afterwards.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.storage.tracker_store import delete_conversation

logger = logging.getLogger(__name__)


async def forget_conversation(app: Any, sender_id: str) -> None:
    """Deletes every stored event of a conversation, after its current turn.

    Args:
        app: The Sanic app (its `ctx.agent` has the tracker and lock stores).
        sender_id: The conversation.

    Raises:
        RuntimeError: when no agent is loaded.
        TypeError: for a tracker store that cannot delete conversations.
    """
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    if agent is None or agent.tracker_store is None:
        raise RuntimeError("no agent is loaded; the conversation cannot be deleted")
    await delete_conversation(agent, sender_id)
    logger.debug("A web chat conversation was deleted on its user's request.")
