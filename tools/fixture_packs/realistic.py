#!/usr/bin/env python3
"""Build size-realistic Argos language packs with random weights, for measuring cost.

The fixture packs (build.py) are tiny and memorise a few hundred phrases; they say
nothing about how long a real pack takes per sentence or how much memory it needs.
This tool builds packs with the architecture and sizes of current Argos Translate
models, but random weights (no training, no download), so that `make bench` can
measure translation cost and memory on this machine:

* Transformer "base" as Argos packs are trained (LibreTranslate's Locomotive
  `train.py` and argos-train's `config.yml`: OpenNMT-py, 6 encoder and 6 decoder
  layers, 8 heads, model size 512, feed-forward 2048, sinusoidal positions, pre-norm,
  ReLU, shared SentencePiece vocabulary of 50,000 with shared embeddings and
  generator), converted to CTranslate2 **int8** like the real packages;
* for each pair of languages a SentencePiece model of Argos' vocabulary size (50,000
  pieces, unigram), trained on both languages as Argos trains it, so that messages
  split into as many pieces per word as with a real pack (about 1.1 to 1.6). The text:
  the most frequent words of each language with their frequencies in running text,
  from the word lists of the `wordfreq` package (Wikipedia, subtitles, news and web
  text; the wheel is downloaded once with pip into `var/cache/`, never installed);
* the package layout of an installed Argos pack (metadata.json, model/,
  sentencepiece.model, minisbd/ with the rule-based sentence splitter).

Random weights do not stop at a sensible length, so the benchmark caps decoding at
the reference length (`TRANSLATION_MAX_LENGTH_RATIO`, see tools/bench_translation.py).
Built on demand into a git-ignored folder, never committed (about 80 MB for the model,
which all packs share through symbolic links, and 1 MB per SentencePiece model; the
SentencePiece models take about a minute each to train):

    .venv/bin/python tools/fixture_packs/realistic.py --pairs de_en en_de ar_en en_ar
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Dict, Iterable, List, Tuple

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PHRASES_DIR = HERE / "phrases"
WORDFREQ_VERSION = "3.1.1"
WORDFREQ_CACHE = REPO / "var" / "cache" / "wordfreq"
WORDS_PER_LANGUAGE = 240_000
BUILD = 2
"""Version of this build; an older build in the output folder is replaced."""
RULE_BASED_SPLITTER = REPO / "bot" / "translation" / "data" / "rule-sbd.onnx"

LAYERS = 6
HEADS = 8
D_MODEL = 512
FFN = 2048
VOCAB = 50_000
MAX_POSITIONS = 5000
SEED = 20261201
ARCHITECTURE = (
    f"Transformer base: {LAYERS}+{LAYERS} layers, {HEADS} heads, d_model {D_MODEL}, "
    f"ffn {FFN}, shared vocabulary {VOCAB}, int8"
)


def wordfreq_wheel() -> Path:
    """Returns the wordfreq wheel (its word lists), downloaded with pip on first use.

    Only its data files are read (`wordfreq/data/*.msgpack.gz`); the package is never
    installed (its dependencies clash with Rasa's pins).

    Raises:
        RuntimeError: when the wheel cannot be downloaded (no connection to PyPI).
    """
    WORDFREQ_CACHE.mkdir(parents=True, exist_ok=True)
    wheel = WORDFREQ_CACHE / f"wordfreq-{WORDFREQ_VERSION}-py3-none-any.whl"
    if not wheel.is_file():
        command = [
            sys.executable, "-m", "pip", "download", f"wordfreq=={WORDFREQ_VERSION}",
            "--no-deps", "--only-binary=:all:", "--quiet", "-d", str(WORDFREQ_CACHE),
        ]
        if subprocess.run(command, check=False).returncode != 0 or not wheel.is_file():
            raise RuntimeError(
                f"could not download wordfreq {WORDFREQ_VERSION} (its word lists train the "
                "packs' SentencePiece models); needs a connection to PyPI once"
            )
    return wheel


def word_frequencies(language: str, words: int = WORDS_PER_LANGUAGE) -> Dict[str, float]:
    """Returns a language's most frequent words and their frequencies (wordfreq).

    wordfreq's lists are case-folded; running text has capitalised words too (sentence
    starts, German nouns), so each word also comes capitalised at a third of its
    frequency.

    Args:
        language: ISO 639-1 code.
        words: How many entries (words and their capitalised forms) to return.
    """
    import gzip

    import msgpack

    with zipfile.ZipFile(wordfreq_wheel()) as wheel:
        names = set(wheel.namelist())
        name = f"wordfreq/data/large_{language}.msgpack.gz"
        if name not in names:
            name = f"wordfreq/data/small_{language}.msgpack.gz"
        data = msgpack.unpackb(gzip.decompress(wheel.read(name)), raw=False)
    frequencies: Dict[str, float] = {}
    # After a header, bucket i holds the words of frequency 10^(-i/100) (centibels).
    for index, bucket in enumerate(data[1:]):
        frequency = 10 ** (-index / 100)
        for word in bucket:
            if len(frequencies) >= words:
                return frequencies
            if not word.strip() or "\t" in word:
                continue
            frequencies[word] = frequencies.get(word, 0.0) + frequency
            capitalised = word[:1].upper() + word[1:]
            if capitalised != word:
                frequencies[capitalised] = frequencies.get(capitalised, 0.0) + frequency / 3
    return frequencies


def train_sentencepiece(folder: Path, languages: Iterable[str]) -> Path:
    """Trains a pack's SentencePiece model as Argos does: both languages, 50,000 pieces.

    A real pack's model is trained on millions of sentences of both languages of its
    pair; here on the words of those languages with their frequencies in running text
    (wordfreq: Wikipedia, subtitles, news, web text), which is what a unigram
    SentencePiece model learns from a corpus (it splits at spaces first), each language
    weighted equally as in a parallel corpus. One difference: a word that is part of no
    other listed word never becomes a piece of its own ("où" splits into "o", "ù"), so
    a few short words split more finely than in a real pack. Words drawn by their
    frequencies into running text avoid that, but split the rarer words (which such a
    sample holds a few times only) more finely still: 1.64 pieces per word in German
    instead of 1.45.

    Args:
        folder: Where the model is written.
        languages: The pair's two languages.
    """
    import sentencepiece as spm

    languages = list(languages)
    counts: Dict[str, float] = {}
    for language in languages:
        for word, frequency in word_frequencies(language).items():
            counts[word] = counts.get(word, 0.0) + frequency
    corpus = folder / f"words-{'-'.join(languages)}.tsv"
    corpus.write_text(
        "".join(f"{word}\t{max(1, round(f * 1e7))}\n" for word, f in counts.items()),
        encoding="utf-8",
    )
    prefix = folder / f"sentencepiece-{'-'.join(languages)}"
    spm.SentencePieceTrainer.train(
        input=str(corpus), input_format="tsv", model_prefix=str(prefix), vocab_size=VOCAB,
        hard_vocab_limit=False, model_type="unigram", character_coverage=1.0,
        num_threads=2, minloglevel=2,
    )
    corpus.unlink()
    return prefix.with_suffix(".model")


def pair_languages(pair: str) -> Tuple[str, str]:
    """Returns the two languages of a pair such as "de_en", in a fixed order."""
    first, second = pair.split("_")
    return tuple(sorted((first, second)))  # type: ignore[return-value]


def sentencepiece_model(root: Path, pair: str) -> Path:
    """Returns the SentencePiece model of a pair's packs (both directions share it)."""
    return root / "sentencepiece" / f"{'-'.join(pair_languages(pair))}.model"


