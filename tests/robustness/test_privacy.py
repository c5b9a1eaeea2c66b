"""At the default log level, no message text reaches the servers' logs."""

from __future__ import annotations

import json
import urllib.request
import uuid


def test_message_text_is_not_logged(stack) -> None:
    marker = f"Zyxqu{uuid.uuid4().hex[:6]}"
    for text in (f"Ich heiße {marker} und suche einen Deutschkurs", f"Where is {marker}?"):
        request = urllib.request.Request(
            f"{stack['url']}/webhooks/rest/webhook",
            data=json.dumps({"sender": f"privacy-{marker}", "message": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            assert json.loads(response.read()), "no reply"
    logs = sorted(stack["log_dir"].glob("*.log"))
    assert logs, "no server logs found"
    for log in logs:
        assert marker not in log.read_text(errors="replace"), f"message text in {log.name}"
