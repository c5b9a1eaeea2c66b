"""At the default log level, no message text reaches the servers' logs."""

from __future__ import annotations

import uuid

from tools.stack import send


def test_message_text_is_not_logged(stack) -> None:
    marker = f"Zyxqu{uuid.uuid4().hex[:6]}"
    for text in (f"Ich heiße {marker} und suche einen Deutschkurs", f"Where is {marker}?"):
        assert send(stack["url"], f"privacy-{marker}", text), "no reply"
    logs = sorted(stack["log_dir"].glob("*.log"))
    assert logs, "no server logs found"
    for log in logs:
        assert marker not in log.read_text(errors="replace"), f"message text in {log.name}"
