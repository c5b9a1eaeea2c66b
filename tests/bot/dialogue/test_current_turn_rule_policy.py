"""CurrentTurnRulePolicy predicts what Rasa's RulePolicy predicts, from one turn.

The conversations run through Rasa's own MessageProcessor (tests/bot/dialogue/
processor.py), so every predicted action is run and the events it returns are applied:
the two reverts of `action_back`, the revert of `action_default_fallback` (core
fallback), the `Restarted` of `action_restart` and the new session it leads to, the
session start of `/session_start`, and the circuit breaker that stops a prediction loop.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from rasa.core.policies.rule_policy import InvalidRule, RulePolicy
from rasa.core.training import load_data
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from bot.dialogue.current_turn_rule_policy import CurrentTurnRulePolicy, current_turn_events
from bot.knowledge.curated import faq_topics
from bot.paths import PROJECT_ROOT
from tests.bot.dialogue.processor import ComparingProcessor, parsed, run_sdk_action, trained

SEED = 20181
POLICY_CONFIG = {"core_fallback_threshold": 0.3, "enable_fallback_prediction": True,
                 "core_fallback_action_name": "action_default_fallback"}
DEFAULT_INTENTS = ("back", "restart", "session_start")


@pytest.fixture(scope="module")
def domain_and_rules() -> Tuple[Domain, list]:
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"), str(PROJECT_ROOT / "domain"),
        [str(PROJECT_ROOT / "data")],
    )
    domain = importer.get_domain()
    return domain, load_data(importer, domain, augmentation_factor=0)


@pytest.fixture(scope="module")
def policies(domain_and_rules, tmp_path_factory) -> Dict[str, tuple]:
    """RulePolicy and CurrentTurnRulePolicy, trained on all rules and without one.

    Without the rule for thanks, "Danke" matches no rule: a core fallback.
    """
    domain, trackers = domain_and_rules
    without_thanks = [t for t in trackers if "thanks" not in t.sender_id]
    assert len(without_thanks) == len(trackers) - 1
    folder = tmp_path_factory.mktemp("policies")
    return {
        name: tuple(trained(cls, domain, rules, folder / name, **POLICY_CONFIG)
                    for cls in (RulePolicy, CurrentTurnRulePolicy))
        for name, rules in (("all rules", trackers), ("no rule for thanks", without_thanks))
    }


@pytest.fixture(autouse=True)
def sdk_actions(monkeypatch):
    """Custom actions run in-process, as the action server would run them."""
    from rasa.core.actions.action import RemoteAction

    monkeypatch.setattr(RemoteAction, "run", run_sdk_action)


def processor(policies, name: str, domain: Domain, tmp_path: Path) -> ComparingProcessor:
    reference, tested = policies[name]
    return ComparingProcessor(reference, tested, domain, tmp_path / f"{name}.db")


def random_message(rng: random.Random, domain: Domain, topics: List[str]) -> dict:
    """A random parsed user message: any intent of the domain, Rasa's defaults included."""
    intent = rng.choice(domain.intents)
    if intent == "faq":
        return parsed("faq", faq_topic=rng.choice(topics))
    if intent == "help" and rng.random() < 0.5:
        return parsed("help", entities=[{"entity": "topic", "value": rng.choice(topics)}])
    if intent == "choose_language" and rng.random() < 0.5:
        return parsed("choose_language", entities=[{"entity": "language", "value": "en"}])
    if intent in DEFAULT_INTENTS:
        return parsed(intent, text=f"/{intent}", confidence=1.0)
    return parsed(intent, confidence=rng.choice([0.2, 0.9]))


