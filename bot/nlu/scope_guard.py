"""Keeps the answers within what the sources cover: emergencies, "now", other places.

The sources are press texts from Baden-Württemberg, 2012–2024. This component, last in
the NLU pipeline, marks what they cannot answer as such:

- a question about **residence, asylum, family reunification or deadlines**
  ("Duldung", "Bescheid", "Frist" …) becomes `individual_advice`: human counselling;
- a question about **practical details** the press texts never give (costs,
  registration, phone numbers, addresses), or one that counts something the sources
  never mention ("wie viele Stunden"), becomes `not_in_sources`;
- an **emergency** (medical or other: "Notfall", "Krankenwagen", "brennt", "will nicht
  mehr leben" …) becomes the intent `emergency`, whatever the classifier said, so that
  the 112 / 116 117 reply comes at once;
- a question about **now** ("aktuell", "heute", "jetzt", "noch immer", a year after the
  sources) gets the entity `asks_current`: the reply says first which years the
  sources cover, then gives the dated answer;
- a question about **another Land or country** ("in Bayern", "in Österreich") gets the
  entity `asks_elsewhere`, unless the sentence found for it names that place (the
  sources do mention Berlin and Brussels): the reply says the sources cover
  Baden-Württemberg and gives no Baden-Württemberg fact as if it applied there.

Country names come from `pycountry` (ISO 3166, German names); the other Länder are
listed here.
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge.retrieval import default_index
from bot.knowledge.sentences import sentences_by_id
from bot.nlu.component import MessageComponent
from bot.nlu.source_retriever import (
    ALSO_QUOTE_ENTITY,
    QUOTE_ENTITY,
    SOURCE_RETRIEVAL,
    message_entity,
)

EMERGENCY_INTENT = "emergency"
CURRENT_ENTITY = "asks_current"
ELSEWHERE_ENTITY = "asks_elsewhere"

EMERGENCY = re.compile(
    r"\b(notfall|notruf|notarzt|notaufnahme|krankenwagen|rettungswagen|rettungsdienst|"
    r"bewusstlos|ohnmächtig|atmet (nicht|kaum|schwer)|keine luft|blutet|blutung|"
    r"herzinfarkt|schlaganfall|vergiftet|vergiftung|überdosis|umgefallen|unfall|"
    r"brennt|feuer|feuerwehr|polizei|bedroht|bedrohung|angegriffen|geschlagen|"
    r"vergewaltigt|gewalt|suizid|selbstmord|umbringen|nicht mehr leben|"
    r"hohes fieber|starke schmerzen|lebensgefahr|in gefahr)\b",
    re.IGNORECASE,
)
"""Words of an emergency, medical or other; translated messages arrive in German."""

CURRENT = re.compile(
    r"\b(aktuell\w*|heute|heutzutage|jetzt|derzeit\w*|momentan\w*|zurzeit|zur zeit|"
    r"im moment|gegenwärtig\w*|neueste\w*|immer noch|noch immer|"
    r"diese[sm]? jahr|202[5-9]|20[3-9]\d|"
    r"künftig\w*|zukünftig\w*|in zukunft|demnächst)\b"
    r"|\bnoch\s*[?.!]*\s*$",
    re.IGNORECASE,
)
"""Words that ask how things are now or will be, after the sources (2012–2024)."""

LAENDER = (
    "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen",
    "Mecklenburg-Vorpommern", "Niedersachsen", "Nordrhein-Westfalen", "NRW",
    "Rheinland-Pfalz", "Saarland", "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein",
    "Thüringen",
)
"""The other Länder of Germany."""

EXTRA_COUNTRIES = ("Russland", "USA", "Amerika", "England", "Großbritannien", "Holland")
"""Everyday country names that differ from the ISO names."""

NOT_ELSEWHERE = ("Deutschland", "Baden-Württemberg")


@lru_cache(maxsize=1)
def place_names() -> List[str]:
    """Returns the other Länder and the countries (German names), longest first."""
    import pycountry

    german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    names = set(LAENDER) | set(EXTRA_COUNTRIES)
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None)):
            if name:
                names.add(german.gettext(name).split(",")[0].strip())
    names -= set(NOT_ELSEWHERE)
    return sorted(names, key=len, reverse=True)


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern:
    alternatives = "|".join(re.escape(name) for name in place_names())
    # "in Bayern", "in der Schweiz", "in den Niederlanden", "für Hessen": not "aus Syrien".
    return re.compile(
        rf"\b(?:in|im|für|nach)\s+(?:der\s+|den\s+|dem\s+)?({alternatives})(?:n|s)?\b",
        re.IGNORECASE,
    )


_LAENDER = re.compile(
    r"\b(" + "|".join(re.escape(name) for name in LAENDER) + r")(?:s)?\b", re.IGNORECASE
)


_ACTING = (r"gibt|gab|zahlt|bezahlt|hat|macht|tut|fördert|unterstützt|investiert|"
           r"finanziert|leistet|hilft|nimmt|plant|regelt")
"""Verbs of which a country is the subject in a question about that country."""


@lru_cache(maxsize=1)
def _acting_place_pattern() -> re.Pattern:
    alternatives = "|".join(re.escape(name) for name in place_names())
    # "wie viel gibt Polen aus", "was macht Frankreich für Geflüchtete".
    return re.compile(
        rf"\b(?:{_ACTING})\s+(?:die\s+|der\s+|das\s+)?({alternatives})\b"
        rf"|\b({alternatives})\s+(?:{_ACTING})\b",
        re.IGNORECASE,
    )


def elsewhere(text: str) -> Optional[str]:
    """Returns the other Land or country a question asks about, or None.

    A Land counts wherever it stands ("wie viel gibt Hessen aus"); a country after
    "in", "für", "nach" or as the subject of what is done ("wie viel gibt Polen aus"),
    so that "ich komme aus Syrien" is not a question about Syria.
    """
    match = _LAENDER.search(text) or _place_pattern().search(text)
    if match:
        return match.group(1)
    match = _acting_place_pattern().search(text)
    return (match.group(1) or match.group(2)) if match else None


REFERRAL = re.compile(
    r"\b(aufenthalt\w*|duldung|geduldet|abschiebung|abgeschoben|ausreise\w*|asylantrag|"
    r"asylverfahren|anhörung|(?:mein\w*|ein\w*|de[nmr]|vom|negativ\w*) bescheid\w*|"
    r"widerspruch|klage|frist\w*|familiennachzug|"
    r"nachzug|nachholen|einbürgerung|eingebürgert|staatsbürgerschaft|staatsangehörigkeit|"
    r"visum|ausländerbehörde|niederlassungserlaubnis|arbeitserlaubnis|"
    r"beschäftigungserlaubnis|dublin|anwalt|anwältin|aktenzeichen)\b",
    re.IGNORECASE,
)
"""Residence, asylum, family reunification, deadlines: questions for human counselling."""
REFERRAL_INTENT = "individual_advice"

DETAILS = re.compile(
    r"\b(kostet|gebühr\w*|anmeld\w*|melde ich mich|telefon\w*|nummer|"
    r"anrufen|adresse|öffnungszeit\w*|e-?mail|link|webseite|internetseite|website|"
    r"formular\w*|herunterladen|wie heißt)\b",
    re.IGNORECASE,
)
"""Practical details (costs, registration, contact data) the press texts never give."""
DETAILS_INTENT = "not_in_sources"

COUNTED = re.compile(r"\b(?:wie ?viele?|wieviele?|anzahl(?: der| an| von)?)\s+([^\W\d_]+)", re.I)
"""What a "wie viele …" question counts ("wie viele Stunden")."""


def counts_unknown(text: str) -> bool:
    """Whether a question counts something no source sentence speaks of.

    "wie viele Stunden hat ein Integrationskurs": the sources give no hours, so no figure
    of theirs answers it, whichever topic the words around it fit.
    """
    match = COUNTED.search(text)
    if not match:
        return False
    groups = default_index().query_groups(match.group(1))
    return bool(groups) and all(not whole and not parts for _, whole, parts in groups)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class ScopeGuard(MessageComponent):
    """Marks emergencies, questions about now and about other places (module doc)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # Intents that are questions about the sources' facts.
            "question_intents": ["faq", "nlu_fallback", "out_of_scope"],
            # Intents an emergency never overrides.
            "keep_intents": ["choose_language"],
            # Intents a referral word (residence, asylum, deadlines) turns into a
            # referral: questions, and "nein"/"falsch" ("mein Bescheid ist falsch").
            "referral_intents": ["faq", "nlu_fallback", "out_of_scope", "deny"],
        }

    @staticmethod
    def required_packages() -> List[str]:
        """Any extra python dependencies required for this component to run."""
        return ["pycountry"]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves the training data alone."""
        return training_data

    def process_message(self, message: Message) -> None:
        """Marks one message."""
        text = message.get(TEXT) or ""
        if text.startswith("/"):
            return
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if EMERGENCY.search(text) and intent not in self.component_config["keep_intents"]:
            self.set_emergency(message)
            return
        if REFERRAL.search(text) and intent in self.component_config["referral_intents"]:
            self.set_intent(message, REFERRAL_INTENT)
            return
        if intent not in self.component_config["question_intents"]:
            return
        if ((DETAILS.search(text) or counts_unknown(text)) and intent != "out_of_scope"
                and not self.fully_covered(message)):
            self.set_intent(message, DETAILS_INTENT)
            return
        entities = list(message.get(ENTITIES) or [])
        place = elsewhere(text)
        if place and not self.found_document_names(message, place):
            entities = [e for e in entities
                        if e.get(ENTITY_ATTRIBUTE_TYPE) not in (QUOTE_ENTITY, ALSO_QUOTE_ENTITY)]
            entities.append(message_entity(message, ELSEWHERE_ENTITY, place, "ScopeGuard"))
        elif intent != "out_of_scope" and CURRENT.search(text):
            word = CURRENT.search(text).group().strip()
            entities.append(message_entity(message, CURRENT_ENTITY, word, "ScopeGuard"))
        message.set(ENTITIES, entities, add_to_output=True)

    @staticmethod
    def set_intent(message: Message, name: str) -> None:
        """Gives the message another intent, at full confidence, without entities."""
        intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, intent, add_to_output=True)
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                   if r.get(INTENT_NAME_KEY) != name]
        message.set(INTENT_RANKING_KEY, [dict(intent)] + ranking, add_to_output=True)
        message.set(ENTITIES, [], add_to_output=True)

    def set_emergency(self, message: Message) -> None:
        """Makes the message an emergency."""
        self.set_intent(message, EMERGENCY_INTENT)

    @staticmethod
    def fully_covered(message: Message) -> bool:
        """Whether the best source sentence holds every word of the question."""
        hits = (message.get(SOURCE_RETRIEVAL) or {}).get("hits") or []
        return bool(hits) and hits[0]["coverage"] >= 0.95

    @staticmethod
    def found_document_names(message: Message, place: str) -> bool:
        """Whether a document of the sentences found for the message names the place.

        "was war Lucha in Berlin wichtig": the 2017 workshop in Berlin.
        """
        hits = (message.get(SOURCE_RETRIEVAL) or {}).get("hits") or []
        known = sentences_by_id(default_index().sentences)
        for hit in hits:
            sentence = known.get(hit["id"])
            if sentence is None:
                continue
            document = " ".join(s.text for s in default_index().sentences
                                if s.doc_id == sentence.doc_id)
            if place.lower() in document.lower():
                return True
        return False
