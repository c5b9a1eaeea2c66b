"""A RulePolicy that looks only at the current turn, so its cost does not grow.

Rasa's RulePolicy rebuilds the dialogue states of the whole conversation for every
prediction, although our rules (data/rules.yml) each cover one turn: a user message and
the bot's actions after it. For such rules the states before the current turn never
change a prediction, so this policy predicts on a copy of the tracker that holds only
the current turn, plus the slot values the conversation has reached. A prediction then
costs the same at turn 5 and at turn 100.

The turn is cut from the *applied* events (`tracker.applied_events()`, kept up to date
incrementally by `bot.storage.incremental_tracker.IncrementalTracker`), which RulePolicy
also works on: after `/back` (`action_back` reverts two user turns) or a core fallback
(`action_default_fallback` reverts the user's message) the current turn is the last one
that still counts, as for RulePolicy. It starts at the `action_listen` before the latest
user message that counts.

Where one turn is not enough to see what RulePolicy sees, this policy predicts from the
whole conversation, as RulePolicy does: while a loop (form) is active or a loop event is
in the turn, and when the turn sets a slot that influences the conversation (its value
at the start of the turn would otherwise be unknown). Our domain has neither.

Training refuses rules for which the cut would be wrong: rules that span more than one
user message, and rules that must match the start of a conversation
(`conversation_start: true`).

`tests/bot/dialogue/test_current_turn_rule_policy.py` runs conversations through Rasa's
own MessageProcessor with both policies, applying the events of every action.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import InvalidRule, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME, RULE_SNIPPET_ACTION_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    Event,
    LoopInterrupted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.dialogue import action_validation

LOOP_EVENTS = (ActiveLoop, LoopInterrupted, ActionExecutionRejected)
"""Events whose effect on the loop state one turn alone cannot reproduce."""


def turn_start(events: List[Event]) -> int:
    """Returns where the current turn starts in a list of applied events.

    That is the index of the `action_listen` before the latest user message, or 0 when
    there is no user message or no `action_listen` before it.
    """
    seen_user_message = False
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, UserUttered):
            seen_user_message = True
        elif (
            seen_user_message
            and isinstance(event, ActionExecuted)
            and event.action_name == ACTION_LISTEN_NAME
        ):
            return index
    return 0


def current_turn(tracker: DialogueStateTracker) -> Tuple[List[Event], List[Event]]:
    """Returns the slot state the current turn starts from, and the turn's events.

    The turn is the applied events from the `action_listen` before the latest user
    message among them. The state is a `SlotSet` for every slot whose value differs
    from its initial value (None included). A conversation without such a turn is
    returned whole (its applied events), with no state before it.

    Args:
        tracker: The conversation.
    """
    applied = tracker.applied_events()
    start = turn_start(applied)
    if start == 0:
        return [], applied
    state: List[Event] = [
        SlotSet(name, slot.value) for name, slot in tracker.slots.items()
        if slot.value != slot.initial_value
    ]
    return state, applied[start:]


def current_turn_events(tracker: DialogueStateTracker) -> List[Event]:
    """Returns the events of the current turn after the state they start from.

    Args:
        tracker: The conversation.
    """
    state, turn = current_turn(tracker)
    return state + turn


def needs_whole_conversation(
    tracker: DialogueStateTracker, turn: List[Event], domain: Domain
) -> bool:
    """Tells whether the current turn alone would not show RulePolicy's states.

    That is the case while a loop is active, when a loop event is in the turn, and when
    the turn sets a slot that influences the conversation (see module doc).

    Args:
        tracker: The conversation.
        turn: The events of its current turn (`current_turn`).
        domain: The domain, which says which slots influence the conversation.
    """
    if tracker.active_loop_name is not None:
        return True
    featurized = {slot.name for slot in domain.slots if slot.influence_conversation}
    return any(
        isinstance(event, LOOP_EVENTS)
        or (isinstance(event, SlotSet) and event.key in featurized)
        for event in turn
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Creates the policy (as RulePolicy does).

        The policy is loaded with every model, so it also installs the faster check of
        the action server's answers (bot.dialogue.action_validation).
        """
        super().__init__(*args, **kwargs)
        action_validation.install()

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
        state, turn = current_turn(tracker)
        if not needs_whole_conversation(tracker, turn, domain):
            tracker = DialogueStateTracker.from_events(
                tracker.sender_id, state + turn, domain.slots
            )
        return super().predict_action_probabilities(tracker, domain, rule_only_data, **kwargs)
