"""`make help` and the README's table name every Makefile target a user may call."""

from __future__ import annotations

import re
import subprocess

from bot.paths import PROJECT_ROOT

INTERNAL = {"test-packs"}
"""Targets that only other targets use."""


def targets() -> set:
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    phony = re.search(r"^\.PHONY:(.*?)(?<!\\)$", makefile, re.M | re.S).group(1)
    return set(phony.replace("\\", " ").split()) - INTERNAL


def test_make_help_and_the_readme_list_every_target() -> None:
    help_text = subprocess.run(["make", "-s", "help"], cwd=PROJECT_ROOT, check=True,
                               capture_output=True, text=True).stdout
    readme = (PROJECT_ROOT / "README.md").read_text()
    listed_in_help = set(re.findall(r"^make ([\w-]+)", help_text, re.M))
    listed_in_readme = set(re.findall(r"`make ([\w-]+)", readme))

    assert targets() - {"help"} <= listed_in_help
    assert targets() <= listed_in_readme
