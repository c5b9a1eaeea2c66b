"""Renders a verbatim quote from the sources, with who said it and when.

`utter_source_quote` has the text "{source_quote}"; the NLG fills it from the message's
`quote` entity (the ids of the sentences, set by bot.nlu.source_retriever):

    Laut einer Pressemitteilung des Landes (Stand 2016): „Eigentlich war die nächste
    Förderrunde erst für 2017 geplant.“

The sentences are quoted exactly as they stand in the document; only a quotation mark at
their ends that has no partner in them gives way to the outer ones. A document without
`according_to` in the catalogue is introduced by its title.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from bot.knowledge.catalogue import Source, load_catalogue
from bot.knowledge.retrieval import default_index
from bot.knowledge.sentences import ContentSentence, sentences_by_id

QUOTE_RESPONSE = "utter_source_quote"
QUOTE_SLOT = "source_quote"
"""The template variable of `utter_source_quote`."""
QUOTE_ENTITIES = ("quote", "also_quote")
"""Entities whose value names the sentences to quote (bot.nlu.source_retriever)."""


def introduction(source: Source) -> str:
    """Returns "Laut … (date)" for a document."""
    according_to = source.according_to or f"Laut „{source.title}“"
    return f"{according_to} ({source.when})" if source.when else according_to


GAP = "[…]"
"""Stands between two quoted sentences that do not follow each other."""
TRANSLATED_MARK = "(maschinell übersetzt)"
"""Follows a quote shown in another language: its words are a machine's, not the
source's (the German original is the verbatim quote)."""
QUOTE_PARTS = "quote_parts"
"""Metadata of a filled quote: its introduction and its sentences (with `GAP`), so that
each part can be translated on its own, from the translation memory."""


def quote_parts(sentences: List[ContentSentence]) -> Dict[str, Any]:
    """Returns the introduction and the sentences (with gaps) of one document's quote."""
    source = load_catalogue()[sentences[0].doc_id]
    parts = []
    for previous, sentence in zip([None] + sentences[:-1], sentences, strict=True):
        if previous is not None and sentence.index != previous.index + 1:
            parts.append(GAP)
        parts.append(sentence.text)
    return {"introduction": introduction(source), "sentences": parts}


def compose(introduction_text: str, sentences: List[str], marks: str = "„“") -> str:
    """Returns "introduction: „sentences“" (marks: the opening and closing quotation mark)."""
    return f"{introduction_text}: {marks[0]}{unwrapped(' '.join(sentences))}{marks[1]}"


def quote_text(sentences: List[ContentSentence]) -> str:
    """Returns the sentences of one document as one quote, with its introduction."""
    parts = quote_parts(sentences)
    return compose(parts["introduction"], parts["sentences"])


def unwrapped(body: str) -> str:
    """Drops a quotation mark at either end that has no partner inside the text.

    A sentence cut from a longer saying starts with „ or ends with “ alone; the outer
    quotation marks take their place. A saying the sentence holds whole keeps its own.
    """
    body = body.strip()
    if body.startswith(("„", "\"")) and body.count("„") > body.count("“"):
        body = body[1:]
    if body.endswith(("“", "\"")) and body.count("“") > body.count("„"):
        body = body[:-1]
    return body.strip()


def quoted_sentences(entities: List[Dict[str, Any]]) -> List[ContentSentence]:
    """Returns the sentences the latest message's `quote` or `also_quote` entity names."""
    value = next(
        (e.get("value") for e in entities if e.get("entity") in QUOTE_ENTITIES), None
    )
    if not isinstance(value, str):
        return []
    known = sentences_by_id(default_index().sentences)
    return [known[i] for i in value.split() if i in known]


def fill_quote(message: Dict[str, Any], entities: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """Fills a rendered `utter_source_quote` from the message's `quote` entity.

    Args:
        message: The response as the templated NLG filled it.
        entities: The entities of the latest user message.

    Returns:
        The message with the quote as its text and the document in `metadata.sources`,
        or None when the entity names no known sentence.
    """
    sentences = quoted_sentences(entities)
    if not sentences:
        return None
    doc_id = sentences[0].doc_id
    same_document = [s for s in sentences if s.doc_id == doc_id]
    return {
        **message,
        "text": quote_text(same_document),
        "metadata": {**(message.get("metadata") or {}), "sources": [doc_id],
                     QUOTE_PARTS: quote_parts(same_document)},
    }
