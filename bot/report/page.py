"""The report as one static HTML page with its charts (matplotlib, Agg) embedded as PNG."""

from __future__ import annotations

import base64
import datetime
import html
import io
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from bot.language.names import language_name
from bot.report.figures import Figures

PATH_LABELS: Dict[str, str] = {
    "curated": "kuratiertes Thema",
    "quote": "Zitat aus den Quellen",
    "referred": "an Beratung verwiesen",
    "declined": "abgelehnt (nicht in den Quellen)",
    "unsure": "unsicher (Themenvorschläge)",
    "emergency": "Notfall (112)",
    "other": "Sonstiges (Begrüßung, Dank, Sprache …)",
}
"""German names of the answer paths (bot.report.turns.PATHS)."""

SECTIONS: Tuple[Tuple[str, str], ...] = (
    ("overview", "Überblick"),
    ("per-day", "Gespräche und Nachrichten pro Tag"),
    ("answer-paths", "Wie die Fragen beantwortet wurden"),
    ("topics", "Die häufigsten Themen"),
    ("feedback", "Rückmeldungen pro Thema"),
    ("languages", "Sprachen"),
    ("gaps", "Abgelehnte und unsichere Fragen, nach Ähnlichkeit gruppiert"),
)
"""The page's sections: id and heading."""

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem;
     border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
table { border-collapse: collapse; margin: .6rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left;
         vertical-align: top; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; }
