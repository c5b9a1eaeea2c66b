"""Language detection for short chat messages.

Plain langdetect is built for paragraphs: on chat messages such as "ok danke",
"خیلی ممنون" or "nerede?" it often answers a language the bot does not speak
(Finnish, Tagalog, Urdu...), and it is random unless seeded. This module wraps
it with the evidence that short messages do carry:

1. Words that say nothing about the language ("ok", "Hallo", emoji, digits,
   URLs, punctuation) are dropped; if nothing is left, the conversation keeps
   its current language.
2. The writing system narrows the candidates (Arabic script: ar or fa,
   Cyrillic: uk or ru, ...), and letters that only one language of that script
   uses decide between them (Persian پ چ ژ گ ک ی, Arabic ك ي ة ى, Ukrainian
   і ї є ґ, Russian ы э ъ ё).
3. A small table of very common words, greetings and one-word replies answers
   most short messages outright.
4. Otherwise a seeded langdetect, restricted to the remaining candidates and
   given the word table and the current language as prior, decides.

Example:
    >>> detect_language("ok danke")
    'de'
    >>> detect_language("ok", previous="de")
    'de'
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

SUPPORTED_LANGUAGES: tuple[str, ...] = ("de", "en", "ar", "fa", "tr", "uk", "ru", "fr")
"""Languages the bot speaks; the default candidates of `detect_language`."""

UNDETERMINED = "und"
"""ISO 639 code returned when the language cannot be told."""

LANGDETECT_SEED = 0
"""Seed of the private langdetect factory, so that results are reproducible."""

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

# Writing systems (first word of the Unicode character name) of the languages
# langdetect knows that are not written in Latin script.
_SCRIPTS = {
    "ar": ("ARABIC",),
    "fa": ("ARABIC",),
    "ur": ("ARABIC",),
    "bg": ("CYRILLIC",),
    "mk": ("CYRILLIC",),
    "ru": ("CYRILLIC",),
    "uk": ("CYRILLIC",),
    "el": ("GREEK",),
    "he": ("HEBREW",),
    "hi": ("DEVANAGARI",),
    "mr": ("DEVANAGARI",),
    "ne": ("DEVANAGARI",),
    "bn": ("BENGALI",),
    "gu": ("GUJARATI",),
    "pa": ("GURMUKHI",),
    "kn": ("KANNADA",),
    "ml": ("MALAYALAM",),
    "ta": ("TAMIL",),
    "te": ("TELUGU",),
    "th": ("THAI",),
    "ko": ("HANGUL",),
    "ja": ("HIRAGANA", "KATAKANA", "CJK"),
    "zh-cn": ("CJK",),
    "zh-tw": ("CJK",),
}
_DEFAULT_SCRIPTS = ("LATIN",)

# Letters that, among the languages sharing a script, only this one uses.
_MARKER_LETTERS = {
    "fa": "پچژگکی",
    "ar": "كيةى",
    "ur": "ٹڈڑںےۓھ",
    "uk": "іїєґ",
    "ru": "ыэъё",
}

# Very common short words, greetings and one-word replies. A word listed for
# several languages counts for each of them.
_COMMON_WORDS = {
    "de": """danke dankeschön bitte bitteschön ja jaa jo nein nee genau tschüss
        tschüs servus moin guten gute morgen abend nacht alles klar gut schön
        vielen dank gerne gern kein keine nicht nichts doch auch ich du wir ihr
        mir mich dir mein meine ist sind bin habe hab hast und oder aber wie was
        wo wann warum wer welche wieso das der die dem den ein eine einen mit
        für von zu zum bis bald stimmt verstehe weiß""",
    "en": """thanks thank thx ty you yes yeah yep no nope please pls plz good
        morning evening night bye goodbye see later the is are am i i'm it what
        where when why who how which do does don't can my me your need have and
        or but not with for of to this that there great fine sure right got""",
    "fr": """merci bonjour bonsoir salut oui ouais non d'accord accord daccord
        s'il plaît plait svp stp je j'ai tu vous il elle nous est c'est suis ai
        le la les un une des du de et où mais pas ne pour avec quand comment
        pourquoi quoi quel quelle beaucoup bien très bonne nuit journée revoir
        au à bientôt ça voilà""",
    "tr": """teşekkürler tesekkurler teşekkür tesekkur ederim sağol sagol
        sağolun sagolun eyvallah merhaba merhabalar selam selamlar günaydın
        gunaydin iyi akşamlar aksamlar geceler günler evet hayır hayir yok var
        tamam tmm peki lütfen lutfen nerede nerde ne neden nasıl nasil kim
        zaman kadar bir bu şu ben sen biz siz mı mi mu mü ve ile için icin çok
        cok değil degil görüşürüz gorusuruz hoşça kal anladım anladim de da""",
    "ru": """спасибо спс пожалуйста да нет привет здравствуйте здрасте добрый
        доброе утро вечер спокойной ночи хорошо ладно понятно понял поняла пока
        свидания ты вы мне меня что как где когда почему кто это и есть нужно
        нужна можно очень большое конечно извините""",
    "uk": """дякую дуже будь ласка так ні привіт вітаю добрий доброго ранку
        вечора добраніч добре гаразд зрозуміло зрозумів бувай побачення ти ви
        мені мене що як де коли чому хто це і й є потрібно треба можна вибачте
        звичайно яка який які чи""",
    "ar": """شكرا جزيلا مرحبا أهلا اهلا السلام عليكم نعم لا أين وين متى كيف
        ماذا لماذا هل في على عن إلى الى هذا هذه أنا انا أريد اريد حسنا طيب تمام
        صباح مساء الخير الله يعطيك العافية ممكن عندي لك مع السلامة ما هو هي
        سلام shukran shokran marhaba yalla habibi salam""",
    "fa": """سلام ممنون مرسی متشکرم مچکرم خیلی بله آره نه باشه خوب خوبی خوبم
        چطوری صبح بخیر شب عصر خداحافظ من تو شما ما است هست نیست کجا کجاست کی
        چی چه چرا چطور را که از به با در این آن یک دارم لطفا ببخشید salam
        mamnoon mamnun mersi chetori khoobi khubi""",
}

# The first reading of a word listed for several languages: it counts a little
# more for this language, so that a bare "سلام" is Persian unless the
# conversation is already in Arabic.
_PREFERRED_READING = {"سلام": "fa", "salam": "fa", "ne": "tr", "de": "fr"}

# Words that do not tell the language: the conversation keeps its own.
_NEUTRAL_WORDS = frozenset(
    """ok okay okey oke okk kk k hallo hello helo hi hii hey heyy ciao lol haha
    hahaha hehe hmm hm mhm ah oh aha ок окей оке اوکی اوكي أوكي""".split()
)

_PREFERRED_BONUS = 0.1  # extra weight of a word's preferred reading
_PREVIOUS_BONUS = 0.5  # extra weight of the conversation's current language
_WORD_WEIGHT = math.log(20.0)  # a common word counts as a factor 20 in odds
_MIN_PROBABILITY = 1e-3  # floor of langdetect's probability, so words can win

_URL_OR_HANDLE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\S+|[@#]\w+")
_ARABIC_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")  # and tatweel


def detect_language(
    text: str,
    candidates: Iterable[str] | None = None,
    previous: str | None = None,
) -> str:
    """Detects the language of a short chat message.

    Args:
        text: The user's message.
        candidates: ISO 639-1 codes the answer may be, e.g. the bot's installed
            languages (any code langdetect knows). Defaults to
            `SUPPORTED_LANGUAGES`.
        previous: The conversation's current language, kept when the message
            does not tell ("ok", "Hallo", emoji, digits, a URL...) and
            preferred when the message fits it as well as another language.

    Returns:
        One of the candidates, `previous` for a message without language
        evidence, or "und" when the language cannot be told (no previous
        language, or a script none of the candidates is written in).
    """
    langs = _normalize_candidates(candidates)
    fallback = previous or UNDETERMINED
    words = [w for w in _words(text) if w not in _NEUTRAL_WORDS]
    if not words:
        return fallback
    if not langs:
        return UNDETERMINED

    scores, known = _word_scores(words, langs, previous)
    best = max(scores, key=scores.__getitem__)
    tied = [lang for lang in langs if scores[lang] == scores[best]]
    if known[best] == len(words) and len(tied) == 1:
        return best

    plausible = _by_letters(words, _by_script(words, langs))
    if not plausible:
        return UNDETERMINED
    if len(plausible) == 1:
        return plausible[0]
    probabilities = _langdetect(" ".join(words), plausible)
    return max(plausible, key=lambda lang: _combined(probabilities[lang], scores[lang]))


def language_name(code: str) -> str:
    """Returns a language's name in that language, e.g. "Deutsch" for "de".

    Args:
        code: An ISO 639-1 code (or "und").

    Returns:
        The native name, or the code itself for a language without one here.
    """
    return _NATIVE_NAMES.get(code.lower(), code)


def _normalize_candidates(candidates: Iterable[str] | None) -> list[str]:
    """Returns the candidate codes lower-cased, without duplicates, in order."""
    if candidates is None:
        return list(SUPPORTED_LANGUAGES)
    if isinstance(candidates, str):
        candidates = [candidates]
    return list(dict.fromkeys(code.strip().lower() for code in candidates))


def _words(text: str) -> list[str]:
    """Splits a message into lower-cased words, without URLs, digits or marks.

    Args:
        text: The raw message.

    Returns:
        The words; empty for emoji, digits, URLs or punctuation only.
    """
    text = _URL_OR_HANDLE.sub(" ", unicodedata.normalize("NFC", text).lower())
    text = _ARABIC_DIACRITICS.sub("", text.replace("’", "'"))
    kept = [ch if ch == "'" or unicodedata.category(ch)[0] in "LM" else " " for ch in text]
    words = (word.strip("'") for word in "".join(kept).split())
    return [word for word in words if any(ch.isalpha() for ch in word)]


def _word_scores(
    words: list[str], langs: list[str], previous: str | None
) -> tuple[dict[str, float], dict[str, int]]:
    """Scores each candidate by the common words of the message.

    Args:
        words: The message's words.
        langs: The candidates.
        previous: The conversation's current language, which gets a bonus.

    Returns:
        The score of each candidate, and how many of the words it lists.
    """
    table = _common_words()
    scores = dict.fromkeys(langs, 0.0)
    known = dict.fromkeys(langs, 0)
    for word in words:
        for lang in table.get(word, ()):
            if lang in scores:
                known[lang] += 1
                scores[lang] += 1.0
                if _PREFERRED_READING.get(word) == lang:
                    scores[lang] += _PREFERRED_BONUS
    if previous in scores:
        scores[previous] += _PREVIOUS_BONUS
    return scores, known


@functools.cache
def _common_words() -> dict[str, tuple[str, ...]]:
    """Returns the common-word table as word -> languages that use it."""
    table: dict[str, tuple[str, ...]] = {}
    for lang, words in _COMMON_WORDS.items():
        for word in words.split():
            table[word] = (*table.get(word, ()), lang)
    return table


def _script(ch: str) -> str:
    """Returns the writing system of a letter, e.g. "LATIN" or "ARABIC"."""
    return unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]


def _by_script(words: list[str], langs: list[str]) -> list[str]:
    """Keeps the candidates written in the message's main script.

    Args:
        words: The message's words.
        langs: The candidates.

    Returns:
        The candidates written in the script most of the letters are in.
    """
    scripts = Counter(_script(ch) for word in words for ch in word if ch.isalpha())
    main = scripts.most_common(1)[0][0]
    return [lang for lang in langs if main in _SCRIPTS.get(lang, _DEFAULT_SCRIPTS)]


def _by_letters(words: list[str], langs: list[str]) -> list[str]:
    """Keeps the candidates whose distinctive letters the message uses most.

    Only languages with marker letters compete this way: Persian against
    Arabic, Ukrainian against Russian. Without any marker letter, all
    candidates stay.

    Args:
        words: The message's words.
        langs: Candidates written in the message's script.

    Returns:
        The candidates with the most marker letters, or all of them.
    """
    letters = Counter(ch for word in words for ch in word)
    counts = {
        lang: sum(letters[ch] for ch in _MARKER_LETTERS.get(lang, "")) for lang in langs
    }
    top = max(counts.values(), default=0)
    if top == 0:
        return langs
    return [lang for lang in langs if counts[lang] == top]


def _combined(probability: float, score: float) -> float:
    """Combines langdetect's probability with the common-word score.

    Args:
        probability: langdetect's probability of the language.
        score: The language's common-word score.

    Returns:
        The log-odds-like score to maximise.
    """
    return math.log(max(probability, _MIN_PROBABILITY)) + _WORD_WEIGHT * score


def _langdetect(text: str, langs: list[str]) -> dict[str, float]:
    """Asks a seeded langdetect restricted to the candidates.

    Args:
        text: The message's words, joined by spaces.
        langs: The plausible candidates (at least two).

    Returns:
        The probability of each candidate; 0 for those langdetect does not
        know, and for all of them if it finds nothing to go by.
    """
    probabilities = dict.fromkeys(langs, 0.0)
    known = tuple(sorted(lang for lang in langs if lang in _profile_languages()))
    if len(known) == 1:
        probabilities[known[0]] = 1.0
    if len(known) < 2:
        return probabilities
    detector = _detector_factory(known).create()
    detector.append(text)
    try:
        probabilities.update(
            (result.lang, result.prob) for result in detector.get_probabilities()
        )
    except LangDetectException:
        pass
    return probabilities


@functools.cache
def _profile_languages() -> frozenset[str]:
    """Returns the codes langdetect has a profile for."""
    return frozenset(path.name for path in Path(PROFILES_DIRECTORY).iterdir())


@functools.lru_cache(maxsize=32)
def _detector_factory(langs: tuple[str, ...]) -> DetectorFactory:
    """Returns a seeded langdetect factory that knows only these languages.

    Loaded once per set of languages, on first use. A small factory is both
    restricted to the candidates and several times faster than the full one.

    Args:
        langs: At least two codes with a langdetect profile.

    Returns:
        The factory.
    """
    factory = DetectorFactory()
    profiles = [
        (Path(PROFILES_DIRECTORY) / lang).read_text(encoding="utf-8") for lang in langs
    ]
    factory.load_json_profile(profiles)
    factory.set_seed(LANGDETECT_SEED)
    return factory
