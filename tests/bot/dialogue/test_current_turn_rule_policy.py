"""CurrentTurnRulePolicy predicts what Rasa's RulePolicy predicts, from one turn."""

from __future__ import annotations

import random
from pathlib import Path
from typing import List, Tuple

import numpy as np
import pytest
from rasa.core.policies.rule_policy import InvalidRule, RulePolicy
from rasa.core.training import load_data
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from bot.dialogue.current_turn_rule_policy import (
    CurrentTurnRulePolicy,
    current_turn_events,
)
from bot.paths import PROJECT_ROOT

SEED = 20181


@pytest.fixture(scope="module")
def domain_and_rules() -> Tuple[Domain, list]:
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"), str(PROJECT_ROOT / "domain"),
        [str(PROJECT_ROOT / "data")],
    )
    domain = importer.get_domain()
    return domain, load_data(importer, domain, augmentation_factor=0)


def trained(policy_class, domain: Domain, trackers: list, tmp_path: Path, **config):
    folder = tmp_path / policy_class.__name__
    folder.mkdir(exist_ok=True)
    storage = LocalModelStorage(folder)
    config = {**policy_class.get_default_config(), **config}
    policy = policy_class.create(
        config, storage, Resource(policy_class.__name__),
        ExecutionContext(GraphSchema({}), "test"),
    )
    policy.train(trackers, domain)
    return policy


def start(domain: Domain) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "user", [ActionExecuted("action_session_start"), SessionStarted(),
                 ActionExecuted(ACTION_LISTEN_NAME)], domain.slots,
    )


def user_turn(rng: random.Random, domain: Domain) -> List:
    """A random user message: an intent of the domain, sometimes with its entity."""
    intent = rng.choice(domain.intents)
    entities, events = [], []
    if intent in ("help", "choose_language") and rng.random() < 0.5:
        entity, value = ("topic", "kurs_finden") if intent == "help" else ("language", "ar")
        entities = [{"entity": entity, "value": value, "start": 0, "end": 1}]
        events = [SlotSet(entity, value)]
    message = UserUttered("…", {"name": intent, "confidence": rng.choice([0.2, 0.9])},
                          entities)
    return [message, *events]


def test_predicts_like_rule_policy_over_a_long_conversation(domain_and_rules, tmp_path):
    domain, trackers = domain_and_rules
    settings = {"core_fallback_threshold": 0.3, "enable_fallback_prediction": True}
    full = trained(RulePolicy, domain, trackers, tmp_path, **settings)
    current = trained(CurrentTurnRulePolicy, domain, trackers, tmp_path, **settings)
    rng = random.Random(SEED)
    tracker = start(domain)
    predictions = 0
    for _ in range(60):
        for event in user_turn(rng, domain):
            tracker.update(event)
        for _ in range(5):
            expected = full.predict_action_probabilities(tracker, domain)
            got = current.predict_action_probabilities(tracker, domain)
            assert got.probabilities == expected.probabilities
            predictions += 1
            action = domain.action_names_or_texts[int(np.argmax(got.probabilities))]
            tracker.update(ActionExecuted(action))
            if action == ACTION_LISTEN_NAME:
                break
        else:  # Rasa stops predicting after a limit, and listens
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    tracker.update(UserUttered("…", {"name": "greet", "confidence": 0.9}))
    assert predictions > 120
    assert len(current_turn_events(tracker)) < 10 < len(tracker.events)


def test_current_turn_starts_at_the_listen_before_the_latest_message(domain_and_rules):
    domain, _ = domain_and_rules
    tracker = start(domain)
    for event in [UserUttered("a", {"name": "greet"}), ActionExecuted("utter_greet"),
                  ActionExecuted(ACTION_LISTEN_NAME), UserUttered("b", {"name": "help"}),
                  SlotSet("topic", "amif"), ActionExecuted("action_answer_topic")]:
        tracker.update(event)

    events = current_turn_events(tracker)

    assert [type(e).__name__ for e in events] == [
        "SlotSet", "ActionExecuted", "UserUttered", "SlotSet", "ActionExecuted"
    ]
    assert events[1].action_name == ACTION_LISTEN_NAME and events[2].text == "b"


def test_a_conversation_without_user_message_is_kept_whole(domain_and_rules):
    domain, _ = domain_and_rules
    tracker = start(domain)

    assert current_turn_events(tracker) == list(tracker.events)


@pytest.mark.parametrize(
    "rule, problem",
    [
        ("""
- rule: two user turns
  steps:
  - intent: greet
  - action: utter_greet
  - intent: thank
  - action: utter_thank
""", "more than one user message"),
        ("""
- rule: only at the start
  conversation_start: true
  steps:
  - intent: greet
  - action: utter_greet
""", "start of a conversation"),
    ],
)
def test_training_refuses_rules_that_need_more_than_the_current_turn(
    domain_and_rules, tmp_path, rule, problem
):
    domain, _ = domain_and_rules
    rules = tmp_path / "rules.yml"
    rules.write_text('version: "3.1"\nrules:' + rule)
    trackers = load_data(str(rules), domain, augmentation_factor=0)

    with pytest.raises(InvalidRule, match=problem):
        trained(CurrentTurnRulePolicy, domain, trackers, tmp_path)
