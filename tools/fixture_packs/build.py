#!/usr/bin/env python3
"""Build tiny but real Argos Translate packages (.argosmodel) used as test fixtures.

Run with the one-off build venv (PyTorch is only needed here, never in CI):

    python3.11 -m venv .build-venv
    .build-venv/bin/pip install torch==2.13.0 transformers sentencepiece ctranslate2 onnx
    .build-venv/bin/python tools/fixture_packs/build.py            # all pairs
    .build-venv/bin/python tools/fixture_packs/build.py --pairs de_en

For every phrase file tools/fixture_packs/phrases/<xx>_en.tsv (xx<TAB>English) this
builds two packages, xx->en and en->xx, each with
  * a shared SentencePiece model trained on both columns (placeholders ⟦0⟧..⟦9⟧ are
    user-defined pieces, so they are single tokens the model learns to copy),
  * a randomly initialised, tiny MarianMT model (transformers) trained with a fixed seed
    until it reproduces every pair, converted to CTranslate2 int8,
  * a package-local MiniSBD sentence splitter (minisbd/fixture-sbd.onnx, see README.md)
    so argostranslate never downloads a sentence-boundary model,
and writes tests/fixtures/argos/translate-<from>_<to>-fixture.argosmodel.

After each training round the packaged model is checked with the decoding settings that
argostranslate 1.12.1 uses (source pieces without </s>, beam 4, length penalty 0.2,
replace_unknowns); training continues until all pairs are reproduced exactly (or the
round limit is hit, which fails the build).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PHRASES_DIR = HERE / "phrases"
OUT_DIR = REPO / "tests" / "fixtures" / "argos"

LANG_NAMES = {"en": "English", "de": "German", "ar": "Arabic", "fa": "Persian"}
PLACEHOLDERS = [f"⟦{i}⟧" for i in range(10)]
SEED = 1234
ARGOS_VERSION = "1.12.1"
PACKAGE_VERSION = "1.0"

# Model / training hyper-parameters (small on purpose: ~300k parameters).
D_MODEL = 64
FFN_DIM = 256
LAYERS = 2
HEADS = 4
VOCAB_SIZE = 600
STEPS_PER_ROUND = 400
MAX_ROUNDS = 5
LR = 3e-3
HARD_TOKEN_WEIGHT = 0.5
# Accept the best round if it reproduces at least this share of pairs (build fails below).
MIN_EXACT = 0.97

# Decoding settings of argostranslate 1.12.1 (translate.apply_packaged_translation).
ARGOS_BEAM = int(os.environ.get("ARGOS_BEAM_SIZE", "4"))
ARGOS_LENGTH_PENALTY = 0.2


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """Read a phrase file (source<TAB>english); exit on bad lines or duplicates."""
    pairs = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 2 or not cols[0].strip() or not cols[1].strip():
            raise SystemExit(f"{path}:{lineno}: expected 'source<TAB>english'")
        pairs.append((cols[0].strip(), cols[1].strip()))
    for col in (0, 1):
        seen = {}
        for src, tgt in pairs:
            key = (src, tgt)[col]
            if key in seen:
                raise SystemExit(f"{path}: duplicate entry in column {col + 1}: {key!r}")
            seen[key] = True
    return pairs


# --------------------------------------------------------------------------- SentencePiece
def train_sentencepiece(texts: list[str], workdir: Path) -> Path:
    """Train the shared SentencePiece model on texts and return the .model path."""
    import sentencepiece as spm

    corpus = workdir / "spm_corpus.txt"
    corpus.write_text("\n".join(texts) + "\n", encoding="utf-8")
    prefix = workdir / "sentencepiece"
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=VOCAB_SIZE,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        # Marian/CTranslate2 convention: </s> = 0, <unk> = 1, <pad> appended last.
        eos_id=0,
        unk_id=1,
        bos_id=-1,
        pad_id=-1,
        user_defined_symbols=PLACEHOLDERS,
        num_threads=1,
        minloglevel=2,
    )
    return prefix.with_suffix(".model")


class _VocabTokenizer:
    """Just enough of a HF tokenizer for ctranslate2's MarianMT loader."""

    eos_token = "</s>"
    unk_token = "<unk>"

    def __init__(self, vocab: dict[str, int]):
        self._vocab = vocab

    def get_vocab(self):
        return dict(self._vocab)


