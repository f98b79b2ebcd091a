"""The respondent form in French and in Spanish speaks only that language: every page a
respondent sees (start, a page of questions with its errors, review, declining, an unknown
link) holds none of the form's English words."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from evaluations.permissions import SYSTEM
from questionnaires.services import distribution_create, instrument_load, invitation_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("translated")]

FORM = """\
consulta_instrument: 1
key: partners-form
kind: questionnaire
languages: [en, fr, es]
title: {en: Survey of partners, fr: Enquête auprès des partenaires, es: Encuesta a los socios}
scales:
  - key: agree4
    name: {en: Agreement, fr: Accord, es: Acuerdo}
    points:
      - {code: 4, label: {en: Strongly agree, fr: Tout à fait d'accord, es: Muy de acuerdo}}
      - {code: 3, label: {en: Agree, fr: D'accord, es: De acuerdo}}
      - {code: 2, label: {en: Disagree, fr: Pas d'accord, es: En desacuerdo}}
      - {code: 1, label: {en: Strongly disagree, fr: Pas du tout d'accord, es: Muy en desacuerdo}}
    outside:
      - {code: DK, label: {en: Don't know, fr: Ne sait pas, es: No sabe}}
sections:
  - key: S
    title: {en: Work, fr: Travail, es: Trabajo}
    questions:
      - key: years
        kind: number
        required: true
        min: 0
        max: 60
        text: {en: Years of service, fr: Années de service, es: Años de servicio}
      - key: unit
        kind: single_choice
        text: {en: Unit, fr: Unité, es: Unidad}
        choices:
          - {code: hq, label: {en: Headquarters, fr: Siège, es: Sede}}
          - {code: other, label: {en: Elsewhere, fr: Ailleurs, es: En otro lugar}, other: true}
      - key: useful
        kind: likert
        scale: agree4
        block: views
        text: {en: The training was useful, fr: La formation a été utile, es: La formación fue útil}
"""
# Words of the form seen in English on the French form before the catalogues were complete.
KNOWN_ENGLISH = [
    "I will not take part",
    "Not taking part",
    "Reason (optional)",
    "Back to the questionnaire",
    "Your answers are saved as you go",
    "Who reads your answers",
    "Save and continue",
    "Review my answers",
    "Submit my answers",
    "Who should read your answers?",
    "When you submit",
    "Start",
    "Deadline:",
    "required",
    "Some answers need attention",
    "The largest accepted is",
    "This answer is required",
    "Please specify",
    "Link not valid",
    "This link does not open a questionnaire",
]
RESPONDENT_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "questionnaires" / "respondent"
EXPECTED = {
    "fr": ["Je ne participerai pas", "Qui doit lire vos réponses ?", "Tout à fait d'accord"],
    "es": ["No participaré", "¿Quién debe leer sus respuestas?", "Muy de acuerdo"],
}


def the_forms_own_words() -> set[str]:
    """Every sentence the respondent templates mark for translation (not the blocks with
    placeholders, whose words come around the respondent's data)."""
    words = set()
    for template in RESPONDENT_TEMPLATES.glob("*.html"):
        words |= set(re.findall(r'{% translate "([^"]+)" %}', template.read_text()))
    return words


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', r"> \1 <", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def pages_seen(client: Client, link: str) -> dict[str, str]:
    pages = {
        "start": client.get(link),
        "page": client.get(f"{link}page/1/"),
        "errors": client.post(
            f"{link}page/1/", {"q-years": "75", "q-unit": "other", "action": "next"}
        ),
        # A required question left empty: the review lists it.
        "missing": client.post(f"{link}page/1/", {"q-years": ""}, follow=True),
        "review": client.get(f"{link}review/"),
        "decline": client.get(f"{link}decline/"),
    }
    assert pages["errors"].status_code == 400 and pages["missing"].status_code == 200
    return {name: visible_text(response.content.decode()) for name, response in pages.items()}


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_form_holds_no_english_word(evaluation, team, language: str) -> None:
    version = instrument_load(evaluation=evaluation, text=FORM, by=SYSTEM).version
    distribution = distribution_create(
        evaluation=evaluation,
        by=team["lead"].user,
        version=version,
        title="Survey of partners",
        languages=["en", "fr", "es"],
        confidentiality="respondent",
    )
    invitation = invitation_create(
        distribution=distribution, by=SYSTEM, name="Ana Ruiz", language=language
    )
    pages = pages_seen(Client(), f"/r/{invitation.token}/")
    pages["unknown link"] = visible_text(
        Client(HTTP_ACCEPT_LANGUAGE=language).get("/r/" + "x" * 43 + "/").content.decode()
    )
    with translation.override(language):
        untranslated = {
            words for words in the_forms_own_words() if translation.gettext(words) == words
        }
    assert untranslated == set(), f"not translated into {language}: {untranslated}"
    for name, text in pages.items():
        english = [words for words in KNOWN_ENGLISH if re.search(rf"\b{re.escape(words)}", text)]
        english += [
            words
            for words in the_forms_own_words()
            if len(words) > 3 and re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text)
        ]
        assert english == [], f"{language}, {name} page shows English: {english}\n{text}"
    everything = " ".join(pages.values())
    for words in EXPECTED[language]:
        assert words in everything, f"{words!r} is not on the {language} form"
