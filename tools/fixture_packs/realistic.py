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
* a SentencePiece model trained on the project's own texts (the source documents and
  the fixture phrases), so that messages split into about as many pieces as with a
  real model; its pieces are padded with filler pieces to the full vocabulary size;
* the package layout of an installed Argos pack (metadata.json, model/,
  sentencepiece.model, minisbd/ with the rule-based sentence splitter).

Random weights do not stop at a sensible length, so the benchmark caps decoding at
the reference length (`TRANSLATION_MAX_LENGTH_RATIO`, see tools/bench_translation.py).
Built on demand into a git-ignored folder, never committed (about 80 MB per model;
all packs of one build share one model folder through symbolic links):

    .venv/bin/python tools/fixture_packs/realistic.py --pairs de_en en_de ar_en en_ar
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Dict, Iterable, List

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PHRASES_DIR = HERE / "phrases"
RULE_BASED_SPLITTER = REPO / "bot" / "translation" / "data" / "rule-sbd.onnx"

LAYERS = 6
HEADS = 8
D_MODEL = 512
FFN = 2048
VOCAB = 50_000
MAX_POSITIONS = 5000
SEED = 20261201
USER_LANGUAGE_WEIGHT = 4
ARCHITECTURE = (
    f"Transformer base: {LAYERS}+{LAYERS} layers, {HEADS} heads, d_model {D_MODEL}, "
    f"ffn {FFN}, shared vocabulary {VOCAB}, int8"
)


def corpus_texts() -> List[str]:
    """Returns the project's texts the SentencePiece model learns its pieces from.

    The source documents, the NLU training data and responses, the fixture phrases, the
    detection test messages and the detector's common words of every language: about
    the words users and answers use.
    """
    texts = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        texts += [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    for path in sorted(PHRASES_DIR.glob("*_en.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" in line and not line.startswith("#"):
                texts += [column.strip() for column in line.split("\t")]
    for path in sorted([*(REPO / "data").rglob("*.yml"), *(REPO / "domain").glob("*.yml")]):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().lstrip("- ").strip()
            if line and not line.startswith("#") and not line.endswith(":"):
                texts.append(line)
    # The user languages have far less text here than German: their messages and common
    # words count several times, so that frequent words become whole pieces, as in a
    # real 50,000-piece model.
    for path in sorted((REPO / "tests" / "data").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" in line and not line.startswith(("#", "lang\t")):
                texts += [line.split("\t", 1)[1].strip()] * USER_LANGUAGE_WEIGHT
    sys.path.insert(0, str(REPO))
    from bot.language.detect import _COMMON_WORDS, _ROMANIZED_WORDS

    for words in [*_COMMON_WORDS.values(), *_ROMANIZED_WORDS.values()]:
        texts += words.split() * USER_LANGUAGE_WEIGHT
    return [text for text in texts if text]


def train_sentencepiece(folder: Path) -> Path:
    """Trains a SentencePiece model on the corpus (as large a vocabulary as it allows)."""
    import sentencepiece as spm

    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(corpus_texts()) + "\n", encoding="utf-8")
    prefix = folder / "sentencepiece"
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(prefix), vocab_size=16000, hard_vocab_limit=False,
        model_type="unigram", character_coverage=1.0, num_threads=1, minloglevel=2,
    )
    return prefix.with_suffix(".model")


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

    Returns:
        The packs root (use as `LANGUAGE_PACKS_DIR`).
    """
    out.mkdir(parents=True, exist_ok=True)
    packages = out / "packages"
    model, sp_model = out / "model", out / "sentencepiece.model"
    if not (model / "model.bin").is_file():
        with tempfile.TemporaryDirectory() as tmp:
            trained = train_sentencepiece(Path(tmp))
            tokens = vocabulary(trained)
            build_model(tokens, model)
            shutil.copyfile(trained, sp_model)
    for pair in pairs:
        folder = packages / f"translate-{pair}-realistic"
        if not (folder / "metadata.json").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            write_package(folder, pair, model, sp_model)
    return out


def main(argv: List[str] | None = None) -> int:
    """Runs the command line interface."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "var" / "realistic-packs")
    parser.add_argument("--pairs", nargs="+", default=["de_en", "en_de"])
    args = parser.parse_args(argv)
    root = build(args.out, args.pairs)
    size = sum(p.stat().st_size for p in (root / "model").iterdir())
    print(f"{ARCHITECTURE}; model {size / 1e6:.0f} MB; packs in {root / 'packages'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
