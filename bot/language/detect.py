"""Language detection for short chat messages.

Plain langdetect is built for paragraphs: on chat messages such as "ok danke",
"خیلی ممنون" or "nerede?" it often answers a language the bot does not speak
(Finnish, Tagalog, Urdu...), and it is random unless seeded. This module wraps
it with the evidence that short messages do carry:

1. Words that say nothing about the language ("ok", "Hallo", emoji, digits,
   URLs, punctuation) are dropped; if nothing is left, the conversation keeps
   its current language, and a conversation without one takes the language of
   a greeting ("Hello" English, "Hallo" German, "Merhaba" Turkish).
2. The writing system narrows the candidates (Arabic script: ar or fa,
   Cyrillic: uk or ru, ...).
3. Words are counted for the languages they belong to: by a small table of
   very common words, greetings and one-word replies, or by letters only one
   language uses (Persian پ چ ژ گ ک ی, Arabic ك ي ة ى, Ukrainian і ї є ґ,
   Russian ы э ъ ё, Turkish ğ ı). When every word points to one language,
   that is the answer.
4. Otherwise a seeded langdetect that knows only the remaining candidates
   (its probability list restricted to them) is combined with the word table
   and a bonus for the conversation's current language.

Example:
    >>> detect_language("ok danke")
    'de'
    >>> detect_language("ok", previous="de")
    'de'

"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from bot.language.names import UNDETERMINED, configured_languages

LANGDETECT_SEED = 0
"""Seed of the private langdetect factory, so that results are reproducible."""

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

# Letters that, among the supported languages, only this one uses (ö and ü: German
# and Turkish): a word with one counts as a word of that language (of both).
_MARKER_LETTERS = {
    lang: frozenset(letters)
    for lang, letters in {
        "fa": "پچژگکی",
        "ar": "كيةى",
        "uk": "іїєґ",
        "ru": "ыэъё",
        "tr": "ğıöü",
        "de": "ßäöü",
        "fr": "œ",
    }.items()
}

# Very common short words, greetings and one-word replies. A word listed for
# several languages counts for each of them.
_COMMON_WORDS = {
    "de": """danke dankeschön bitte bitteschön ja jaa jo nein nee genau tschüss tschüs
        servus moin guten gute morgen abend nacht alles klar gut schön vielen dank gerne
        gern kein keine nicht nichts doch auch ich du er wir ihr uns mir mich dir mein
        meine ist sind bin habe hab hast hat haben und oder aber wie was wo wann warum
        wer welche wieso weil wenn dass ob das der die dem den ein eine einen mit für
        von vom zu zum zur im bis bald stimmt verstehe weiß sehr viel vielleicht
        natürlich entschuldigung heute jetzt hier da noch schon nur mal kann muss möchte
        geht gibt geht's gibt's nach über wieder dann immer passt verstanden prima toll
        klasse ahnung hilfe frage des am je desto""",
    "en": """thanks thank thx ty you yes yeah yep no nope please pls plz good morning
        evening night bye goodbye see later the is are am i it what where when why who
        how which do does can my me your need have has and or but not with for of to
        this that there great fine sure right got very maybe excuse today tomorrow now
        here just only would should must want we us they he she his her our their from
        at by about after any some all if because too much many more understood
        nevermind awesome perfect exactly alright yup nah welcome help question was im""",
    "fr": """merci bonjour bonsoir salut oui ouais non accord daccord plaît plait svp
        stp je tu vous il elle nous ils est suis ai le la les un une des du de et où
        mais pas pour avec quand comment pourquoi quoi quel quelle beaucoup bien très
        bonne nuit journée revoir au aux à bientôt ça voilà aussi encore déjà ici
        maintenant aujourd'hui demain hier moi toi lui mon ma mes ton ta tes son sa ses
        notre votre leur dans sur chez par que qui si comme plus sûr excusez désolé être
        peut veux peux dois sais va vais faut fait compris génial parfait exactement
        aide rien coucou mal excuse question""",
    "tr": """teşekkürler tesekkurler teşekkür tesekkur ederim sağol sagol sağolun
        sagolun eyvallah merhaba merhabalar selam selamlar günaydın gunaydin iyi
        akşamlar aksamlar geceler günler evet hayır hayir yok var tamam tmm peki lütfen
        lutfen nerede nerde ne neden nasıl nasil kim zaman kadar bir bu şu ben sen biz
        siz mı mi mu mü ve ile için icin çok cok değil degil görüşürüz gorusuruz hoşça
        kal anladım anladim de da affedersiniz özür dilerim tabii tabi belki sonra şimdi
        simdi bugün bugun yarın yarin burada orada benim senin bizim sizin onun ama daha
        gibi önce hiç şey sey güzel guzel kaç kac hangi lazım lazim gerek istiyorum
        misin misiniz mısın mısınız musun miyim miyiz olur oldu yani hadi harika süper sorun
        mükemmel aynen kesinlikle rica yardım""",
    "ru": """спасибо спс пожалуйста да нет привет здравствуйте здрасте добрый доброе
        утро вечер спокойной ночи хорошо ладно понятно понял поняла пока свидания ты вы
        мне меня что как где когда почему кто это и есть нужно нужна надо можно очень
        большое конечно извините извини простите мы он она они здесь сейчас сегодня
        вчера который сколько потому но или тоже также могу может мой твой их от после с
        со уже еще ещё только был была было будет если чтобы ничего зачем куда откуда
        отлично ясно помогите помощь вопрос класс здравствуй договорились точно так
        ищу искать жилье врач врача нужен язык языка работать работаю учиться город
        ребенок ребенка дети детский сад русский по-русски""",
    "uk": """дякую дуже будь ласка так ні привіт вітаю добрий доброго ранку вечора
        добраніч добре гаразд зрозуміло зрозумів бувай побачення ти ви мені мене що як
        де коли чому хто це і й є потрібно треба можна вибачте вибач перепрошую звичайно
        звісно яка який які чи ми він вона воно вони зараз сьогодні вчора котра котрий
        скільки тому бо але або також теж можу може мій моє мої твій їх від після з із
        зі вже ще тільки лише був була було буде якщо щоб нічого навіщо куди звідки
        немає нема чудово зрозуміла допоможіть допомога питання авжеж домовились класно
        шукаю шукати житло лікар лікаря маю коли садок садочок дитина дитини документи
        громада працювати працюю навчання мова мову мови українська українською""",
    "ar": """شكرا جزيلا مرحبا أهلا اهلا السلام عليكم نعم لا أين وين متى كيف ماذا لماذا
        هل في من على عن إلى الى هذا هذه أنا انا أريد اريد حسنا طيب تمام صباح مساء الخير
        الله يعطيك العافية ممكن عندي لك مع السلامة ما هو هي سلام عفوا آسف اسف بالتأكيد
        طبعا ربما لاحقا بعدين الآن اليوم بكرة غدا أمس هنا هناك نحن أنت انت هم لي لدي ليس
        لم لن كان يجب جدا كثير شو ايش إيش شلون ليش منذ كل أو او لكن التي الذي أيضا ايضا
        ممتاز أكيد اكيد shukran shokran marhaba yalla habibi salam يسلمو مشكور تسلم ماشي
        الحمد لله شاء ان إن ساعدني مساعدة سؤال مشكلة حتما""",
    "fa": """سلام ممنون ممنونم مرسی متشکرم مچکرم سپاس خیلی بله آره نه باشه خوب خوبی خوبم
        چطوری صبح بخیر شب عصر خداحافظ من تو شما ما او است هست نیست کجا کجاست کی چی چه
        چرا چطور را که از به با در این آن یک دارم ندارم هستم لطفا ببخشید البته حتما شاید
        بعدا امروز فردا دیروز اینجا اونجا برای برا ولی یا هم بود شد می نمی چند کدام کدوم
        چیه اگر اگه چون همه هیچ چیز جان عزیزم salam mamnoon mamnun mersi chetori khoobi
        khubi قربونت قربانت دمت گرم عالی مشکلی حالت چطوره اسمت خسته نباشید سپاسگزارم
        تمام""",
}

# Arabic and Persian written in Latin letters (Arabizi, Finglish), as people type them
# on phones without an Arabic keyboard. Only words that are no common word of the
# other languages ("man", "to", "in", "be", "bad", "hast" are left out).
_ROMANIZED_WORDS = {
    "ar": """ana enta inta anta enti inti ehna nahna wein weyn wain wen shu shou shoo
        esh eish kifak kifik keefak kif kaif bidi biddi badi baddi bade badde andi
        aandi mafi mafeesh fee habibi habibti yalla inshallah insha mashallah
        alhamdulillah hamdulillah wallah walla aiwa aywa ay laish leish lesh leh momken
        mumkin mumken afwan hada hadi hay hon hoon dawra shughl shogl shoghl ktir
        kteer kter ma3lesh maalesh maalish tayeb tayyeb tamam kaman bas lesa lissa
        3arabi arabi almani almaniya souria suria sham masri baladi jdid jadid bukra
        bokra lyom elyom hala2 halla2 ahlan marhaban sabah masa khair kheir mnih mneeh
        mabsout tfaddal tfadal ya3ni yani shi ishi yehki bihki baref bafham bfham ween
        maktab awraq bhki bdi""",
    "fa": """chetori chetorid chetore khubi khoobi khubam khobam khoobam mamnun mamnoon
        mamnunam mamnoonam mersi lotfan lotfa koja kojast kojaye chera chand
        chejuri chetor komak komaket komakam komakesh lazem daram nadaram dari dare
        darid mikham mikhay mikhaham mikhastam mikhan peyda konam konid kon konim
        baraye bara hastam hasti hastim nist nistam kelas zaban yad begiram begiri
        bimarestan khahesh mikonam mikoni mikone befarmaid befarmayid khodahafez
        khodafez kheili khayli kheyli mishe mitunam mitoonam mitunid mitoonid bayad
        azizam emruz emrooz farda dirooz vaght vaqt inja unja oonja madrese madraki
        madrak bachehaye bachem bacheha nemidunam nemidoonam midunam chikar chekar
        aval avval injam salamat ghorbanet ghorboonet dastet dadash abji umadam
        omadam amadam miram beram begam begid bebinam bokonam nemifahmam mifahmam
        fahmidam nafahmidam balad baladam ro chie chiye kojan khundan lotf kardid kardam
        shod shode hamin vaghti chon vali dorost dige khob bashe joon harf farsi""",
}

# Arabizi writes Arabic sounds with digits inside words: 3 for ع, 7 for ح, 2 for ء,
# 5 for خ, 6 for ط, 9 for ص ("sa3ade", "7abibi", "so2al", "3andi").
_ARABIZI = re.compile(
    r"(?=(?:[^a-z]*[a-z]){2})(?=.*[aeiou])"  # two letters, a vowel ("mp3" is no word)
    r"[a-z2356789]*(?:[a-z][2356789]|[2356789][a-z])[a-z2356789]*"
)
_TOKEN_PUNCTUATION = ".,;:!?¿¡()[]{}\"'«»„“”…-–—/*"

# Persian verbs in Latin letters: present tense "mi-"/"nemi-" with a personal ending
# ("mikonam", "nemifahmam", "mizanid"); Turkish "miyim" and the like are in the table.
_FINGLISH_VERB = re.compile(r"(?:ne)?mi[a-z]+(?:am|im|id|and)")

# Turkish typed without its letters (ı ş ğ ç ö ü): "tesekkurler", "nasil", "cocuk".
_TURKISH_ASCII = str.maketrans("ışğçöüâî", "isgcouai")

# A French elided article or pronoun (l'école, j'ai, d'accord, qu'il) and an
# English contraction (don't, it's, I'm) tell the language by themselves.
_FRENCH_ELISION = re.compile(r"^(?:c|d|j|l|m|n|qu|s|t)'[^\W\d_]")
_ENGLISH_CONTRACTION = re.compile(r"[^\W\d_](?:n't|'s|'re|'ve|'ll|'m|'d)$")
# Ukrainian writes an apostrophe where Russian writes ъ (м'ясо, об'ява).
_UKRAINIAN_APOSTROPHE = re.compile(r"[а-щьґ]'[яюєї]")

# The first reading of a word listed for several languages: it counts a little
# more for this language, so that a bare "سلام" is Persian unless the
# conversation is already in Arabic.
_PREFERRED_READING = {"سلام": "fa", "salam": "fa", "de": "fr"}

# Words that do not tell the language: the conversation keeps its own.
_NEUTRAL_WORDS = frozenset(
    """ok okay okey oke okk kk k hallo hello helo hi hii hey heyy ciao lol haha
    hahaha hehe hmm hm mhm ah oh aha cool super ок окей оке اوکی اوكي أوكي""".split()
)

# Greetings. "Hello" and "Hallo" say nothing in a conversation under way (anyone may
# write them), but as a conversation's first message they are the best evidence there
# is: a greeting alone sets the language when nothing is known yet.
_GREETINGS = {
    "hello": "en", "helo": "en", "hallo": "de",
    "merhaba": "tr", "merhabalar": "tr", "selam": "tr", "selamlar": "tr",
    "salam": "fa", "salaam": "fa", "bonjour": "fr", "bonsoir": "fr", "salut": "fr",
    "привет": "ru", "здравствуйте": "ru", "привіт": "uk", "вітаю": "uk",
    "مرحبا": "ar", "أهلا": "ar", "اهلا": "ar", "سلام": "fa", "درود": "fa",
}
_GREETING_WORDS = frozenset(_GREETINGS) | {
    "hi", "hey", "guten", "tag", "morgen", "abend", "good", "morning", "evening",
    "günaydın", "gunaydin", "bonne", "journée", "добрый", "день", "доброго", "дня",
    "السلام", "عليكم", "صباح", "الخير", "مساء", "وقت", "بخیر",
}

# Weights, counted in common words. langdetect is overconfident and often wrong
# on a word or two, so its probability weighs 0.2 per word of the message: the
# conversation's language outweighs it on one word, not on a sentence, and a
# common word outweighs both on a short message.
_PREFERRED_BONUS = 0.1  # a shared word's preferred reading
_PREVIOUS_BONUS = 0.3  # the conversation's current language
_LANGDETECT_WEIGHT = 0.2  # times langdetect's probability, per word

_URL_OR_HANDLE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\S+|[@#]\w+")
_APOSTROPHES = str.maketrans("’´`", "'''")
_ARABIC_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")  # and tatweel


def detect_language(
    text: str,
    candidates: Iterable[str] | None = None,
    previous: str | None = None,
    neutral: Collection[str] = frozenset(),
) -> str:
    """Detect the language of a short chat message.

    Args:
        text: The user's message.
        candidates: ISO 639-1 codes the answer may be, e.g. the bot's installed
            languages (any code langdetect knows). Defaults to
            the configured languages (`bot.language.names`).
        previous: The conversation's current language, kept when the message
            does not tell ("ok", "Hallo", emoji, digits, a URL...) and
            preferred when the message fits it as well as another language.
        neutral: More lower-cased words that say nothing about the language,
            e.g. the names and terms of the bot's domain ("bamf", "keicher").

    Returns:
        One of the candidates, `previous` for a message without language
        evidence, or "und" when the language cannot be told (no previous
        language, or a script none of the candidates is written in).

    """
    langs = _normalize_candidates(candidates)
    previous = previous.strip().lower() if previous else None
    all_words = _words(text)
    words = [w for w in all_words if w not in _NEUTRAL_WORDS and w not in neutral]
    if not words:
        return previous or _greeting_language(all_words, langs) or UNDETERMINED

    plausible = _by_script(words, langs)
    if len(plausible) <= 1:
        return plausible[0] if plausible else UNDETERMINED

    # The table and the marker letters only know the supported languages: their
    # words may be just as common in another candidate (Spanish "de", "la"...).
    table_words = words if set(plausible) <= _COMMON_WORDS.keys() else []
    scores, known = _word_scores(table_words, plausible, previous)
    best = max(plausible, key=scores.__getitem__)
    if known[best] == len(words) and list(scores.values()).count(scores[best]) == 1:
        return best

    weight = _LANGDETECT_WEIGHT * len(words)
    probabilities = _langdetect(" ".join(words), plausible)
    return max(plausible, key=lambda lang: scores[lang] + weight * probabilities[lang])


def has_word_evidence(text: str, language: str) -> bool:
    """Whether a word of the message belongs to the language by the table or its letters.

    Without such a word a message's language rests on character statistics alone
    ("dnake", "förderrahmen 2 mio"), which short messages do not carry reliably.
    """
    return any(
        language in _languages_of(word) or _GREETINGS.get(word) == language
        for word in _words(text)
    )


def is_greeting_only(text: str) -> bool:
    """Whether a message is nothing but a greeting ("Hello", "Merhaba", "Guten Tag!")."""
    words = _words(text)
    return any(w in _GREETING_WORDS for w in words) and all(
        w in _GREETING_WORDS or w in _NEUTRAL_WORDS for w in words
    )


def _greeting_language(words: list[str], langs: list[str]) -> str | None:
    """Return the language of a message's greeting, e.g. "en" for "Hello!", if a candidate."""
    found = {_GREETINGS[w] for w in words if w in _GREETINGS}
    if len(found) == 1 and next(iter(found)) in langs:
        return found.pop()
    return None


