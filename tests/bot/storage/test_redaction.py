"""Personal data is replaced before storage; the figures the assistant talks about stay."""

from __future__ import annotations

import pytest

from bot.storage.redaction import (
    BIRTH_DATE,
    EMAIL,
    IBAN,
    NUMBER,
    PHONE,
    redact,
    redact_counting,
)

REDACTED = [
    # e-mail
    ("Schreiben Sie mir: max.mustermann@example.de", EMAIL),
    ("meine mail ist ayse_yilmaz+beratung@gmx.net.", EMAIL),
    ("Kontakt: fatima(at)web.de", EMAIL),
    ("Email: ivan [at] mail.ru bitte", EMAIL),
    ("mein.name@uni-stuttgart.de", EMAIL),
    ("بريدي الإلكتروني ahmad.k@gmail.com شكرا", EMAIL),
    # phone
    ("Rufen Sie mich an: +49 711 123456", PHONE),
    ("+49 (0) 711 / 123 45 67", PHONE),
    ("+49 151 23456789", PHONE),
    ("0049 711 1234567", PHONE),
    ("Meine Nummer 0711 1234567", PHONE),
    ("0711/123456", PHONE),
    ("0711-123456", PHONE),
    ("(0711) 123 45 67", PHONE),
    ("Handy 0151 23456789", PHONE),
    ("01512345678", PHONE),
    ("Tel. 123456", PHONE),
    ("Telefon: 12 34 56", PHONE),
    ("WhatsApp +90 532 123 45 67", PHONE),
    ("мой телефон +380 67 123 4567", PHONE),
    ("رقمي ٠١٥١٢٣٤٥٦٧٨", PHONE),
    # IBAN
    ("Meine IBAN ist DE89 3704 0044 0532 0130 00", IBAN),
    ("DE89370400440532013000", IBAN),
    ("iban: de89 3704 0044 0532 0130 00 danke", IBAN),
    ("GB29 NWBK 6016 1331 9268 19", IBAN),
    ("NL91 ABNA 0417 1643 00", IBAN),
    ("DE89 3704 0044 0532 0130 01", IBAN),  # mistyped checksum: still personal
    # date of birth
    ("Ich bin geboren am 01.02.1990", BIRTH_DATE),
    ("geb. 1.2.1990 in Aleppo", BIRTH_DATE),
    ("Geburtsdatum: 1990-02-01", BIRTH_DATE),
    ("Ich bin am 3. März 1985 geboren", BIRTH_DATE),
    ("Ich bin 1990 geboren", BIRTH_DATE),
    ("date of birth 01/02/1990", BIRTH_DATE),
    ("doğum tarihi 01.02.1990", BIRTH_DATE),
    ("01.02.1990", BIRTH_DATE),  # an old full date alone: taken for a date of birth
    # file and identity numbers
    ("Mein Az. 123-45/2024 wurde abgelehnt", NUMBER),
    ("Aktenzeichen 1234567-123", NUMBER),
    ("BAMF 1234567-123", NUMBER),
    ("123-45/2024", NUMBER),
    ("AZ: 5 K 1234/23 beim Verwaltungsgericht", NUMBER),
    ("Geschäftszeichen: 12.3-4567", NUMBER),
    ("Kundennummer 123456789", NUMBER),
    ("meine Ausweisnummer ist L01X00T47", NUMBER),
    ("Pass C01X00T47", NUMBER),
    ("Steuer-ID 12 345 678 901", NUMBER),
]

KEPT = [
    "2024 arbeiteten mehr als 1.200 Integrationsmanagerinnen und Integrationsmanager.",
    "Das Land investiert 5,6 Millionen Euro.",
    "Die Konferenz war am 14. Februar 2024.",
    "Seit 2017 gibt es das Integrationsmanagement.",
    "Der ärztliche Bereitschaftsdienst hat die Nummer 116 117.",
    "Im Notfall 112 oder 110 anrufen.",
    "Stand: 10.07.2018",
    "Quelle vom 01.01.2012, Stand 2024",
    "Ich wohne in 70173 Stuttgart.",
    "PLZ 01067 Dresden",
    "Wie viele Beratungsgespräche gab es 2022/23?",
    "Von 8 bis 16 Uhr, Zimmer 3.12",
    "Kurs A1 und B1, 300 Stunden, 14 Tage",
    "Mein Sohn ist 12 Jahre alt, ich bin 35.",
    "Was ist die MBE?",
    "Ich bin seit 3 Jahren in Deutschland und mein Kind wurde 2019 eingeschult.",
    "Pass auf, es ist 5 vor 12.",
    "Integrationskurs Nr. 3 mit 25 Teilnehmenden",
    "Um 08:00-12:00 Uhr",
    "0,5 Prozent",
    "Version 3.6.21",
]


@pytest.mark.parametrize("text, marker", REDACTED)
def test_personal_data_is_replaced(text: str, marker: str) -> None:
    redacted, count = redact_counting(text)

    assert marker in redacted, redacted
    assert count >= 1
    assert not any(run in redacted for run in _digit_runs(text, 5)), redacted


@pytest.mark.parametrize("text", KEPT)
def test_figures_and_dates_the_assistant_talks_about_stay(text: str) -> None:
    assert redact(text) == text


def test_the_rest_of_the_message_stays() -> None:
    assert redact("Hallo, ich bin geboren am 01.02.1990 und meine IBAN ist "
                  "DE89 3704 0044 0532 0130 00. Wo finde ich einen Deutschkurs?") == (
        f"Hallo, ich bin geboren am {BIRTH_DATE} und meine IBAN ist {IBAN}. "
        "Wo finde ich einen Deutschkurs?")
    assert redact("Tel. 0711 123456 oder max@example.de") == f"Tel. {PHONE} oder {EMAIL}"


def test_redacting_twice_changes_nothing_more() -> None:
    once = redact("Az. 123-45/2024, +49 711 123456, a@b.de, geb. 01.02.1990")
    assert redact_counting(once) == (once, 0)


def _digit_runs(text: str, length: int) -> list:
    import re

    return [run for run in re.findall(r"\d+", text) if len(run) >= length]


def test_a_text_without_personal_data_is_returned_unchanged() -> None:
    text = "عندي ٣ أطفال"  # Arabic-Indic digits, nothing personal
    assert redact_counting(text) == (text, 0)
