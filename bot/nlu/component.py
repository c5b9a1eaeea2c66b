"""What the project's NLU components share: no training, one message at a time.

Each component in this package is configured in config.yml, takes no training and
changes each parsed message by itself. This base class gives them Rasa's constructor
and `create` (a component is its config) and a `process` that hands each message to
`process_message`; a subclass writes `get_default_config` and `process_message`.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message


class MessageComponent(GraphComponent):
    """An untrained NLU component that looks at each message by itself."""

    def __init__(self, config: Dict[str, Any]) -> None:
        """Creates the component from its config."""
        self.component_config = config

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageComponent:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        """Processes each message (`process_message`).

        Args:
            messages: The parsed messages.

        Returns:
            The same messages, changed in place.
        """
        for message in messages:
            self.process_message(message)
        return messages

    def process_message(self, message: Message) -> None:
        """Processes one message in place."""
        raise NotImplementedError
