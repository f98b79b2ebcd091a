"""The French and Spanish catalogues: complete (nothing untranslated, nothing fuzzy, formats
checked by msgfmt) and in step with the source, so that a string newly marked for translation
and not translated breaks the build."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import LOCALE, skip_without_gettext

LANGUAGES = ("fr", "es")
# As in the README's makemessages command: what is not the product's own source.
IGNORED = {"locale", ".venv", "tests", "bench", "var", "node_modules"}


def statistics(po: Path) -> str:
    """msgfmt's count of the catalogue (and its --check of every format string)."""
    done = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"{po}: msgfmt --check refused it:\n{done.stderr}"
    return done.stderr.strip().splitlines()[-1]


def open_entries(po: Path) -> list[str]:
    """The msgids (first line) of the untranslated and the fuzzy entries."""
    found = []
    for option in ("--untranslated", "--only-fuzzy"):
        listed = subprocess.run(
            ["msgattrib", option, "--no-obsolete", "--no-wrap", str(po)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found += [m for m in re.findall(r'^msgid "(.+)"$', listed, re.M)]
    return found


def complete(po: Path) -> bool:
    return re.fullmatch(r"\d+ translated messages\.", statistics(po)) is not None


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_is_translated_and_nothing_is_fuzzy(language: str) -> None:
    skip_without_gettext("msgfmt", "msgattrib")
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    counted = statistics(po)
    assert complete(po), (
        f"{po}: {counted}. Translate these (and remove the fuzzy flags once checked): "
        f"{open_entries(po)[:20]}"
    )
    assert int(counted.split()[0]) > 2000  # the whole interface, not a few pages


def test_every_string_marked_in_the_source_is_in_the_catalogues(
    tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """makemessages run over the source into a copy of the catalogues: a string marked for
    translation and missing from them comes out untranslated (or fuzzy) in the copy."""
    skip_without_gettext("xgettext", "msgmerge", "msguniq", "msgattrib", "msgfmt")
    base = Path(settings.BASE_DIR)
    committed = {po: po.read_bytes() for po in LOCALE.glob("*/LC_MESSAGES/django.po")}
    tree = tmp_path / "source"
    tree.mkdir()
    for entry in base.iterdir():
        if entry.name not in IGNORED and not entry.name.startswith("."):
            (tree / entry.name).symlink_to(entry)
    shutil.copytree(LOCALE, tree / "locale")
    settings.LOCALE_PATHS = [tree / "locale"]
    monkeypatch.chdir(tree)
    call_command(
        "makemessages",
        locale=list(LANGUAGES),
        symlinks=True,
        no_location=True,
        no_obsolete=True,
        ignore_patterns=sorted(IGNORED - {"locale"}),
        verbosity=0,
    )
    for language in LANGUAGES:
        po = tree / "locale" / language / "LC_MESSAGES" / "django.po"
        assert complete(po), (
            f"locale/{language}: strings marked in the source are missing from the catalogue "
            f"or changed ({statistics(po)}): {open_entries(po)[:20]}. Add them with their "
            "translation (see the README, Languages)."
        )
    assert {po: po.read_bytes() for po in committed} == committed  # only the copy was written
