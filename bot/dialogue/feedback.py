"""Feedback on answers: what a user may send, and how it is read back.

A client (the web chat's buttons, or a REST client) rates an answer by sending the
message::

    /feedback{"rating": "helpful", "response": "utter_faq/kurs_finden", "comment": "..."}

* `rating`: `helpful` or `not_helpful` (required);
* `response`: the name of the response rated: the `response` key of the bot message
  (optional, but without it the rating cannot be tied to a topic);
* `comment`: an optional short text (at most `MAX_COMMENT_CHARS` characters are kept
  in the report; the whole message is cut at `MAX_MESSAGE_CHARS` like any message).

Rasa's payload parser turns it into the intent `feedback` with the entities `rating`,
`response` and `comment`. The rule `feedback → utter_feedback_thanks` answers it; the
NLG (`bot.rendering.nlg`) answers `utter_feedback_invalid` instead when the payload's
JSON could not be read or the rating is unknown. The message is stored like every user
message (`bot.storage.tracker_store`): the comment is redacted
(`bot.storage.redaction`) and deleted with the conversation after `RETENTION_DAYS`.
The rules are single-turn, so feedback never changes what the next question gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional

FEEDBACK_INTENT = "feedback"
"""The intent of a feedback message."""

RATINGS = ("helpful", "not_helpful")
"""The ratings a user can give."""

RATING_ENTITY = "rating"
RESPONSE_ENTITY = "response"
COMMENT_ENTITY = "comment"

THANKS_RESPONSE = "utter_feedback_thanks"
"""The answer to a feedback message (the rule's action)."""

INVALID_RESPONSE = "utter_feedback_invalid"
"""What the NLG answers instead when the feedback payload cannot be read."""

MAX_COMMENT_CHARS = 500
"""Longest comment the report shows (characters)."""


@dataclass(frozen=True)
class Feedback:
    """One rating of an answer.

    Attributes:
        rating: `helpful` or `not_helpful`.
        response: The name of the response rated ("" when not given).
        comment: The (stored, so redacted) comment ("" when none).
    """

    rating: str
    response: str = ""
    comment: str = ""


def _entity_values(entities: Iterable[Any]) -> Dict[str, Any]:
    values: Dict[str, Any] = {}
    for entity in entities or []:
        if isinstance(entity, dict) and isinstance(entity.get("entity"), str):
            values.setdefault(entity["entity"], entity.get("value"))
    return values


def feedback_from_parse(parse_data: Optional[Dict[str, Any]]) -> Optional[Feedback]:
    """Returns the feedback of a parsed user message, or None when it is none or invalid.

    Args:
        parse_data: The message's parse data (`UserUttered.parse_data`, or the dict a
            tracker store holds), with `intent` and `entities`.
    """
    if not isinstance(parse_data, dict):
        return None
    intent = parse_data.get("intent") or {}
    if not isinstance(intent, dict) or intent.get("name") != FEEDBACK_INTENT:
        return None
    values = _entity_values(parse_data.get("entities") or [])
    rating = values.get(RATING_ENTITY)
    if rating not in RATINGS:
        return None
    response = values.get(RESPONSE_ENTITY)
    comment = values.get(COMMENT_ENTITY)
    return Feedback(
        rating=rating,
        response=response.strip() if isinstance(response, str) else "",
        comment=comment.strip()[:MAX_COMMENT_CHARS] if isinstance(comment, str) else "",
    )


def is_feedback_payload(text: Optional[str]) -> bool:
    """Whether a user text is a `/feedback` payload (rather than words)."""
    return isinstance(text, str) and text.strip().startswith(f"/{FEEDBACK_INTENT}")


def needs_invalid_answer(text: Optional[str], parse_data: Optional[Dict[str, Any]]) -> bool:
    """Whether a feedback message gets `utter_feedback_invalid` instead of the thanks.

    A `/feedback` payload whose JSON could not be read (Rasa then drops its entities)
    or whose rating is missing or unknown does; words the classifier took for
    feedback ("die Antwort war hilfreich") get the thanks.
    """
    return is_feedback_payload(text) and feedback_from_parse(parse_data) is None
