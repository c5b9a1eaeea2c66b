"""A RulePolicy that looks only at the current turn, so its cost does not grow.

Rasa's RulePolicy rebuilds the dialogue states of the whole conversation for every
prediction, although our rules (data/rules.yml) each cover one turn: a user message and
the bot's actions after it. For such rules the states before the current turn never
change a prediction, so this policy predicts on a copy of the tracker that holds only
the current turn (from the `action_listen` before the latest user message), plus the
slot values and active loop the conversation has reached. A prediction then costs the
same at turn 5 and at turn 100.

Training refuses rules for which that would be wrong: rules that span more than one
user message, and rules that must match the start of a conversation
(`conversation_start: true`).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import InvalidRule, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME, RULE_SNIPPET_ACTION_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker


def current_turn_events(tracker: DialogueStateTracker) -> List[Event]:
    """Returns the events of the current turn, after the state they start from.

    The turn starts at the `action_listen` before the latest user message. Slot values
    and the active loop reached before it come first, as `SlotSet` and `ActiveLoop`
    events. A conversation without a user message is returned whole.

    Args:
        tracker: The conversation.
    """
    events = list(tracker.events)
    start = len(events)
    seen_user_message = False
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, UserUttered):
            seen_user_message = True
        elif isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME:
            start = index
            if seen_user_message:
                break
    if not seen_user_message or start == 0:
        return events
    state: List[Event] = [
        SlotSet(name, value) for name, value in tracker.current_slot_values().items()
        if value is not None
    ]
    if tracker.active_loop_name:
        state.append(ActiveLoop(tracker.active_loop_name))
    return state + events[start:]


def current_turn_tracker(tracker: DialogueStateTracker, domain: Domain) -> DialogueStateTracker:
    """Returns a tracker with only the current turn of `tracker` (see module doc)."""
    return DialogueStateTracker.from_events(
        tracker.sender_id, current_turn_events(tracker), domain.slots
    )


def check_single_turn_rules(rule_trackers: List[TrackerWithCachedStates]) -> None:
    """Raises InvalidRule for a rule this policy would not apply correctly.

    Args:
        rule_trackers: The trackers made from the rules.
    """
    for tracker in rule_trackers:
        user_messages = sum(isinstance(e, UserUttered) for e in tracker.events)
        first_action = next(
            (e.action_name for e in tracker.events if isinstance(e, ActionExecuted)), None
        )
        if user_messages > 1:
            problem = "spans more than one user message"
        elif first_action != RULE_SNIPPET_ACTION_NAME:
            problem = "must match the start of a conversation (conversation_start)"
        else:
            continue
        raise InvalidRule(
            f"The rule '{tracker.sender_id}' {problem}. CurrentTurnRulePolicy applies "
            f"rules to the current turn only; use Rasa's RulePolicy for such rules."
        )


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class CurrentTurnRulePolicy(RulePolicy):
    """RulePolicy for single-turn rules that predicts from the current turn only."""

    def train(
        self,
        training_trackers: List[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """Checks that every rule covers one turn, then trains as RulePolicy does.

        Args:
            training_trackers: The trackers made from rules (and stories).
            domain: The domain.
            **kwargs: RulePolicy's further arguments.

        Returns:
            The resource from which the trained policy is loaded.
        """
        check_single_turn_rules(
            [t for t in training_trackers
             if t.is_rule_tracker and not getattr(t, "is_augmented", False)]
        )
        return super().train(training_trackers, domain, **kwargs)

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Predicts the next action from the current turn of the conversation.

        Args:
            tracker: The conversation.
            domain: The domain.
            rule_only_data: Slots and loops that occur only in rules.
            **kwargs: RulePolicy's further arguments.

        Returns:
            RulePolicy's prediction for the current turn.
        """
        return super().predict_action_probabilities(
            current_turn_tracker(tracker, domain), domain, rule_only_data, **kwargs
        )