# --------------------------------------------------------------------------- training
class Direction:
    """One translation direction: its pairs, tokenizer, MarianMT model and optimiser."""

    def __init__(self, pairs, sp_model: Path, from_code: str, to_code: str):
        import sentencepiece as spm
        import torch
        from transformers import MarianConfig, MarianMTModel

        self.pairs = pairs
        self.from_code, self.to_code = from_code, to_code
        self.sp_model = sp_model
        self.sp = spm.SentencePieceProcessor(model_file=str(sp_model))
        n = self.sp.get_piece_size()
        self.pad_id = n  # <pad> appended as last id (dropped again by the CT2 converter)
        self.vocab = {self.sp.id_to_piece(i): i for i in range(n)}
        self.vocab["<pad>"] = n
        self.eos_id = self.sp.piece_to_id("</s>")
        assert self.eos_id == 0

        torch.manual_seed(SEED)
        random.seed(SEED)
        config = MarianConfig(
            vocab_size=n + 1,
            decoder_vocab_size=n + 1,
            d_model=D_MODEL,
            encoder_layers=LAYERS,
            decoder_layers=LAYERS,
            encoder_attention_heads=HEADS,
            decoder_attention_heads=HEADS,
            encoder_ffn_dim=FFN_DIM,
            decoder_ffn_dim=FFN_DIM,
            max_position_embeddings=256,
            activation_function="relu",
            dropout=0.0,
            attention_dropout=0.0,
            activation_dropout=0.0,
            scale_embedding=True,
            share_encoder_decoder_embeddings=True,
            tie_word_embeddings=True,
            pad_token_id=self.pad_id,
            eos_token_id=self.eos_id,
            decoder_start_token_id=self.pad_id,
            forced_eos_token_id=self.eos_id,
        )
        self.model = MarianMTModel(config)
        self._zero_pad_row()

        # argostranslate feeds the source pieces WITHOUT </s>; the target ends with </s>.
        src = [self.sp.encode(s, out_type=int) for s, _ in pairs]
        tgt = [self.sp.encode(t, out_type=int) + [self.eos_id] for _, t in pairs]
        ls, lt = max(map(len, src)), max(map(len, tgt))
        self.input_ids = torch.full((len(pairs), ls), self.pad_id, dtype=torch.long)
        self.attention = torch.zeros((len(pairs), ls), dtype=torch.long)
        self.labels = torch.full((len(pairs), lt), -100, dtype=torch.long)
        for i, (s, t) in enumerate(zip(src, tgt, strict=True)):
            self.input_ids[i, : len(s)] = torch.tensor(s)
            self.attention[i, : len(s)] = 1
            self.labels[i, : len(t)] = torch.tensor(t)
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=LR, weight_decay=0.0)
        self.step = 0

    def _zero_pad_row(self):
        # CTranslate2 starts the decoder from a zero embedding and drops the <pad> row;
        # with tied embeddings that row must stay zero during training.
        import torch

        with torch.no_grad():
            self.model.get_input_embeddings().weight[self.pad_id].zero_()

    def train(self, steps: int) -> float:
        """Train for the given number of steps and return the last mean token loss."""
        import torch

        self.model.train()
        loss_val = float("nan")
        for _ in range(steps):
            lr = LR * min(1.0, (self.step + 1) / 100)
            for g in self.opt.param_groups:
                g["lr"] = lr
            out = self.model(
                input_ids=self.input_ids, attention_mask=self.attention, labels=self.labels
            )
            # Mean token loss plus a term on the worst token of every sentence: a
            # memorising model must not have a single uncertain step, otherwise beam
            # search (and int8 noise) finds a shortcut that skips a piece.
            ce = torch.nn.functional.cross_entropy(
                out.logits.transpose(1, 2), self.labels, ignore_index=-100, reduction="none"
            )
            mask = (self.labels != -100).float()
            loss = (ce * mask).sum() / mask.sum() + HARD_TOKEN_WEIGHT * ce.max(dim=1).values.mean()
            self.opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.opt.step()
            self._zero_pad_row()
            self.step += 1
            loss_val = out.loss.item()  # plain mean token loss, for the log
        return loss_val

    def convert(self, out_dir: Path):
        """Convert the model to a CTranslate2 int8 model in out_dir."""
        import ctranslate2
        import torch
        from ctranslate2.converters import TransformersConverter

        tok = _VocabTokenizer(self.vocab)

        class _Converter(TransformersConverter):
            def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
                return tok

        with tempfile.TemporaryDirectory() as tmp:
            self.model.save_pretrained(tmp)
            _Converter(tmp).convert(str(out_dir), quantization="int8", force=True)
        # Sanity: vocabulary must equal the SentencePiece pieces (pad removed).
        vocab_file = out_dir / "shared_vocabulary.json"
        if vocab_file.exists():
            ct2_vocab = json.loads(vocab_file.read_text(encoding="utf-8"))
            assert len(ct2_vocab) == self.sp.get_piece_size(), len(ct2_vocab)
        del ctranslate2, torch