def vocabulary(sp_model: Path) -> List[str]:
    """Returns the CTranslate2 vocabulary: OpenNMT's specials, the pieces, then fillers."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(sp_model))
    specials = ["<unk>", "<blank>", "<s>", "</s>"]
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    tokens = specials + [piece for piece in pieces if piece not in specials]
    tokens += [f"▁filler{i}" for i in range(VOCAB - len(tokens))]
    return tokens[:VOCAB]


def sinusoids(length: int, size: int) -> np.ndarray:
    """Returns OpenNMT-py's sinusoidal position encodings."""
    position = np.arange(length, dtype=np.float32)[:, None]
    rates = np.exp(np.arange(0, size, 2, dtype=np.float32) * -(np.log(10000.0) / size))
    encodings = np.zeros((length, size), dtype=np.float32)
    encodings[:, 0::2] = np.sin(position * rates)
    encodings[:, 1::2] = np.cos(position * rates)
    return encodings


def random_variables(rng: np.random.Generator) -> Dict[str, np.ndarray]:
    """Returns an OpenNMT-py checkpoint's variables, random (Glorot-scaled)."""

    def matrix(rows: int, columns: int) -> np.ndarray:
        limit = np.sqrt(6.0 / (rows + columns))
        return rng.uniform(-limit, limit, (rows, columns)).astype(np.float32)

    def vector(size: int, value: float = 0.0) -> np.ndarray:
        return np.full(size, value, dtype=np.float32)

    variables: Dict[str, np.ndarray] = {}

    def linear(scope: str, rows: int, columns: int) -> None:
        variables[f"{scope}.weight"] = matrix(rows, columns)
        variables[f"{scope}.bias"] = vector(rows)

    def norm(scope: str) -> None:
        variables[f"{scope}.weight"] = vector(D_MODEL, 1.0)
        variables[f"{scope}.bias"] = vector(D_MODEL)

    def attention(scope: str) -> None:
        for name in ("linear_query", "linear_keys", "linear_values", "final_linear"):
            linear(f"{scope}.{name}", D_MODEL, D_MODEL)

    def ffn(scope: str) -> None:
        norm(f"{scope}.layer_norm")
        linear(f"{scope}.w_1", FFN, D_MODEL)
        linear(f"{scope}.w_2", D_MODEL, FFN)

    embeddings = matrix(VOCAB, D_MODEL)  # shared: encoder, decoder and generator
    positions = sinusoids(MAX_POSITIONS, D_MODEL)[:, None, :]
    for side in ("encoder", "decoder"):
        variables[f"{side}.embeddings.make_embedding.emb_luts.0.weight"] = embeddings
        variables[f"{side}.embeddings.make_embedding.pe.pe"] = positions
        norm(f"{side}.layer_norm")
    for i in range(LAYERS):
        scope = f"encoder.transformer.{i}"
        attention(f"{scope}.self_attn")
        norm(f"{scope}.layer_norm")
        ffn(f"{scope}.feed_forward")
        scope = f"decoder.transformer_layers.{i}"
        attention(f"{scope}.self_attn")
        attention(f"{scope}.context_attn")
        norm(f"{scope}.layer_norm_1")
        norm(f"{scope}.layer_norm_2")
        ffn(f"{scope}.feed_forward")
    variables["generator.weight"] = embeddings
    variables["generator.bias"] = vector(VOCAB)
    return variables


