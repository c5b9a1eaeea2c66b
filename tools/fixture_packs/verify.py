#!/usr/bin/env python3
"""Check the fixture .argosmodel packages through argostranslate's real code path.

Run with the project's venv (argos-translate-lt 1.12.1), no torch needed:

    .venv/bin/python tools/fixture_packs/verify.py [--min-exact 0.95]

It installs every tests/fixtures/argos/*.argosmodel with
argostranslate.package.install_from_path into a temporary ARGOS_PACKAGES_DIR (and
temporary XDG dirs, so nothing of the user's installation is used), blocks all network
access in the process (any attempt is reported and fails the check), and then
  * translates every training pair with argostranslate.translate.translate() in all four
    directions (de->en, en->de, ar->en, en->ar) and requires an exact match for at least
    --min-exact of them,
  * checks ar->de and de->ar, which only exist through the English pivot,
  * checks that multi-sentence input is split by the package-local MiniSBD model.
"""
from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

NETWORK_ATTEMPTS: list[str] = []


def block_network():
    """Make every socket connection or DNS lookup in this process fail and be recorded."""
    def refuse(*args, **kwargs):
        NETWORK_ATTEMPTS.append(repr(args[:2]))
        raise OSError("network disabled by tools/fixture_packs/verify.py")

    socket.socket.connect = refuse  # type: ignore[assignment]
    socket.socket.connect_ex = refuse  # type: ignore[assignment]
    socket.create_connection = refuse  # type: ignore[assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """Read the (source, english) pairs of a phrase file."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            src, tgt = line.split("\t")
            pairs.append((src.strip(), tgt.strip()))
    return pairs


def score(translate, pairs, from_code, to_code, label=None, show=5):
    """Translate pairs, print the result and a few misses; return the exact-match rate."""
    misses = []
    for src, want in pairs:
        got = translate(src, from_code, to_code)
        if got != want:
            misses.append((src, want, got))
    ok = len(pairs) - len(misses)
    rate = ok / len(pairs) if pairs else 0.0
    print(f"{label or f'{from_code}->{to_code}'}: {ok}/{len(pairs)} exact ({rate:.1%})")
    for src, want, got in misses[:show]:
        print(f"    miss: {src!r} -> {got!r} (want {want!r})")
    return rate


def main() -> int:
    """Install the fixture packages and run all checks; return the exit code."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--packages", default=str(REPO / "tests" / "fixtures" / "argos"))
    ap.add_argument("--phrases", default=str(HERE / "phrases"))
    ap.add_argument("--min-exact", type=float, default=0.95)
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="argos-fixture-verify-")
    root = Path(tmp.name)
    # argostranslate reads these at import time.
    os.environ["ARGOS_PACKAGES_DIR"] = str(root / "packages")
    os.environ["XDG_DATA_HOME"] = str(root / "data")
    os.environ["XDG_CONFIG_HOME"] = str(root / "config")
    os.environ["XDG_CACHE_HOME"] = str(root / "cache")
    os.environ.pop("ARGOS_CHUNK_TYPE", None)  # the default (MiniSBD) is what we test
    block_network()

    import argostranslate
    import argostranslate.package
    import argostranslate.settings
    import argostranslate.translate
    from argostranslate.sbd import MiniSBDSentencizer

    try:
        from importlib.metadata import version

        print(f"argos-translate-lt {version('argos-translate-lt')}, "
              f"chunk_type={argostranslate.settings.chunk_type.name}, "
              f"beam={argostranslate.settings.beam_size}")
    except Exception:
        pass

    packages = sorted(Path(args.packages).glob("*.argosmodel"))
    if not packages:
        print(f"no packages in {args.packages}")
        return 1
    for p in packages:
        print(f"install {p.name} ({p.stat().st_size / 1024:.0f} KiB)")
        argostranslate.package.install_from_path(p)

    installed = argostranslate.package.get_installed_packages()
    for pkg in installed:
        assert pkg.packaged_sbd_path is not None and pkg.packaged_sbd_path.name == "minisbd", (
            f"{pkg} has no package-local minisbd/ folder"
        )

    translate = argostranslate.translate.translate
    failed = []

    phrases = Path(args.phrases)
    files = sorted(phrases.glob("*_en.tsv"))
    tables = {path.name.split("_")[0]: read_pairs(path) for path in files}
    for code, pairs in tables.items():
        for f, t, pp in ((code, "en", pairs), ("en", code, [(b, a) for a, b in pairs])):
            if score(translate, pp, f, t) < args.min_exact:
                failed.append(f"{f}->{t}")

    # Pivot through English: only sentences whose English side exists in both files.
    en_to_de = {en: de for de, en in tables["de"]}
    for code in sorted(set(tables) - {"de"}):
        xx_de = [(xx, en_to_de[en]) for xx, en in tables[code] if en in en_to_de]
        for f, t, pp in ((code, "de", xx_de), ("de", code, [(b, a) for a, b in xx_de])):
            if score(translate, pp, f, t, label=f"{f}->{t} (pivot via en)") < args.min_exact:
                failed.append(f"{f}->{t}")
    translation = argostranslate.translate.get_translation_from_codes("ar", "de")
    kind = type(translation).__name__
    print(f"ar->de translation object: {kind}")
    if kind != "CompositeTranslation":
        failed.append("ar->de is not a pivot (CompositeTranslation)")

    # Sentence splitting with the package-local MiniSBD model (no download).
    examples = [
        ("Hallo! Wie geht es Ihnen?", "de", "en", "Hello! How are you?"),
        ("Danke für Ihre Hilfe. Auf Wiedersehen", "de", "en", "Thanks for your help. Goodbye"),
        ("مرحبا! هل أنت روبوت؟ ماذا يمكنك أن تفعل؟", "ar", "en",
         "Hello! Are you a bot? What can you do?"),
        ("Hallo!\nIch brauche Hilfe.", "de", "ar", "مرحبا!\nأحتاج إلى مساعدة."),
    ]
    for text, f, t, want in examples:
        got = translate(text, f, t)
        status = "ok" if got == want else "MISMATCH"
        print(f"split {f}->{t}: {text!r} -> {got!r} [{status}]")
        if got != want:
            failed.append(f"split {text!r}")
    tr = argostranslate.translate.get_translation_from_codes("de", "en")
    sentencizer = tr.underlying.sentencizer
    assert isinstance(sentencizer, MiniSBDSentencizer)
    print(f"sentencizer: {type(sentencizer).__name__} using {sentencizer.lang}")
    print("sentences:", sentencizer.split_sentences(
        "Wo finde ich einen Sprachkurs? Danke für Ihre Hilfe. Tschüss!"))

    # Placeholders must survive the real path (what the project's protection relies on).
    ph = translate("Rufen Sie ⟦0⟧ an oder schreiben Sie an ⟦1⟧.", "de", "ar")
    print(f"placeholders de->ar: {ph!r}")

    minisbd_cache = argostranslate.settings.data_dir / "minisbd"
    cached = sorted(p.name for p in minisbd_cache.glob("*")) if minisbd_cache.exists() else []
    print(f"network attempts: {len(NETWORK_ATTEMPTS)}; minisbd download cache: {cached}")
    if NETWORK_ATTEMPTS or cached:
        failed.append("network/download attempted")

    if failed:
        print("FAILED:", ", ".join(failed))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
