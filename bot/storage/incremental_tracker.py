"""A conversation tracker whose per-turn work does not grow with the conversation.

Rasa's processor copies the tracker before each action (`copy()` replays every event
into a new tracker) and asks for the applied events (`applied_events()` walks every
event) twice per turn. For a conversation of 100 turns that is about 600 events,
replayed four times per turn. `IncrementalTracker` gives the same results with work
proportional to what is new:

* `copy()` copies the tracker's state (slots, active loop, latest action, ...) instead
  of replaying the events that produced it. One difference: state that Rasa's processor
  sets directly, without an event, is copied too, where a replay would restore it
  from the events: `followup_action`, which the processor clears before it copies
  (`processor.py`, `_predict_next_with_tracker`), so that the copy has it cleared as
  well; it would differ only if a copy were taken while a follow-up action is pending;
* `applied_events()` continues from its previous result when events were only
  appended since, and computes afresh otherwise.

Tests compare both with Rasa's own implementations on generated conversations.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import FrozenSet, List, Optional, Tuple

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker


@dataclass(frozen=True)
class AppliedEvents:
    """The applied events of the first `count` events of a tracker.

    Attributes:
        count: How many of the tracker's events were processed.
        last_event: The last of them, to notice when the events were replaced.
        loop_names: The names of the loops activated in them.
        applied: The applied events (never changed in place).
    """

    count: int
    last_event: Optional[Event]
    loop_names: FrozenSet[str]
    applied: Tuple[Event, ...]


def loop_names_in(events: List[Event]) -> FrozenSet[str]:
    """Returns the names of the loops that `ActiveLoop` events activate."""
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


class IncrementalTracker(DialogueStateTracker):
    """DialogueStateTracker with a state-copying `copy()` and incremental applied events."""

    _applied_memo: Optional[AppliedEvents] = None
    stored_events: Optional[int] = None
    """How many of the events are in the tracker store (set by the store that read it)."""

    @classmethod
    def from_tracker(cls, tracker: DialogueStateTracker) -> IncrementalTracker:
        """Returns an IncrementalTracker with the events and state of `tracker`."""
        new = cls.__new__(cls)
        new.__dict__.update(_copied_state(tracker))
        return new

    def copy(self) -> IncrementalTracker:
        """Returns an independent tracker in the same state (without replaying events).

        Like Rasa's `copy()`, the copy has no model id, assistant id or sender source.
        """
        new = IncrementalTracker.from_tracker(self)
        new.model_id = new.assistant_id = new.sender_source = None
        return new

    def applied_events(self) -> List[Event]:
        """Returns the events that count, without reverted ones (as Rasa computes them).

        Continues from the previous result when events were only appended since and
        activated no loop that was not active before; computes afresh otherwise.
        """
        if self._max_event_history is not None:
            return super().applied_events()
        events = self.events
        memo = self._applied_memo
        reusable = (
            memo is not None
            and memo.count <= len(events)
            and (memo.count == 0 or events[memo.count - 1] is memo.last_event)
        )
        if reusable:
            new_events = [events[i] for i in range(memo.count, len(events))]
            if not loop_names_in(new_events) <= memo.loop_names:
                reusable = False
        if reusable:
            applied, loop_names = list(memo.applied), memo.loop_names
        else:
            new_events, applied = list(events), []
            loop_names = loop_names_in(new_events)
        for event in new_events:
            self._apply(event, applied, loop_names)
        self._applied_memo = AppliedEvents(
            len(events), events[-1] if events else None, loop_names, tuple(applied)
        )
        return applied

    def _apply(self, event: Event, applied: List[Event], loop_names: FrozenSet[str]) -> None:
        """Adds one event to the applied events, as DialogueStateTracker does."""
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            self._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            self._undo_till_previous(UserUttered, applied)
            self._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not self._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            self._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)


def _copied_state(tracker: DialogueStateTracker) -> dict:
    """Returns the attributes of a tracker, copied as deep as replaying would copy them.

    Events and slot values are shared (replaying shares them too); the containers
    and the mutable state objects are new.
    """
    state = dict(tracker.__dict__)
    state["events"] = tracker._create_events(list(tracker.events))
    state["slots"] = copy.copy(tracker.slots)
    for name, slot in tracker.slots.items():
        state["slots"][name] = copy.copy(slot)
    for name in ("active_loop", "latest_action"):
        state[name] = copy.copy(state.get(name))
    return state