@pytest.mark.parametrize("rules", ["all rules", "no rule for thanks"])
async def test_predicts_like_rule_policy_in_long_random_conversations(
    domain_and_rules, policies, tmp_path, rules
):
    domain, _ = domain_and_rules
    rng = random.Random(SEED)
    topics = faq_topics(domain.responses)
    conversation = processor(policies, rules, domain, tmp_path)
    sent: List[str] = []
    for number in range(3):
        for _ in range(80):
            message = random_message(rng, domain, topics)
            sent.append(message["intent"]["name"])
            await conversation.say(f"user-{number}", message)

    record = conversation.record
    assert record.disagreements == []
    assert record.circuit_breaks == 0  # no prediction loop, no conversation stuck in one
    assert record.predictions > 400
    assert set(DEFAULT_INTENTS) <= set(sent)
    ran = set(record.actions)
    assert {"action_back", "action_restart", "action_session_start"} <= ran
    if rules == "no rule for thanks":
        assert "action_default_fallback" in ran
    tracker = await conversation.tracker("user-0")
    assert len(current_turn_events(tracker)) < 12 < len(tracker.events)


async def test_back_in_the_middle_of_a_conversation_undoes_one_turn(
    domain_and_rules, policies, tmp_path
):
    domain, _ = domain_and_rules
    conversation = processor(policies, "all rules", domain, tmp_path)

    async def say(message: dict) -> List[str]:
        replies = await conversation.say("anna", message)
        return [reply.get("text", "") for reply in replies]

    assert await say(parsed("choose_language", entities=[{"entity": "language",
                                                           "value": "en"}]))
    assert await say(parsed("greet", "Hallo"))
    assert await say(parsed("faq", "Was ist die MBE?", faq_topic="mbe_was_ist"))
    assert len(await say(parsed("back", "/back", 1.0))) <= 1
    thanks = await say(parsed("thank", "Danke"))

    assert thanks == [domain.responses["utter_thank"][0]["text"]]
    assert conversation.record.disagreements == []
    assert conversation.record.circuit_breaks == 0
    tracker = await conversation.tracker("anna")
    assert tracker.get_slot("language") == "en"  # the choice before is not undone


async def test_a_core_fallback_answers_once_and_the_conversation_goes_on(
    domain_and_rules, policies, tmp_path
):
    domain, _ = domain_and_rules
    conversation = processor(policies, "no rule for thanks", domain, tmp_path)
    await conversation.say("anna", parsed("greet", "Hallo"))
    await conversation.say("anna", parsed("faq", "Was ist die MBE?", faq_topic="mbe_was_ist"))

    fallback = await conversation.say("anna", parsed("thank", "Danke"))
    greeting = await conversation.say("anna", parsed("greet", "Hallo"))

    assert [m["text"] for m in fallback] == [domain.responses["utter_default"][0]["text"]]
    assert [m["text"] for m in greeting] == [
        m["text"] for m in await conversation.say("bert", parsed("greet", "Hallo"))
    ]
    assert conversation.record.disagreements == []
    assert conversation.record.circuit_breaks == 0


def conversation_with(events: list, domain: Domain) -> DialogueStateTracker:
    start = [ActionExecuted("action_session_start"), SessionStarted(),
             ActionExecuted(ACTION_LISTEN_NAME)]
    return DialogueStateTracker.from_events("user", start + events, domain.slots)


def test_current_turn_starts_at_the_listen_before_the_latest_message(domain_and_rules):
    domain, _ = domain_and_rules
    tracker = conversation_with([
        UserUttered("a", {"name": "greet"}), SlotSet("language", "en"),
        ActionExecuted("utter_greet"), ActionExecuted(ACTION_LISTEN_NAME),
        UserUttered("b", {"name": "help"}), SlotSet("topic", "amif"),
        ActionExecuted("action_answer_topic"),
    ], domain)

    events = current_turn_events(tracker)
    rebuilt = DialogueStateTracker.from_events("user", events, domain.slots)

    assert [e.text for e in events if isinstance(e, UserUttered)] == ["b"]
    assert rebuilt.latest_action_name == "action_answer_topic"
    assert rebuilt.current_slot_values() == tracker.current_slot_values()