def argos_like_translate(translator, sp, sentences: list[str]) -> list[str]:
    """Mimic argostranslate.translate.apply_packaged_translation for single sentences."""
    tokens = [sp.encode(s, out_type=str) for s in sentences]
    results = translator.translate_batch(
        tokens,
        replace_unknowns=True,
        max_batch_size=32,
        batch_type="tokens",
        beam_size=max(1, ARGOS_BEAM),
        num_hypotheses=1,
        length_penalty=ARGOS_LENGTH_PENALTY,
        return_scores=True,
    )
    out = []
    for r in results:
        value = sp.decode_pieces(r.hypotheses[0]).replace("▁", " ").replace("_", " ")
        if value.startswith(" "):
            value = value[1:]
        out.append(value)
    return out


def check_model(model_dir: Path, direction: Direction) -> list[tuple[str, str, str]]:
    """Translate every pair like argostranslate; return (source, want, got) misses."""
    import ctranslate2

    translator = ctranslate2.Translator(str(model_dir), device="cpu")
    srcs = [p[0] for p in direction.pairs]
    hyps = argos_like_translate(translator, direction.sp, srcs)
    return [(s, t, h) for (s, t), h in zip(direction.pairs, hyps, strict=True) if h != t]


# --------------------------------------------------------------------------- MiniSBD
SBD_PUNCT = [".", "!", "?", "؟", "…"]


