"""Mutation test: meaning-changing edits of real answers must fail the content checks.

Each case edits one curated answer the way a careless paraphrase or a wrong fact would:
the review's seven (content-review-2026-12.md §6, adapted to the rewritten answers) and
our own. The check must report a problem for every one, while the real answers pass
(tests/content/test_knowledge.py)."""

from __future__ import annotations

from typing import Callable, List, NamedTuple, Union

import pytest

from bot.knowledge.curated import load_responses
from tests.content.meaning import check_answer, normalise

RESPONSES = load_responses()


class Mutation(NamedTuple):
    """One edit of a real answer: replace `old` by `new` (or apply a function)."""

    name: str
    response: str
    old: str
    new: Union[str, Callable[[str], str]]


def swap(a: str, b: str) -> Callable[[str], str]:
    """Swaps two figures in a text."""
    return lambda text: text.replace(a, "\0").replace(b, a).replace("\0", b)


MUTATIONS: List[Mutation] = [
    # --- the review's seven ------------------------------------------------------------
    Mutation("review 1: 55 and 16 million swapped", "utter_faq/investitionen_land",
             "mehr als 55 Millionen", swap("55", "16")),
    Mutation("review 2: Lucha given Özoğuz's office, today", "utter_faq/person_lucha",
             "2017 war Manne Lucha Sozial- und Integrationsminister von Baden-Württemberg.",
             "Manne Lucha ist heute Beauftragte der Bundesregierung für Migration, "
             "Flüchtlinge und Integration und Staatsministerin."),
    Mutation("review 3: a benefit of 1000 euros for everyone, deadline 2017",
             "utter_faq/ukraine",
             "2024 gab es zeitlich begrenzt 16 Millionen Euro pro Jahr für die Soforthilfe "
             "Ukraine.",
             "Jeder Mensch aus der Ukraine bekommt vom Land 1000 Euro Soforthilfe. Anträge "
             "stellen Sie bis 2017."),
    Mutation("review 4: no chat, and free of charge", "utter_faq/mbe_chat_app",
             "Ja, 2018 gab es das: Die Migrationsberatung für Erwachsene (MBE) beriet auch "
             "per Chat in einer App.",
             "Nein. Die Migrationsberatung für Erwachsene (MBE) berät nicht per Chat. Die "
             "Beratung ist kostenlos."),
    Mutation("review 5: 1,200 managers, ten million talks a year",
             "utter_faq/beratungsgespraeche_anzahl",
             "führten die Integrationsmanagerinnen und Integrationsmanager weit über drei "
             "Millionen",
             "führten die 1.200 Integrationsmanagerinnen und Integrationsmanager jedes Jahr "
             "zehn Millionen"),
    Mutation("review 6: Heilbronn instead of Stuttgart",
             "utter_faq/konferenz_integration_aus_einem_guss", "in Stuttgart", "in Heilbronn"),
    Mutation("review 7: an invented name at the start of a sentence, today",
             "utter_faq/person_keicher", "2016 leitete Roswitha Keicher die Stabsstelle",
             "Müller leitet heute die Stabsstelle"),
    # --- aims, views, hedges, quotes -----------------------------------------------------
    Mutation("an aim made an entitlement", "utter_faq/migranten_ohne_flucht",
             "2018 wollte die Migrationsberatung für Erwachsene (MBE) alle Migrantinnen und "
             "Migranten erreichen",
             "2018 war die Migrationsberatung für Erwachsene (MBE) für alle Migrantinnen und "
             "Migranten da"),
    Mutation("the Land's view made a fact", "utter_faq/bruessel_vorbild",
             "Aus Sicht des Landes war das Programm 2024 einzigartig in Deutschland.",
             "Das Programm war 2024 einzigartig in Deutschland."),
    Mutation("a demand made a finding", "utter_faq/person_oezoguz",
             "Sie forderte: Daten und Fakten sollen die Debatte sachlicher machen.",
             "Daten und Fakten machen die Debatte sachlicher."),
    Mutation("a wish made a rule", "utter_faq/vernetzung_kommunen",
             "Roswitha Keicher wünschte sich 2016: Alle kommunalen Beauftragten sollen sich in "
             "Baden-Württemberg gut vernetzen.",
             "2016 vernetzten sich alle kommunalen Beauftragten in Baden-Württemberg gut."),
    Mutation("'often, only limited' made 'not'", "utter_faq/transparenz_angebote",
             "Deshalb waren Maßnahmen häufig nur eingeschränkt bekannt und zugänglich.",
             "Deshalb waren Maßnahmen nicht bekannt und schwer zugänglich."),
    Mutation("'perhaps' made 'must'", "utter_faq/amif",
             "Vielleicht sollte man den Fonds für die kommende Förderperiode anpassen.",
             "Man muss den Fonds für die kommende Förderperiode anpassen."),
    Mutation("a purpose link the source does not make", "utter_faq/amif",
             "Vielleicht sollte man den Fonds für die kommende Förderperiode anpassen.",
             "Vielleicht sollte man den Fonds anpassen, um die Integrationsarbeit vor Ort zu "
             "stärken."),
    Mutation("a plan made a decision", "utter_faq/integrationsbeauftragte_foerderung",
             "Eigentlich war die nächste Förderrunde erst für 2017 geplant.",
             "Die nächste Förderrunde war für 2017 beschlossen."),
    Mutation("a quote changed", "utter_faq/integration_vor_ort",
             "„Integration findet vor Ort statt.“", "„Integration findet nur vor Ort statt.“"),
    # --- figures -----------------------------------------------------------------------
    Mutation("'more than' dropped", "utter_faq/integrationsmanager_anzahl",
             "2024 gab es mehr als 1.200", "2024 gab es genau 1.200"),
    Mutation("people made posts", "utter_faq/pakt_fuer_integration",
             "Geld für rund 1.000 Integrationsmanager.", "Geld für rund 1.000 Stellen."),
    Mutation("two studies merged, Germany made Baden-Württemberg", "utter_faq/studie_kommunen",
             "Für 71,5 Prozent der befragten Kommunen war Integrationspolitik damals wichtig.",
             "Laut der Studie des Ministeriums für Integration war Integrationspolitik damals "
             "für 71,5 Prozent der Kommunen in Baden-Württemberg wichtig."),
    Mutation("a date changed", "utter_faq/konferenz_integration_aus_einem_guss",
             "am 5. Juli 2018", "am 15. Juli 2018"),
    Mutation("a number word changed", "utter_faq/foerderrahmen_kommunen",
             "auf zwei Millionen Euro", "auf drei Millionen Euro"),
    Mutation("a budget line made a payment to people", "utter_faq/ukraine",
             "2024 gab es zeitlich begrenzt 16 Millionen Euro pro Jahr für die Soforthilfe "
             "Ukraine.",
             "2024 bekamen Menschen aus der Ukraine 16 Millionen Euro Soforthilfe."),
    # --- time --------------------------------------------------------------------------
    Mutation("a figure without its year", "utter_faq/integrationsmanager_anzahl",
             "2024 gab es mehr als 1.200", "Es gibt mehr als 1.200"),
    Mutation("an office in the present tense without year", "utter_faq/person_leidig",
             "2024 war Ute Leidig Staatssekretärin", "Ute Leidig ist Staatssekretärin"),
    Mutation("a 2012 ministry shown as current", "utter_faq/werkstattgespraech",
             "Das damalige Ministerium für Integration wollte",
             "Das Ministerium für Integration will"),
    # --- scope, referral and the assistant's own sentences ------------------------------
    Mutation("counselling for refugees offered to all", "utter_faq/gesundheitssystem",
             "Wenn Sie geflüchtet sind, berät Sie das Integrationsmanagement Ihrer Kommune",
             "Alle Menschen berät das Integrationsmanagement Ihrer Kommune"),
    Mutation("an office given to another person", "utter_faq/person_oezoguz",
             "2017 war Aydan Özoğuz Staatsministerin", "2017 war Manne Lucha Staatsministerin"),
    Mutation("a claim hidden in advice", "utter_handoff",
             "Fragen Sie auch bei Ihrer Stadt oder Gemeinde nach einer Beratung.",
             "Fragen Sie bei Ihrer Kommune, dort ist die Beratung immer kostenlos."),
    Mutation("a figure hidden in 'I don't know'", "utter_faq/kurs_finden",
             "Ob es WebGis noch gibt, weiß ich nicht.",
             "Ob es WebGis noch gibt, weiß ich nicht, aber ein Kurs kostet 25 Euro."),
    Mutation("a fact hidden behind 'I know'", "utter_faq/person_lucha",
             "Das kann sich seitdem geändert haben.",
             "Ich weiß: Manne Lucha war nie Beauftragte der Bundesregierung."),
    Mutation("a fact hidden in an advice's condition", "utter_faq/arbeit_finden",
             "Wenn Sie geflüchtet sind, fragen Sie das Integrationsmanagement Ihrer Kommune.",
             "Wenn Sie geflüchtet sind, zahlt Ihnen das Land jeden Monat Geld."),
    Mutation("Germany made Baden-Württemberg", "utter_faq/studie_kommunen",
             "in ganz Deutschland", "in Baden-Württemberg"),
]


def mutate(text: str, mutation: Mutation) -> str:
    """Applies one mutation to an answer's text."""
    if callable(mutation.new):
        return mutation.new(text)
    return text.replace(mutation.old, mutation.new)


def test_at_least_twenty_mutations_including_the_reviews_seven() -> None:
    assert len(MUTATIONS) >= 20
    assert sum(m.name.startswith("review ") for m in MUTATIONS) == 7


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_the_checks_catch_a_meaning_changing_edit(mutation: Mutation) -> None:
    variant = RESPONSES[mutation.response][0]
    text = normalise(variant["text"])
    assert mutation.old in text, f"{mutation.response} no longer says: {mutation.old}"
    mutated = mutate(text, mutation)
    assert mutated != text
    metadata = variant["metadata"]
    assert not check_answer(text, metadata["sources"], metadata["evidence"])
    problems = check_answer(mutated, metadata["sources"], metadata["evidence"])
    assert problems, f"not caught: {mutated}"
