"""Property-based tests of the language layer: no input makes it crash or lose text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.language.detect import detect_language
from bot.language.names import UNDETERMINED, configured_languages
from bot.translation.protect import MAX_PLACEHOLDERS, mask

SUPPORTED_LANGUAGES = tuple(configured_languages())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.sampled_from([None, *SUPPORTED_LANGUAGES]))
def test_detection_always_answers_a_candidate_or_und(text: str, previous) -> None:
    result = detect_language(text, previous=previous)
    assert result in (*SUPPORTED_LANGUAGES, UNDETERMINED)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_masking_round_trips_any_text(text: str) -> None:
    masked = mask(text)
    assert len(masked.spans) <= MAX_PLACEHOLDERS
    if "⟦" not in text:
        assert masked.restore(masked.text) == text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["MBE", "2017", "5,6", "WebGis", "https://a.de/x", "Hallo"]),
                max_size=12))
def test_protected_terms_come_back_in_order(words) -> None:
    text = " ".join(words)
    masked = mask(text)
    assert masked.restore(masked.text) == text
    for span in masked.spans:
        assert span in text