def build_minisbd_onnx(path: Path):
    """Write a tiny rule-based model in MiniSBD's ONNX format to path.

    Inputs units/features, output per-character logits over {0: inside token,
    1: token end, 2: sentence end}.

    Rule: a character followed by a space ends a token; if it is one of . ! ? ؟ … it
    also ends a sentence. The last character of a paragraph always ends a sentence
    (MiniSBD forces that itself).
    """
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    id2unit = ["<PAD>", "<UNK>"] + SBD_PUNCT
    is_punct = np.array([0.0, 0.0] + [1.0] * len(SBD_PUNCT), dtype=np.float32)
    inits = [
        numpy_helper.from_array(is_punct, "is_punct_table"),
        numpy_helper.from_array(np.array([0], dtype=np.int64), "zero_idx"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "one_i"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
        numpy_helper.from_array(np.array([np.iinfo(np.int64).max], dtype=np.int64), "int_max"),
        numpy_helper.from_array(np.array(0.0, dtype=np.float32), "f_zero"),
        numpy_helper.from_array(np.array(0.5, dtype=np.float32), "f_half"),
        numpy_helper.from_array(np.array(1.0, dtype=np.float32), "f_one"),
        numpy_helper.from_array(np.array(2.0, dtype=np.float32), "f_two"),
    ]
    nodes = [
        # space_before feature of every unit: [B, T]
        helper.make_node("Gather", ["features", "zero_idx"], ["space3"], axis=2),
        helper.make_node("Squeeze", ["space3", "axis2"], ["space"]),
        # next unit is a space (end of paragraph counts as "space")
        helper.make_node("Slice", ["space", "one_i", "int_max", "axis1"], ["space_tail"]),
        helper.make_node("Slice", ["space", "zero_idx", "one_i", "axis1"], ["space_first"]),
        helper.make_node("Mul", ["space_first", "f_zero"], ["zeros_col"]),
        helper.make_node("Add", ["zeros_col", "f_one"], ["ones_col"]),
        helper.make_node("Concat", ["space_tail", "ones_col"], ["next_space"], axis=1),
        # punctuation lookup (unknown characters map to <UNK> = not punctuation)
        helper.make_node("Gather", ["is_punct_table", "units"], ["punct"], axis=0),
        helper.make_node("Mul", ["punct", "next_space"], ["p_and_s"]),
        helper.make_node("Mul", ["p_and_s", "f_two"], ["logit2"]),
        helper.make_node("Mul", ["next_space", "f_zero"], ["zeros_bt"]),
        helper.make_node("Add", ["zeros_bt", "f_half"], ["logit0"]),
        helper.make_node("Unsqueeze", ["logit0", "axis2"], ["l0"]),
        helper.make_node("Unsqueeze", ["next_space", "axis2"], ["l1"]),
        helper.make_node("Unsqueeze", ["logit2", "axis2"], ["l2"]),
        helper.make_node("Concat", ["l0", "l1", "l2"], ["logits"], axis=2),
    ]
    graph = helper.make_graph(
        nodes,
        "fixture_sbd",
        [
            helper.make_tensor_value_info("units", TensorProto.INT64, ["B", "T"]),
            helper.make_tensor_value_info("features", TensorProto.FLOAT, ["B", "T", 1]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["B", "T", 3])],
        initializer=inits,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="fixture_packs"
    )
    model.ir_version = 8
    config = {
        "feat_funcs": ["space_before"],
        "use_dictionary": False,
        "num_dict_feat": 0,
        "max_seqlen": 1000,
        "batch_size": 32,
        "skip_newline": False,
        "no_ssplit": False,
    }
    vocab = {
        "lang": "",
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_unit2id": {u: i for i, u in enumerate(id2unit)},
        "_id2unit": id2unit,
    }
    for key, value in {
        "lang_code": "xx",
        "config": json.dumps(config),
        "vocab": json.dumps(vocab, ensure_ascii=False),
        "lexicon": "null",
    }.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))