def written_in(text: str, language: str, vocabulary: Collection[str]) -> bool:
    """Whether every word of a message (two or more) is of a language.

    A word is when it stands in the vocabulary or is a common word of the language
    ("was sagte aydan özoğuz", with the sources' words as the vocabulary).

    Args:
        text: The user's message.
        language: The language the vocabulary is in.
        vocabulary: Lower-cased words known to be of that language.
    """
    words = [w for w in _words(text) if w not in _NEUTRAL_WORDS]
    return len(words) >= 2 and all(
        w in vocabulary or language in _languages_of(w) for w in words
    )


def is_common_word(word: str) -> bool:
    """Whether a lower-cased word is in the common-word table of some language."""
    return word in _common_words()


def _normalize_candidates(candidates: Iterable[str] | None) -> list[str]:
    """Return the candidate codes lower-cased, without duplicates, in order."""
    if candidates is None:
        return configured_languages()
    if isinstance(candidates, str):
        candidates = [candidates]
    return list(dict.fromkeys(code.strip().lower() for code in candidates))


def _words(text: str) -> list[str]:
    """Split a message into lower-cased words, without URLs, digits or marks.

    Args:
        text: The raw message.

    Returns:
        The words; empty for emoji, digits, URLs or punctuation only.

    """
    text = unicodedata.normalize("NFC", text).lower().replace("i\u0307", "i")  # from "İ"
    text = _URL_OR_HANDLE.sub(" ", text)
    text = _ARABIC_DIACRITICS.sub("", text.translate(_APOSTROPHES))
    words = []
    for token in text.split():
        token = token.strip(_TOKEN_PUNCTUATION)
        if _ARABIZI.fullmatch(token):  # digits are letters here: keep the word whole
            words.append(token)
            continue
        kept = "".join(ch if ch == "'" or unicodedata.category(ch)[0] in "LM" else " "
                       for ch in token)
        words.extend(word.strip("'") for word in kept.split())
    return [word for word in words if any(ch.isalpha() for ch in word)]