nav ul { columns: 2; } .note { color: #555; font-size: .92rem; }
details { margin: .4rem 0; } summary { cursor: pointer; }
"""


def _png(figure) -> str:
    """Returns a matplotlib figure as a PNG data URI, and closes it."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _whole_numbers(axis) -> None:
    """Counts: ticks at whole numbers only."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def chart_per_day(figures: Figures) -> Optional[str]:
    """Bar chart: conversations and user messages per day."""
    if not figures.days:
        return None
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(8, 3.2))
    days = [d.day for d in figures.days]
    positions = list(range(len(days)))
    axis.bar([p - 0.2 for p in positions], [d.conversations for d in figures.days], 0.4,
             label="Gespräche")
    axis.bar([p + 0.2 for p in positions], [d.user_messages for d in figures.days], 0.4,
             label="Nachrichten der Nutzer")
    step = max(1, len(days) // 12)
    axis.set_xticks(positions[::step])
    axis.set_xticklabels([d.strftime("%d.%m.") for d in days][::step], rotation=45)
    axis.legend()
    axis.set_ylabel("Anzahl")
    _whole_numbers(axis.yaxis)
    return _png(figure)


def chart_bars(pairs: Sequence[Tuple[str, float]], xlabel: str) -> Optional[str]:
    """Horizontal bar chart of (label, value) pairs, the first at the top."""
    if not pairs:
        return None
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(8, 0.4 * len(pairs) + 1))
    labels = [label if len(label) <= 60 else label[:57] + "…" for label, _ in pairs]
    axis.barh(list(range(len(pairs)))[::-1], [value for _, value in pairs])
    axis.set_yticks(list(range(len(pairs)))[::-1])
    axis.set_yticklabels(labels)
    axis.set_xlabel(xlabel)
    _whole_numbers(axis.xaxis)
    return _png(figure)


def chart_feedback(figures: Figures) -> Optional[str]:
    """Stacked bars: helpful and not helpful ratings per topic."""
    entries = figures.feedback[:20]
    if not entries:
        return None
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(8, 0.45 * len(entries) + 1))
    rows = list(range(len(entries)))[::-1]
    axis.barh(rows, [e.helpful for e in entries], color="#2e7d32", label="hilfreich")
    axis.barh(rows, [e.not_helpful for e in entries], left=[e.helpful for e in entries],
              color="#c62828", label="nicht hilfreich")
    axis.set_yticks(rows)
    axis.set_yticklabels([e.label[:60] for e in entries])
    axis.set_xlabel("Bewertungen")
    axis.legend()
    _whole_numbers(axis.xaxis)
    return _png(figure)


def _escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def _image(uri: Optional[str], alt: str) -> str:
    if uri is None:
        return '<p class="note">Keine Daten.</p>'
    return f'<img src="{uri}" alt="{_escape(alt)}">'


def _table(
    head: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[int] = ()
) -> str:
    if not rows:
        return '<p class="note">Keine Daten.</p>'
    cells = "".join(f"<th>{_escape(h)}</th>" for h in head)
    body = []
    for row in rows:
        body.append("<tr>" + "".join(
            f'<td class="number">{_escape(v)}</td>' if i in numeric else f"<td>{_escape(v)}</td>"
            for i, v in enumerate(row)) + "</tr>")
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _date(timestamp: Optional[float]) -> str:
    if timestamp is None:
        return "–"
    moment = datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)
    return moment.strftime("%d.%m.%Y %H:%M UTC")


def _percent(value: float) -> str:
    return f"{100 * value:.1f} %".replace(".", ",")


def render(figures: Figures, retention_days: float, generated: Optional[float] = None) -> str:
    """Returns the report's HTML page.

    Args:
        figures: The computed figures.
        retention_days: The retention period the events were read within (0: all).
        generated: When the report was made (seconds since the epoch).
    """
    generated = generated if generated is not None else datetime.datetime.now().timestamp()
    retention = (f"der letzten {retention_days:g} Tage (Aufbewahrungsfrist "
                 "<code>RETENTION_DAYS</code>)" if retention_days > 0 else "aller Tage")
    parts: List[str] = [
        "<!doctype html>",
        '<html lang="de"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Integrationslotse BW – Bericht für das Redaktionsteam</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Integrationslotse BW – Bericht für das Redaktionsteam</h1>",
        f'<p class="note">Erstellt {_date(generated)}. Ausgewertet sind die Gespräche '
        f"{retention}; ohne Gesprächskennungen, die Nachrichten so, wie sie gespeichert "
        "sind (persönliche Daten ersetzt).</p>",
        "<nav><ul>" + "".join(f'<li><a href="#{i}">{_escape(h)}</a></li>' for i, h in SECTIONS)
        + "</ul></nav>",
    ]
    headings = dict(SECTIONS)

    def section(section_id: str, body: str) -> None:
        parts.append(f'<section id="{section_id}"><h2>{_escape(headings[section_id])}</h2>'
                     f"{body}</section>")

    rated = sum(e.helpful + e.not_helpful for e in figures.feedback)
    section("overview", _table(["Kennzahl", "Wert"], [
        ["Zeitraum", f"{_date(figures.first)} – {_date(figures.last)}"],
        ["Gespräche", figures.conversations],
        ["Fragen und andere Nachrichten (ohne Bewertungen)", figures.questions],
        ["beantwortet mit kuratiertem Thema", _percent(figures.share("curated"))],
        ["beantwortet mit Zitat aus den Quellen", _percent(figures.share("quote"))],
        ["an Beratung verwiesen", _percent(figures.share("referred"))],
        ["abgelehnt", _percent(figures.share("declined"))],
        ["unsicher", _percent(figures.share("unsure"))],
        ["Bewertungen", rated],
    ]))
    section("per-day", _image(chart_per_day(figures), "Gespräche und Nachrichten pro Tag")
            + _table(["Tag", "Gespräche", "Nachrichten der Nutzer", "Antworten"],
                     [[d.day.strftime("%d.%m.%Y"), d.conversations, d.user_messages,
                       d.bot_messages] for d in figures.days], numeric=(1, 2, 3)))
    path_rows = [(PATH_LABELS[p], n) for p, n in figures.paths.items()]
    section("answer-paths", _image(chart_bars(path_rows, "Fragen"), "Antwortwege")
            + _table(["Antwortweg", "Fragen", "Anteil"],
                     [[PATH_LABELS[p], n, _percent(figures.share(p))]
                      for p, n in figures.paths.items()], numeric=(1, 2)))
    section("topics", _image(chart_bars(figures.topics[:20], "Fragen"), "Häufigste Themen")
            + _table(["Thema", "Fragen"], figures.topics[:50], numeric=(1,)))
    feedback_rows = [[e.label, e.helpful, e.not_helpful] for e in figures.feedback]
    comments = "".join(
        f"<h4>{_escape(e.label)}</h4><ul>"
        + "".join(f"<li>{'hilfreich' if r == 'helpful' else 'nicht hilfreich'}: "
                  f"„{_escape(c)}“</li>" for r, c in e.comments)
        + "</ul>" for e in figures.feedback if e.comments)
    section("feedback", _image(chart_feedback(figures), "Rückmeldungen pro Thema")
            + _table(["Antwort", "hilfreich", "nicht hilfreich"], feedback_rows, numeric=(1, 2))
            + (f"<h3>Kommentare</h3>{comments}" if comments else ""))
    language_rows = [(f"{language_name(code)} ({code})" if code != "?" else "unbekannt", n)
                     for code, n in figures.languages]
    section("languages", _image(chart_bars(language_rows, "Fragen"), "Sprachen")
            + _table(["Sprache der Nachricht", "Fragen"], language_rows, numeric=(1,)))
    groups = []
    for number, group in enumerate(figures.groups, start=1):
        kinds = ", ".join(f"{PATH_LABELS[p]}: {n}" for p, n in sorted(group.paths.items()))
        items = "".join(f"<li>„{_escape(q)}“" + (f" ({n}×)" if n > 1 else "") + "</li>"
                        for q, n in group.questions)
        groups.append(f'<details class="group" open><summary>Gruppe {number}: '
                      f"{group.size} Frage(n) – {_escape(kinds)}</summary><ul>{items}</ul>"
                      "</details>")
    section("gaps", '<p class="note">Fragen, auf die der Assistent keine Antwort aus den '
            "Quellen hatte (abgelehnt) oder bei denen er unsicher war (Themenvorschläge): "
            "Kandidaten für neue Themen.</p>"
            + ("".join(groups) or '<p class="note">Keine Daten.</p>'))
    parts.append("</body></html>")
    return "\n".join(parts)


def write(figures: Figures, folder: Path, retention_days: float) -> Path:
    """Writes `index.html` into a folder and returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "index.html"
    path.write_text(render(figures, retention_days), encoding="utf-8")
    return path
