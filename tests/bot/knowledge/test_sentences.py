"""Content sentences: only content lines, German sentence ends, headings kept apart."""

from __future__ import annotations

from bot.knowledge.catalogue import load_catalogue
from bot.knowledge.sentences import all_sentences, find_sentence, split_sentences

CATALOGUE = load_catalogue()
SENTENCES = all_sentences(CATALOGUE.values())


def normalised(text: str) -> str:
    return " ".join(text.split())


def test_every_sentence_stands_verbatim_in_the_content_of_its_document() -> None:
    for sentence in SENTENCES:
        content = normalised(CATALOGUE[sentence.doc_id].content())
        assert sentence.text in content, sentence.id


def test_no_sentence_comes_from_web_page_junk() -> None:
    junk = ("Cookie", "Related posts", "Leave a Reply", "Weitere Meldungen", "SpätzlesPress",
            "Back to Top", "Link dieser Seite", "Bezahlkarte", "Gentges")
    for sentence in SENTENCES:
        assert not any(word in sentence.text for word in junk), sentence.id


def test_ordinals_abbreviations_and_dates_do_not_end_a_sentence() -> None:
    assert find_sentence(SENTENCES, "am 5. Juli 2018 in Stuttgart einen weiteren")
    assert find_sentence(SENTENCES, "Bundesamtspräsident Dr. Hans-Eckhard Sommer seine Rede.")
    assert find_sentence(SENTENCES, "am 14. Februar 2024 die Wichtigkeit")


def test_a_sentence_cut_by_a_blank_line_is_joined_again() -> None:
    found = find_sentence(SENTENCES, "gefordert, eine zukunftsweisende und für die Politik")
    assert len(found) == 1 and found[0].doc_id == "004"


def test_headings_and_date_lines_are_not_sentences() -> None:
    texts = {sentence.text for sentence in SENTENCES}
    assert "Dialog zwischen Bund, Ländern und Kommunen verstärken" not in texts
    assert not any(text.startswith(("📅", "10.07.2018", "Integrationsarbeit vor Ort koordinieren"))
                   for text in texts)
    heading = find_sentence(SENTENCES, "Einigkeit herrschte über alle staatlichen Ebenen")[0]
    assert heading.heading == "Migrant(inn)en mit und ohne Fluchterfahrung einbeziehen"


def test_a_very_short_sentence_stays_with_the_next_one() -> None:
    assert split_sentences("Dies sei sinnvoll. Doch damit hänge alles am Engagement ab.") == [
        "Dies sei sinnvoll. Doch damit hänge alles am Engagement ab."
    ]
    assert split_sentences("Die erste Aussage ist lang genug. Die zweite Aussage auch.") == [
        "Die erste Aussage ist lang genug.", "Die zweite Aussage auch."
    ]