def test_the_current_turn_is_cut_from_the_events_that_count(domain_and_rules):
    """After `/back` (two reverts) the turn is the one before the reverted ones."""
    from rasa.shared.core.events import UserUtteranceReverted

    domain, _ = domain_and_rules
    tracker = conversation_with([
        UserUttered("Hallo", {"name": "greet"}), ActionExecuted("utter_greet"),
        ActionExecuted(ACTION_LISTEN_NAME),
        UserUttered("Was ist die MBE?", {"name": "faq"}), ActionExecuted("utter_faq"),
        ActionExecuted(ACTION_LISTEN_NAME),
        UserUttered("/back", {"name": "back"}), ActionExecuted("action_back"),
        UserUtteranceReverted(), UserUtteranceReverted(),
    ], domain)

    events = current_turn_events(tracker)

    assert [e.text for e in events if isinstance(e, UserUttered)] == ["Hallo"]
    assert [e.action_name for e in events if isinstance(e, ActionExecuted)] == [
        ACTION_LISTEN_NAME, "utter_greet"]


def test_a_conversation_without_user_message_is_kept_whole(domain_and_rules):
    domain, _ = domain_and_rules
    tracker = conversation_with([], domain)

    assert current_turn_events(tracker) == tracker.applied_events()


SLOT_DOMAIN = """
version: "3.1"
intents: [greet, inform]
entities: [city]
slots:
  city:
    type: text
    initial_value: Stuttgart
    influence_conversation: true
    mappings:
    - type: from_entity
      entity: city
responses:
  utter_greet: [{text: "Hallo"}]
  utter_city_known: [{text: "Ort bekannt"}]
  utter_city_unknown: [{text: "Ort unbekannt"}]
"""

SLOT_RULES = """
version: "3.1"
rules:
- rule: greet while the city is known
  steps:
  - intent: greet
  - slot_was_set:
    - city: Stuttgart
  - action: utter_city_known
- rule: greet when no city is set
  steps:
  - intent: greet
  - slot_was_set:
    - city: null
  - action: utter_city_unknown
- rule: inform
  steps:
  - intent: inform
  - action: utter_greet
"""


def test_slots_that_influence_the_conversation_have_their_value_at_each_step(tmp_path):
    """A slot set later in the turn, or set to None over an initial value, is not
    moved to the start of the turn (the seeded-slot issue of the code review)."""
    domain = Domain.from_yaml(SLOT_DOMAIN)
    rules = tmp_path / "rules.yml"
    rules.write_text(SLOT_RULES)
    trackers = load_data(str(rules), domain, augmentation_factor=0)
    reference = trained(RulePolicy, domain, trackers, tmp_path, **POLICY_CONFIG)
    tested = trained(CurrentTurnRulePolicy, domain, trackers, tmp_path, **POLICY_CONFIG)
    assert isinstance(domain.slots[0], TextSlot)

    for events in (
        # the city is set to None in an earlier turn: the state must say None
        [UserUttered("x", {"name": "inform"}), SlotSet("city", None),
         ActionExecuted("utter_greet"), ActionExecuted(ACTION_LISTEN_NAME),
         UserUttered("Hallo", {"name": "greet"})],
        # the city is set to None within the turn, after the user's message
        [UserUttered("Hallo", {"name": "greet"}), SlotSet("city", None)],
        [UserUttered("Hallo", {"name": "greet"}), ActionExecuted("utter_greet"),
         SlotSet("city", None)],
    ):
        tracker = conversation_with([UserUttered("y", {"name": "inform"}),
                                     ActionExecuted("utter_greet"),
                                     ActionExecuted(ACTION_LISTEN_NAME), *events], domain)
        expected = reference.predict_action_probabilities(tracker, domain)
        got = tested.predict_action_probabilities(tracker, domain)
        assert got.probabilities == expected.probabilities, events


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
