"""IncrementalTracker gives what Rasa's DialogueStateTracker gives, for any events."""

from __future__ import annotations

from typing import Callable, List

from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.storage.incremental_tracker import IncrementalTracker

SLOTS = [TextSlot("topic", mappings=[{}], influence_conversation=False),
         TextSlot("language", mappings=[{}], influence_conversation=False)]

EVENT_FACTORIES: List[Callable[[], Event]] = [
    lambda: ActionExecuted("action_listen"),
    lambda: ActionExecuted("utter_faq"),
    lambda: ActionExecuted("some_form"),
    lambda: UserUttered("Frage", {"name": "faq", "confidence": 0.9}),
    lambda: UserUttered("Hallo", {"name": "greet", "confidence": 0.8}),
    lambda: BotUttered("Antwort"),
    lambda: SlotSet("topic", "amif"),
    lambda: SlotSet("language", "ar"),
    lambda: SlotSet("language", None),
    lambda: ActiveLoop("some_form"),
    lambda: ActiveLoop(None),
    lambda: ActionExecutionRejected("some_form"),
    lambda: FollowupAction("utter_help"),
    lambda: ConversationPaused(),
    lambda: ConversationResumed(),
    lambda: UserUtteranceReverted(),
    lambda: ActionReverted(),
    lambda: Restarted(),
    lambda: SessionStarted(),
]

event_lists = st.lists(st.sampled_from(EVENT_FACTORIES), max_size=60)


def plain(events: List[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("anna", events, SLOTS)


def state(tracker: DialogueStateTracker) -> dict:
    result = tracker.current_state(EventVerbosity.ALL)
    result["applied"] = [e.as_dict() for e in tracker.applied_events()]
    result["followup_action"] = tracker.followup_action
    result["slot_objects"] = {n: (s.value, s.has_been_set) for n, s in tracker.slots.items()}
    return result


@settings(max_examples=300, deadline=None)
@given(first=event_lists, second=event_lists, ask_in_between=st.booleans())
def test_applied_events_match_rasa_when_events_are_appended(first, second, ask_in_between):
    events = [make() for make in first + second]
    tracker = IncrementalTracker.from_tracker(plain(events[: len(first)]))
    if ask_in_between:
        tracker.applied_events()
    for event in events[len(first):]:
        tracker.update(event)
        if ask_in_between:
            tracker.applied_events()

    assert tracker.applied_events() == plain(events).applied_events()


@settings(max_examples=300, deadline=None)
@given(first=event_lists, second=event_lists)
def test_copy_is_in_the_state_replaying_would_give(first, second):
    tracker = IncrementalTracker.from_tracker(plain([make() for make in first]))
    tracker.model_id = "model"
    tracker.applied_events()

    copied = tracker.copy()
    replayed = DialogueStateTracker.travel_back_in_time(tracker, float("inf"))

    assert state(copied) == state(replayed)
    assert copied.model_id is None and replayed.model_id is None
    for make in second:  # both go on alike, and the original stays as it was
        event = make()
        copied.update(event)
        replayed.update(event)
    assert state(copied) == state(replayed)
    assert state(tracker) == state(DialogueStateTracker.travel_back_in_time(
        tracker, float("inf")))
    assert len(tracker.events) == len(first)


def test_a_copy_does_not_share_slots_or_events():
    tracker = IncrementalTracker.from_tracker(plain([SlotSet("topic", "amif")]))

    copied = tracker.copy()
    copied.update(SlotSet("topic", "ukraine"))
    copied.slots["language"].value = "fa"

    assert tracker.get_slot("topic") == "amif" and tracker.get_slot("language") is None
    assert len(tracker.events) == 1 and len(copied.events) == 2
