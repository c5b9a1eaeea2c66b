"""The REST channel returns each cited document's details in a `sources` field."""

from __future__ import annotations

from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.rest import LanguageCollectingOutput
from bot.knowledge.curated import load_responses
from bot.rendering.nlg import GuidanceNLG


async def test_a_rest_answer_carries_its_sources_with_full_title_and_compact_citation() -> None:
    nlg = GuidanceNLG(domain=Domain.from_dict({"responses": load_responses()}))
    tracker = DialogueStateTracker.from_events("user", [])
    message = await nlg.generate("utter_faq/kurs_finden", tracker, "rest")
    output = LanguageCollectingOutput()
    await output.send_response("user", message)
    [reply] = output.messages
    assert reply["text"].endswith("\nQuelle: BAMF, 10.07.2018")
    [source] = reply["sources"]
    assert source["title"] == (
        "Integration gelingt nur gemeinsam – Konferenz zur Integrationsförderung in BW"
    )
    assert source["citation"] == "BAMF, 10.07.2018"
    assert reply["language"] == "de"


async def test_a_message_without_sources_has_no_sources_field() -> None:
    output = LanguageCollectingOutput()
    await output.send_response("user", {"text": "Tschüss und alles Gute!", "language": "de"})
    assert "sources" not in output.messages[0]
