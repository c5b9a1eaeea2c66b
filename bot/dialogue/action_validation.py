"""Checks the action server's answers with a JSON schema validator built once.

Rasa 3.6 checks each answer of the action server (`RemoteAction._validate_action_result`)
with `jsonschema.validate(result, schema)`, which first checks the schema itself against
the JSON Schema meta-schema: about 20 ms of CPU on every turn that runs a custom
action (`action_suggest_topics` after an unsure question, `action_answer_topic` for a
topic button), twenty times the validation itself. `install()` (called when the dialogue
policy is loaded) replaces that method with one that checks the answer with a validator
built once for the same schema: the same answers pass, the same ones fail with the same
message.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def response_validator() -> Any:
    """The validator of action server answers (Rasa's schema, checked once)."""
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """Checks an action server answer like Rasa 3.6 does, without re-checking the schema.

    Raises:
        ValidationError: when the answer does not fit the schema (Rasa's message).
    """
    error = best_match(response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Makes Rasa's remote actions use `validate_action_result` (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result


__all__ = ["ValidationError", "install", "validate_action_result"]
