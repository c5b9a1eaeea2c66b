"""The languages the assistant speaks: codes, native names and the configured list.

The configured list is the one place that says which languages users get: the bot
language (`BOT_LANGUAGE`) and the user languages (`BOT_LANGUAGES`) of `bot.settings`.
Detection takes its candidates from it, the language buttons and the web chat's picker
(`config.json`) show it, and `make models` installs its packs.
"""

from __future__ import annotations

from typing import List

from bot import settings

RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur", "ps", "ckb", "yi", "dv"})
"""Languages written right to left (ISO 639 codes)."""

UNDETERMINED = "und"
"""ISO 639 code used when the language cannot be told."""

_NATIVE_NAMES = {
    "de": "Deutsch",
    "en": "English",
    "ar": "العربية",
    "fa": "فارسی",
    "tr": "Türkçe",
    "uk": "Українська",
    "ru": "Русский",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "pt": "Português",
    "pl": "Polski",
    "nl": "Nederlands",
    "ro": "Română",
    "bg": "Български",
    "el": "Ελληνικά",
    "sq": "Shqip",
    "hr": "Hrvatski",
    "ur": "اردو",
    "so": "Soomaali",
    "sw": "Kiswahili",
    "vi": "Tiếng Việt",
    "zh-cn": "中文",
    UNDETERMINED: "Unknown",
}


def configured_languages() -> List[str]:
    """Returns the bot language and the configured user languages (`BOT_LANGUAGES`)."""
    codes = [settings.get("BOT_LANGUAGE"), *settings.get("BOT_LANGUAGES").split(",")]
    return list(dict.fromkeys(code.strip().lower() for code in codes if code.strip()))


def language_name(code: str) -> str:
    """Returns a language's name in that language, e.g. "Deutsch" for "de".

    Args:
        code: An ISO 639-1 code (or "und").

    Returns:
        The native name, or the code itself for a language without one here.
    """
    return _NATIVE_NAMES.get(code.lower(), code)


def text_direction(code: str) -> str:
    """Returns the writing direction of a language: "rtl" (Arabic, Persian …) or "ltr".

    Args:
        code: An ISO 639 code.
    """
    return "rtl" if code.lower().split("-")[0] in RIGHT_TO_LEFT else "ltr"