def _word_scores(
    words: list[str], langs: list[str], previous: str | None
) -> tuple[dict[str, float], dict[str, int]]:
    """Score each candidate by the common words of the message.

    Args:
        words: The message's words.
        langs: The candidates.
        previous: The conversation's current language, which gets a bonus.

    Returns:
        The score of each candidate, and how many of the words it lists.

    """
    scores = dict.fromkeys(langs, 0.0)
    known = dict.fromkeys(langs, 0)
    for word in words:
        for lang in _languages_of(word):
            if lang in scores:
                known[lang] += 1
                scores[lang] += 1.0
                if _PREFERRED_READING.get(word) == lang:
                    scores[lang] += _PREFERRED_BONUS
    if previous in scores:
        scores[previous] += _PREVIOUS_BONUS
    return scores, known


def _languages_of(word: str) -> tuple[str, ...]:
    """Return the languages a word belongs to, by the table, its letters or its form."""
    table = _common_words()
    if word in table:
        return table[word]
    marked = tuple(
        lang for lang, letters in _MARKER_LETTERS.items() if not letters.isdisjoint(word)
    )
    if marked:
        return marked
    if _FRENCH_ELISION.match(word):
        return ("fr",)
    if _ENGLISH_CONTRACTION.search(word):
        return ("en",)
    if _UKRAINIAN_APOSTROPHE.search(word):
        return ("uk",)
    if _ARABIZI.fullmatch(word):
        return ("ar",)
    if _FINGLISH_VERB.fullmatch(word):
        return ("fa",)
    return ()


