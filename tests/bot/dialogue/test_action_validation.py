"""The action server's answers are checked as Rasa checks them, with a validator built once."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.dialogue.action_validation import validate_action_result
from bot.dialogue.current_turn_rule_policy import CurrentTurnRulePolicy

ANSWERS = [
    {"events": [{"event": "slot", "name": "language", "value": "en"}],
     "responses": [{"response": "utter_greet"}]},
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "no such event"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
    [],
]


@pytest.mark.parametrize("answer", ANSWERS)
def test_the_same_answers_pass_and_fail_as_with_rasas_check(answer) -> None:
    schema = RemoteAction.action_response_format_spec()
    try:
        validate(answer, schema)
        rasa_error = None
    except ValidationError as error:
        rasa_error = error.message
    if rasa_error is None:
        assert validate_action_result(None, answer) is True
    else:
        with pytest.raises(ValidationError) as raised:
            validate_action_result(None, answer)
        assert raised.value.message.startswith(rasa_error)
        assert "Failed to validate Action server response" in raised.value.message


def test_loading_the_dialogue_policy_installs_the_check(tmp_path, monkeypatch) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    monkeypatch.setattr(RemoteAction, "_validate_action_result", lambda self, result: True)
    CurrentTurnRulePolicy.create(
        CurrentTurnRulePolicy.get_default_config(), LocalModelStorage(tmp_path),
        Resource("policy"), ExecutionContext(GraphSchema({}), "model"),
    )
    assert RemoteAction._validate_action_result is validate_action_result
