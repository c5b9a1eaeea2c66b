"""Argos Translate language packs: install, list, and keep the running bot offline.

Packs live in a project-local folder (`LANGUAGE_PACKS_DIR`, git-ignored): the packs in
`packages/`, sentence-splitter models in `minisbd/`, downloads in `downloads/`. Commands:

    python -m bot.translation.packs install             # from the Argos index (internet)
    python -m bot.translation.packs install --from DIR  # from local .argosmodel files
    python -m bot.translation.packs list                # what is installed
    python -m bot.translation.packs ensure              # install what is missing, if online

argostranslate reads its settings at import time, so this module sets them first and
imports argostranslate lazily (`argos()`); nothing happens at import of this module.

Sentence splitting: argostranslate's MiniSBD splitter downloads a model on the first
translation when a pack has none. `install` fetches those models while online;
`ensure_offline_splitters` (called before the bot translates anything) puts a small
rule-based splitter in place of any model that is still missing, so the running
assistant never touches the network.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Iterable, List, Optional, Set, Tuple

from bot import settings
from bot.paths import PROJECT_ROOT

PIVOT_LANGUAGE = "en"
"""Argos packs mostly translate from and to English; other pairs pivot through it."""

RULE_BASED_SPLITTER = Path(__file__).with_name("data") / "rule-sbd.onnx"
"""A 1.4 KB MiniSBD-format model that ends sentences after . ! ? ؟ … and a space."""


def packs_root() -> Path:
    """Returns the language-pack folder (absolute; relative settings are project-local)."""
    path = Path(settings.get("LANGUAGE_PACKS_DIR"))
    return path if path.is_absolute() else PROJECT_ROOT / path


def packages_dir() -> Path:
    """Returns where argostranslate keeps the installed packs."""
    return packs_root() / "packages"


def splitter_cache_dir() -> Path:
    """Returns where MiniSBD sentence-splitter models are kept."""
    return packs_root() / "minisbd"


def argos() -> ModuleType:
    """Configures and imports argostranslate, once per process.

    Returns:
        The `argostranslate` package, with `package`, `translate` and `sbd` loaded.
    """
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages_dir())
    packages_dir().mkdir(parents=True, exist_ok=True)
    import argostranslate.package
    import argostranslate.sbd
    import argostranslate.translate
    from minisbd import models as minisbd_models

    # argostranslate.utils logs every call, with the texts, at INFO (it sets that level
    # on import): keep message text out of the logs.
    logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
    minisbd_models.cache_dir = str(splitter_cache_dir())
    return argostranslate


@dataclass(frozen=True)
class InstalledPack:
    """One installed translation pack."""

    from_code: str
    to_code: str
    version: str
    path: Path

    @property
    def has_own_splitter(self) -> bool:
        """Whether the pack ships its own MiniSBD model."""
        return any((self.path / "minisbd").glob("*.onnx"))


def installed_packs() -> List[InstalledPack]:
    """Returns the installed translation packs."""
    package = argos().package
    return [
        InstalledPack(p.from_code, p.to_code, str(p.package_version), Path(p.package_path))
        for p in package.get_installed_packages()
        if p.type == "translate"
    ]


def installed_languages() -> Set[str]:
    """Returns the codes of all languages that some installed pack translates."""
    return {code for p in installed_packs() for code in (p.from_code, p.to_code)}


def splitter_language(from_code: str) -> str:
    """Returns the MiniSBD model name argostranslate uses for a source language."""
    from argostranslate.sbd import MiniSBDSentencizer
    from minisbd import models as minisbd_models

    name = MiniSBDSentencizer.LANGUAGE_CODE_MAPPING.get(from_code, from_code)
    return name if name in minisbd_models.list_models() else "en"


def ensure_offline_splitters() -> List[str]:
    """Makes sure no translation will download a sentence-splitter model.

    For every installed pack without its own splitter whose MiniSBD model is not in
    the cache, the rule-based splitter is put there under that model's name.

    Returns:
        The MiniSBD model names that got the rule-based stand-in.
    """
    argos()
    cache = splitter_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    replaced = []
    for pack in installed_packs():
        if pack.has_own_splitter:
            continue
        name = splitter_language(pack.from_code)
        target = cache / f"{name}.onnx"
        if not target.exists():
            shutil.copyfile(RULE_BASED_SPLITTER, target)
            replaced.append(name)
    return replaced


def install_from_files(folder: Path) -> List[str]:
    """Installs every `.argosmodel` file of a folder.

    Args:
        folder: A folder with `.argosmodel` files.

    Returns:
        The installed file names.

    Raises:
        FileNotFoundError: when the folder has no `.argosmodel` file.
    """
    files = sorted(Path(folder).glob("*.argosmodel"))
    if not files:
        raise FileNotFoundError(f"no .argosmodel files in {folder}")
    package = argos().package
    for path in files:
        package.install_from_path(path)
    ensure_offline_splitters()
    return [path.name for path in files]


def wanted_pairs(languages: Iterable[str], bot_language: str) -> List[Tuple[str, str]]:
    """Returns the pairs to install so that the bot language reaches every language.

    Args:
        languages: The user languages to support.
        bot_language: The language the assistant thinks in (German).
    """
    pairs: List[Tuple[str, str]] = []
    for code in [bot_language, *languages]:
        if code == PIVOT_LANGUAGE:
            continue
        for pair in ((code, PIVOT_LANGUAGE), (PIVOT_LANGUAGE, code)):
            if pair not in pairs:
                pairs.append(pair)
    return pairs


def download(url: str, target: Path, label: str) -> None:
    """Downloads a file with a progress bar."""
    from tqdm import tqdm

    with urllib.request.urlopen(url, timeout=60) as response:
        total = int(response.headers.get("Content-Length") or 0)
        with open(target, "wb") as out, tqdm(
            total=total or None, unit="B", unit_scale=True, desc=label
        ) as bar:
            while chunk := response.read(1 << 16):
                out.write(chunk)
                bar.update(len(chunk))


def fetch_package_index(timeout: float = 30) -> None:
    """Downloads the Argos package index (argostranslate's own update hides errors).

    Raises:
        OSError: when the index cannot be reached.
    """
    argos_settings = argos().settings
    with urllib.request.urlopen(argos_settings.remote_package_index, timeout=timeout) as response:
        data = response.read()
    Path(argos_settings.local_package_index).write_bytes(data)


def install_from_index(
    languages: Iterable[str], bot_language: str, index_timeout: float = 30
) -> List[str]:
    """Installs the packs for the given languages from the Argos package index.

    Also fetches the MiniSBD sentence-splitter models the packs need at run time.

    Returns:
        Problems that were not fatal (pairs the index does not offer, failed downloads).

    Raises:
        OSError: when the package index cannot be reached.
    """
    package = argos().package
    fetch_package_index(index_timeout)
    available = {(p.from_code, p.to_code): p for p in package.get_available_packages()}
    installed = {(p.from_code, p.to_code) for p in installed_packs()}
    problems = []
    downloads = packs_root() / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    for pair in wanted_pairs(languages, bot_language):
        if pair in installed:
            print(f"{pair[0]}→{pair[1]}: installed")
            continue
        pack = available.get(pair)
        if pack is None:
            problems.append(f"{pair[0]}→{pair[1]}: not offered by the package index")
            continue
        target = downloads / f"translate-{pair[0]}_{pair[1]}.argosmodel"
        try:
            download(pack.links[0], target, f"{pair[0]}→{pair[1]}")
            package.install_from_path(target)
        except OSError as error:
            problems.append(f"{pair[0]}→{pair[1]}: download failed ({error})")
        finally:
            target.unlink(missing_ok=True)
    problems.extend(fetch_splitter_models())
    ensure_offline_splitters()
    return problems


def fetch_splitter_models() -> List[str]:
    """Downloads the MiniSBD models of the installed packs that lack their own.

    Returns:
        Problems (models that could not be fetched).
    """
    from minisbd import models as minisbd_models

    problems = []
    for pack in installed_packs():
        if pack.has_own_splitter:
            continue
        name = splitter_language(pack.from_code)
        try:
            minisbd_models.get_model_file(name)
        except Exception as error:  # noqa: BLE001 - minisbd raises plain Exception
            problems.append(f"sentence splitter {name}: {error}")
    return problems


def missing_languages(languages: Iterable[str], bot_language: str) -> List[str]:
    """Returns the user languages that cannot be translated to and from the bot language."""
    installed = {(p.from_code, p.to_code) for p in installed_packs()}
    return [
        code
        for code in dict.fromkeys(languages)
        if code != bot_language and not set(wanted_pairs([code], bot_language)) <= installed
    ]


ENSURE_OFFLINE = (
    "Language packs not installed: {missing} (no internet); the assistant answers "
    "those languages in German with a note. Install: make models (online) or "
    "make models FROM=folder-with-.argosmodel-files."
)


def ensure(languages: List[str], bot_language: str) -> int:
    """Installs the missing packs of the configured languages if the index is reachable.

    Used by `make run`: with internet, the missing packs are downloaded (with progress
    bars) and the answers translated into their languages; offline, one line says which
    languages are missing and how to install them, and nothing waits.

    Returns:
        0 (the assistant starts in any case).
    """
    missing = missing_languages(languages, bot_language)
    if not missing:
        return 0
    try:
        problems = install_from_index(missing, bot_language, index_timeout=5)
    except OSError:
        print(ENSURE_OFFLINE.format(missing=", ".join(missing)), file=sys.stderr)
        return 0
    for problem in problems:
        print(f"Not installed: {problem}", file=sys.stderr)
    from bot.rendering.reply_translation import main as build_translations

    still_missing = missing_languages(missing, bot_language)
    installed = [code for code in missing if code not in still_missing]
    if installed:
        build_translations(["build", "--languages", ",".join(installed)])
    return 0


def print_installed() -> None:
    """Prints the installed packs and the languages they cover."""
    packs = installed_packs()
    print(f"Language packs in {packages_dir()}:")
    if not packs:
        print("  none: the assistant answers in German only.")
    for pack in sorted(packs, key=lambda p: (p.from_code, p.to_code)):
        splitter = "own splitter" if pack.has_own_splitter else "shared splitter"
        print(f"  {pack.from_code}→{pack.to_code}  version {pack.version}  ({splitter})")
    if packs:
        print("Languages: " + ", ".join(sorted(installed_languages())))


OFFLINE_HELP = """\
Could not reach the Argos package index: {error}
Nothing was downloaded. Without internet, install packs from files instead:
  make models FROM=/path/to/folder-with-.argosmodel-files
  (or: python -m bot.translation.packs install --from /path/to/folder)
The assistant keeps working in German in the meantime."""


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the command line interface."""
    parser = argparse.ArgumentParser(prog="python -m bot.translation.packs", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    install = commands.add_parser("install", help="install language packs")
    install.add_argument("--from", dest="folder", help="folder with .argosmodel files")
    install.add_argument(
        "--languages",
        default=settings.get("BOT_LANGUAGES"),
        help="comma-separated ISO 639-1 codes (default: BOT_LANGUAGES)",
    )
    commands.add_parser("list", help="list installed packs")
    commands.add_parser(
        "ensure", help="install the missing packs of BOT_LANGUAGES if online (make run)"
    )
    args = parser.parse_args(argv)

    if args.command == "list":
        print_installed()
        return 0
    if args.command == "ensure":
        languages = [c.strip() for c in settings.get("BOT_LANGUAGES").split(",") if c.strip()]
        return ensure(languages, settings.get("BOT_LANGUAGE"))
    if args.folder:
        try:
            names = install_from_files(Path(args.folder))
        except FileNotFoundError as error:
            print(f"Nothing installed: {error}", file=sys.stderr)
            return 1
        print("Installed: " + ", ".join(names))
        print_installed()
        return 0
    languages = [code.strip() for code in args.languages.split(",") if code.strip()]
    try:
        problems = install_from_index(languages, settings.get("BOT_LANGUAGE"))
    except OSError as error:
        print(OFFLINE_HELP.format(error=error), file=sys.stderr)
        return 1
    for problem in problems:
        print(f"Not installed: {problem}", file=sys.stderr)
    print_installed()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