@functools.cache
def _common_words() -> dict[str, tuple[str, ...]]:
    """Return the common-word table as word -> languages that use it."""
    table: dict[str, tuple[str, ...]] = {}
    for lang, words in [*_COMMON_WORDS.items(), *_ROMANIZED_WORDS.items()]:
        for word in words.split():
            if lang not in table.get(word, ()):
                table[word] = (*table.get(word, ()), lang)
    for word in _COMMON_WORDS["tr"].split():
        folded = word.translate(_TURKISH_ASCII)
        if folded not in table:  # "degil", "cok", "nasil"; not when another language uses it
            table[folded] = ("tr",)
    return table


def _script(ch: str) -> str:
    """Return the writing system of a letter, e.g. "LATIN" or "ARABIC"."""
    return unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]


def _by_script(words: list[str], langs: list[str]) -> list[str]:
    """Keep the candidates written in the message's main script.

    Args:
        words: The message's words.
        langs: The candidates.

    Returns:
        The candidates written in the script most of the letters are in, and
        those a romanized common word such as "salam" points to.

    """
    scripts = Counter(_script(ch) for word in words for ch in word if ch.isalpha())
    main = scripts.most_common(1)[0][0]
    listed = {lang for word in words for lang in _languages_of(word)}
    return [
        lang for lang in langs if main in _SCRIPTS.get(lang, _DEFAULT_SCRIPTS) or lang in listed
    ]


def _langdetect(text: str, langs: list[str]) -> dict[str, float]:
    """Ask a seeded langdetect restricted to the candidates.

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
        probabilities.update((result.lang, result.prob) for result in detector.get_probabilities())
    except LangDetectException:
        pass
    return probabilities


@functools.cache
def _profile_languages() -> frozenset[str]:
    """Return the codes langdetect has a profile for."""
    return frozenset(path.name for path in Path(PROFILES_DIRECTORY).iterdir())


@functools.lru_cache(maxsize=32)
def _detector_factory(langs: tuple[str, ...]) -> DetectorFactory:
    """Return a seeded langdetect factory that knows only these languages.

    Loaded once per set of languages, on first use. A small factory is both
    restricted to the candidates and several times faster than the full one.

    Args:
        langs: At least two codes with a langdetect profile.

    Returns:
        The factory.

    """
    factory = DetectorFactory()
    profiles = [(Path(PROFILES_DIRECTORY) / lang).read_text(encoding="utf-8") for lang in langs]
    factory.load_json_profile(profiles)
    factory.set_seed(LANGDETECT_SEED)
    return factory
