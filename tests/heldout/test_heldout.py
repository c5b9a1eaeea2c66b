"""The held-out knowledge evaluation through the running assistant (REST).

Every question of questions.yml goes to a fresh conversation; tools/evaluate_knowledge.py
judges the German replies. Fails below the minimum shares (Makefile:
MIN_KNOWLEDGE_ANSWERED, MIN_KNOWLEDGE_DECLINED) or on any figure no cited source holds,
and prints every miss.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from tools.evaluate_knowledge import evaluate, figures, load_questions, report
from tools.stack import rest_credentials, running_stack

MIN_ANSWERED = float(os.environ.get("MIN_KNOWLEDGE_ANSWERED", "0.95"))
MIN_DECLINED = float(os.environ.get("MIN_KNOWLEDGE_DECLINED", "0.95"))


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list]:
    folder: Path = tmp_path_factory.mktemp("heldout")
    env = {"TRACKER_DB": str(folder / "conversations.db"), "RETENTION_DAYS": "0"}
    with running_stack(rasa_port=5605, actions_port=5655, extra_env=env,
                       log_dir=folder / "log", credentials=rest_credentials(folder)) as stack:
        yield evaluate(str(stack["url"]), load_questions())


def test_answerable_questions_get_the_right_fact_with_its_source(verdicts) -> None:
    result = figures(verdicts)
    assert result.answered >= MIN_ANSWERED, report(verdicts)


def test_unanswerable_questions_are_declined_or_referred(verdicts) -> None:
    result = figures(verdicts)
    assert result.declined >= MIN_DECLINED, report(verdicts)


def test_no_reply_states_a_figure_its_sources_do_not_hold(verdicts) -> None:
    assert not figures(verdicts).invented, report(verdicts)


def test_the_set_is_large_enough_and_covers_every_document() -> None:
    questions = load_questions()
    answerable = [q for q in questions if q.kind == "answerable"]
    assert len(answerable) >= 150
    assert len(questions) - len(answerable) >= 50
    from bot.knowledge.catalogue import load_catalogue
    from bot.knowledge.sentences import all_sentences

    labelled = {s.id for q in answerable for s in q.sentences}
    paragraphs = {(s.doc_id, s.paragraph) for s in all_sentences(load_catalogue().values())}
    covered = {(s.doc_id, s.paragraph) for q in answerable for s in q.sentences}
    assert paragraphs <= covered, sorted(paragraphs - covered)
    assert labelled