def build_model(tokens: List[str], out: Path) -> None:
    """Writes a random CTranslate2 int8 model of the Argos architecture to `out`."""
    from ctranslate2.converters.opennmt_py import _get_model_spec_seq2seq

    options = SimpleNamespace(
        enc_layers=LAYERS, dec_layers=LAYERS, heads=HEADS, max_relative_positions=0,
        pos_ffn_activation_fn="relu", feat_merge="concat", lambda_align=0.0,
        position_encoding=True, decoder_start_token="<s>",
    )
    variables = random_variables(np.random.default_rng(SEED))
    spec = _get_model_spec_seq2seq(options, variables, [tokens], [tokens], 1)
    spec.validate()
    spec.optimize(quantization="int8")
    out.mkdir(parents=True, exist_ok=True)
    spec.save(str(out))


def write_package(folder: Path, pair: str, model: Path, sp_model: Path) -> None:
    """Writes an installed Argos package that uses the shared model folder."""
    from_code, to_code = pair.split("_")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model").symlink_to(model.resolve(), target_is_directory=True)
    shutil.copyfile(sp_model, folder / "sentencepiece.model")
    (folder / "minisbd").mkdir()
    shutil.copyfile(RULE_BASED_SPLITTER, folder / "minisbd" / "rule-sbd.onnx")
    metadata = {
        "package_version": "1.0", "argos_version": "1.9.0", "type": "translate",
        "code": f"translate-{pair}", "name": f"{from_code} - {to_code} (size-realistic, random)",
        "from_code": from_code, "from_name": from_code, "to_code": to_code, "to_name": to_code,
        "links": [], "dependencies": [], "fixture": True, "architecture": ARCHITECTURE,
    }
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")


def build(out: Path, pairs: Iterable[str]) -> Path:
    """Builds the packs into `out/packages/` (model shared in `out/model/`).

    Every pair of languages gets its own SentencePiece model (`out/sentencepiece/`),
    shared by its two directions; the random model's vocabulary comes from the
    German–English one (the random weights do not care which pieces they see).

    Returns:
        The packs root (use as `LANGUAGE_PACKS_DIR`).
    """
    marker = out / "build.json"
    if out.is_dir() and (
        not marker.is_file() or json.loads(marker.read_text()).get("build") != BUILD
    ):
        shutil.rmtree(out)  # an older build (one SentencePiece model for every language)
    out.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"build": BUILD}) + "\n")
    packages, model = out / "packages", out / "model"
    pairs = list(pairs)
    for pair in dict.fromkeys(["de_en", *pairs]):
        sp_model = sentencepiece_model(out, pair)
        if not sp_model.is_file():
            sp_model.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory() as tmp:
                trained = train_sentencepiece(Path(tmp), pair_languages(pair))
                shutil.copyfile(trained, sp_model)
    if not (model / "model.bin").is_file():
        build_model(vocabulary(sentencepiece_model(out, "de_en")), model)
    for pair in pairs:
        folder = packages / f"translate-{pair}-realistic"
        if not (folder / "metadata.json").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            write_package(folder, pair, model, sentencepiece_model(out, pair))
    return out


def pieces_per_word(sp_model: Path, texts: Iterable[str]) -> float:
    """Returns how finely a SentencePiece model splits texts (pieces per word).

    A real Argos pack splits messages into about 1.1 to 1.6 pieces per word
    (punctuation counts as a piece); a finer split costs more per message.
    """
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(sp_model))
    texts = list(texts)
    pieces = sum(len(processor.encode(text)) for text in texts)
    return pieces / max(1, sum(len(text.split()) for text in texts))


def main(argv: List[str] | None = None) -> int:
    """Runs the command line interface."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "var" / "realistic-packs")
    parser.add_argument("--pairs", nargs="+", default=["de_en", "en_de"])
    args = parser.parse_args(argv)
    root = build(args.out, args.pairs)
    size = sum(p.stat().st_size for p in (root / "model").iterdir())
    print(f"{ARCHITECTURE}; model {size / 1e6:.0f} MB; packs in {root / 'packages'}")
    for sp_model in sorted((root / "sentencepiece").glob("*.model")):
        print(f"  SentencePiece {sp_model.stem}: {sp_model.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
