"""Rasa's own MessageProcessor, run with a chosen dialogue policy and no NLU model.

`ComparingProcessor` is Rasa 3.6's `MessageProcessor` with only the model loading
replaced: messages arrive already parsed, and each prediction asks two policies (Rasa's
RulePolicy and the one under test) through Rasa's policy ensemble and checks that they
agree. Everything else is Rasa's code: session start, slot extraction, the prediction
loop with its circuit breaker, running each predicted action (`action_back`,
`action_default_fallback`, `action_restart`, `action_session_start`, responses) and
applying the events it returns. Custom actions run in-process with the Rasa SDK
(`actions/`), as the action server would run them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, List, Optional

from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.data import TrainingType
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.topics import ActionAnswerTopic, ActionSuggestTopics
from bot.storage.tracker_store import IncrementalSQLTrackerStore

CORE_TARGET = "select_prediction"
SDK_ACTIONS = {action.name(): action for action in (ActionAnswerTopic(), ActionSuggestTopics())}


def trained(policy_class, domain: Domain, trackers: list, folder: Path, **config):
    """Trains a rule policy on the given trackers, as `rasa train` would."""
    folder = folder / policy_class.__name__
    folder.mkdir(parents=True, exist_ok=True)
    policy = policy_class.create(
        {**policy_class.get_default_config(), **config},
        LocalModelStorage(folder), Resource(policy_class.__name__),
        ExecutionContext(GraphSchema({}), "test"),
    )
    policy.train(trackers, domain)
    return policy


async def run_sdk_action(self: RemoteAction, output_channel, nlg, tracker, domain) -> list:
    """`RemoteAction.run`, with the action server's part done in-process."""
    dispatcher = CollectingDispatcher()
    sdk_tracker = Tracker.from_dict(tracker.current_state(EventVerbosity.ALL))
    events = await SDK_ACTIONS[self.name()].run(dispatcher, sdk_tracker, domain.as_dict())
    bot_messages = await self._utter_responses(dispatcher.messages, output_channel, nlg, tracker)
    return bot_messages + deserialise_events(events)


@dataclass
class Record:
    """What happened in a conversation run by the ComparingProcessor."""

    predictions: int = 0
    actions: List[str] = field(default_factory=list)
    circuit_breaks: int = 0
    disagreements: List[str] = field(default_factory=list)


class ComparingRunner:
    """Stands in for the model's graph: both policies, then Rasa's ensemble."""

    def __init__(self, reference, tested, domain: Domain, record: Record) -> None:
        self.reference, self.tested, self.domain, self.record = (
            reference, tested, domain, record)
        self.ensemble = DefaultPolicyPredictionEnsemble()

    def predict(self, policy, tracker: DialogueStateTracker) -> PolicyPrediction:
        prediction = policy.predict_action_probabilities(tracker, self.domain)
        return self.ensemble.combine_predictions([prediction], tracker, self.domain)

    def run(self, inputs: Dict[str, Any], targets: List[str]) -> Dict[str, PolicyPrediction]:
        (tracker,) = inputs.values()
        expected = self.predict(self.reference, tracker.copy())
        got = self.predict(self.tested, tracker)
        self.record.predictions += 1
        expected_view, got_view = describe(expected, self.domain), describe(got, self.domain)
        if got_view != expected_view:
            if got_view[0] != expected_view[0]:
                expected_view, got_view = expected_view[0], got_view[0]
            recent = [e.as_dict().get("name") or e.type_name for e in list(tracker.events)[-8:]]
            self.record.disagreements.append(
                f"after {recent}: RulePolicy {expected_view}, tested {got_view}"
            )
        return {CORE_TARGET: got}


def describe(prediction: PolicyPrediction, domain: Domain) -> tuple:
    """The parts of a prediction the processor acts on."""
    return (
        domain.action_names_or_texts[prediction.max_confidence_index],
        tuple(prediction.probabilities),
        tuple(json.dumps({k: v for k, v in e.as_dict().items() if k != "timestamp"},
                         sort_keys=True) for e in prediction.events),
        prediction.is_end_to_end_prediction,
        prediction.is_no_user_prediction,
        prediction.hide_rule_turn,
    )


class ComparingProcessor(MessageProcessor):
    """Rasa's MessageProcessor whose every prediction compares two policies.

    The conversation follows the tested policy, as it would in production; each
    prediction in which it disagrees with RulePolicy is kept in `record.disagreements`.
    """

    def __init__(self, reference, tested, domain: Domain, db: Path) -> None:
        self.record = Record()
        self._runner = ComparingRunner(reference, tested, domain, self.record)
        self._domain = domain
        store = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=str(db))
        super().__init__(
            model_path=db, tracker_store=store, lock_store=InMemoryLockStore(),
            generator=TemplatedNaturalLanguageGenerator(domain.responses),
            on_circuit_break=self._count_circuit_break,
        )

    def _load_model(self, model_path: Any) -> tuple:
        metadata = SimpleNamespace(
            domain=self._domain, assistant_id="test", model_id="test", core_target=CORE_TARGET,
            training_type=TrainingType.BOTH,
        )
        return "no-model", metadata, self._runner

    def _count_circuit_break(self, *args: Any) -> None:
        self.record.circuit_breaks += 1

    async def _run_action(self, action, tracker, output_channel, nlg, prediction) -> bool:
        self.record.actions.append(action.name())
        return await super()._run_action(action, tracker, output_channel, nlg, prediction)

    async def say(self, sender: str, parse_data: Dict[str, Any]) -> List[Dict[str, Any]]:
        """Handles one parsed user message and returns the bot's messages."""
        channel = CollectingOutputChannel()
        message = UserMessage(parse_data.get("text", ""), channel, sender,
                              parse_data=parse_data)
        await self.handle_message(message)
        return channel.messages

    async def tracker(self, sender: str) -> Optional[DialogueStateTracker]:
        return await self.tracker_store.retrieve(sender)


def parsed(intent: str, text: str = "…", confidence: float = 0.95,
           entities: Optional[List[Dict[str, Any]]] = None,
           faq_topic: Optional[str] = None) -> Dict[str, Any]:
    """Parse data as our NLU pipeline produces it (with the response selector for FAQ)."""
    data: Dict[str, Any] = {
        "text": text, "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
    }
    if faq_topic:
        data["response_selector"] = {"default": {
            "response": {"intent_response_key": f"faq/{faq_topic}",
                         "utter_action": f"utter_faq/{faq_topic}", "responses": []},
            "ranking": [{"intent_response_key": f"faq/{faq_topic}", "confidence": 0.9}],
        }}
    return data