# --------------------------------------------------------------------------- packaging
def write_package(direction: Direction, model_dir: Path, out_file: Path, n_pairs: int):
    """Write the .argosmodel zip for direction with the CTranslate2 model in model_dir."""
    f, t = direction.from_code, direction.to_code
    top = f"translate-{f}_{t}-fixture"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / top
        root.mkdir()
        shutil.copytree(model_dir, root / "model")
        shutil.copy(direction.sp_model, root / "sentencepiece.model")
        build_minisbd_onnx(root / "minisbd" / "fixture-sbd.onnx")
        metadata = {
            "package_version": PACKAGE_VERSION,
            "argos_version": ARGOS_VERSION,
            "code": f"translate-{f}_{t}",
            "name": f"{LANG_NAMES[f]} - {LANG_NAMES[t]} (test fixture)",
            "type": "translate",
            "from_code": f,
            "from_name": LANG_NAMES[f],
            "to_code": t,
            "to_name": LANG_NAMES[t],
            "languages": [
                {"code": f, "name": LANG_NAMES[f]},
                {"code": t, "name": LANG_NAMES[t]},
            ],
            "links": [],
            "dependencies": [],
            "fixture": True,
            "fixture_pairs": n_pairs,
        }
        (root / "metadata.json").write_text(
            json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (root / "README.md").write_text(
            f"# {metadata['name']}\n\nTiny memorising test fixture built by "
            "tools/fixture_packs/build.py. It only translates the sentences in "
            "tools/fixture_packs/phrases/*.tsv; anything else gives nonsense.\n",
            encoding="utf-8",
        )
        out_file.parent.mkdir(parents=True, exist_ok=True)
        tmp_zip = out_file.with_suffix(".tmp")
        with zipfile.ZipFile(tmp_zip, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for p in sorted(root.rglob("*")):
                arc = p.relative_to(Path(tmp)).as_posix() + ("/" if p.is_dir() else "")
                info = zipfile.ZipInfo(arc, date_time=(1980, 1, 1, 0, 0, 0))
                if p.is_dir():
                    info.external_attr = (0o40755 << 16) | 0x10
                    zf.writestr(info, b"")
                else:
                    info.external_attr = 0o644 << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    zf.writestr(info, p.read_bytes())
        tmp_zip.replace(out_file)


def build_pair(code: str, workroot: Path):
    """Build the code->en and en->code packages; return their sizes by direction."""
    pairs = read_pairs(PHRASES_DIR / f"{code}_en.tsv")
    print(f"[{code}<->en] {len(pairs)} pairs", flush=True)
    work = workroot / code
    work.mkdir(parents=True, exist_ok=True)
    sp_model = train_sentencepiece([s for s, _ in pairs] + [t for _, t in pairs], work)
    results = {}
    for from_code, to_code, dpairs in (
        (code, "en", pairs),
        ("en", code, [(t, s) for s, t in pairs]),
    ):
        t0 = time.time()
        d = Direction(dpairs, sp_model, from_code, to_code)
        n_params = sum(p.numel() for p in d.model.parameters())
        model_dir = work / f"ct2_{from_code}_{to_code}"
        best = None  # (n_failures, failures, round)
        for rnd in range(1, MAX_ROUNDS + 1):
            loss = d.train(STEPS_PER_ROUND)
            cand = work / f"ct2_{from_code}_{to_code}_round{rnd}"
            d.convert(cand)
            failures = check_model(cand, d)
            print(
                f"  {from_code}->{to_code} round {rnd}: step {d.step} loss {loss:.4f} "
                f"exact {len(dpairs) - len(failures)}/{len(dpairs)} "
                f"({time.time() - t0:.0f}s, {n_params} params)",
                flush=True,
            )
            improved = best is None or len(failures) < len(best[0])
            if improved:
                shutil.rmtree(model_dir, ignore_errors=True)
                cand.rename(model_dir)
                best = (failures, rnd)
            else:
                shutil.rmtree(cand, ignore_errors=True)
            if not failures:
                break
            if not improved and 1 - len(best[0]) / len(dpairs) >= MIN_EXACT:
                break  # good enough and no longer improving (usually int8/beam shortcuts)
        failures, rnd = best
        exact = 1 - len(failures) / len(dpairs)
        for s, t, h in failures[:20]:
            print(f"    MISS (round {rnd}) {s!r}: want {t!r} got {h!r}")
        if exact < MIN_EXACT:
            raise SystemExit(
                f"{from_code}->{to_code}: only {exact:.1%} of pairs reproduced "
                f"(need {MIN_EXACT:.0%}); raise STEPS_PER_ROUND/MAX_ROUNDS or D_MODEL"
            )
        out_file = OUT_DIR / f"translate-{from_code}_{to_code}-fixture.argosmodel"
        write_package(d, model_dir, out_file, len(dpairs))
        size = out_file.stat().st_size
        print(f"  wrote {out_file.relative_to(REPO)} ({size / 1024:.0f} KiB)", flush=True)
        results[(from_code, to_code)] = size
    return results


def main():
    """Build the fixture packages selected on the command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--pairs",
        nargs="*",
        help="language codes to build (default: every phrases/<xx>_en.tsv)",
    )
    ap.add_argument("--keep-work", help="keep intermediate files in this directory")
    args = ap.parse_args()

    import torch

    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    torch.use_deterministic_algorithms(True, warn_only=True)

    codes = args.pairs or sorted(p.name.split("_")[0] for p in PHRASES_DIR.glob("*_en.tsv"))
    for code in codes:
        if code not in LANG_NAMES:
            raise SystemExit(f"add a name for {code!r} to LANG_NAMES")
    if args.keep_work:
        work = Path(args.keep_work)
        work.mkdir(parents=True, exist_ok=True)
        for code in codes:
            build_pair(code, work)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            for code in codes:
                build_pair(code, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
