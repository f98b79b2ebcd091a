"""Invitations and reminders go out in each recipient's language: the default wording, the
deadline's date, the questionnaire's title; English when the distribution does not offer the
person's language. Read back from the locmem outbox, as sent."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone, translation

from evaluations.permissions import SYSTEM
from questionnaires.models import Invitation
from questionnaires.services import (
    distribution_create,
    distribution_send,
    instrument_load,
    invitation_create,
)
from questionnaires.services.reminders import reminders_send_now
from stakeholders.services import person_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("translated")]

TRILINGUAL = """\
consulta_instrument: 1
key: partners-survey
kind: questionnaire
languages: [en, fr, es]
title: {en: Survey of partners, fr: Enquête auprès des partenaires, es: Encuesta a los socios}
sections:
  - key: S
    title: {en: Work, fr: Travail, es: Trabajo}
    questions:
      - key: unit
        kind: short_text
        text: {en: Your unit, fr: Votre unité, es: Su unidad}
"""
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
}


@pytest.fixture
def version(evaluation):
    return instrument_load(evaluation=evaluation, text=TRILINGUAL, by=SYSTEM).version


@pytest.fixture
def distribution(evaluation, team, version):
    return distribution_create(
        evaluation=evaluation,
        by=team["lead"].user,
        version=version,
        title="Survey of partners",  # the questionnaire's own title: shown translated
        languages=["en", "fr", "es"],
        deadline=timezone.now() + dt.timedelta(days=20),
        time_zone="Europe/Zurich",
        sender_name="Evaluation Office",
    )


def month(distribution, language: str) -> str:
    local = distribution.deadline.astimezone(zoneinfo.ZoneInfo("Europe/Zurich"))
    return MONTHS[language].split()[local.month - 1]


@pytest.fixture
def send(team, django_capture_on_commit_callbacks):
    """Send the invitations (or, `reminders=True`, a reminder now) as the lead; the e-mails
    leave once the transaction commits."""

    def run(distribution, reminders: bool = False) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            if reminders:
                return reminders_send_now(distribution=distribution, by=team["lead"].user)
            return distribution_send(distribution=distribution, by=team["lead"].user)

    return run


def day_and_month(distribution, language: str) -> str:
    local = distribution.deadline.astimezone(zoneinfo.ZoneInfo("Europe/Zurich"))
    return f"{local.day} {month(distribution, language)}"


def sent_to(address: str) -> mail.EmailMessage:
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


def test_each_recipient_gets_the_invitation_in_their_language(distribution, team, send) -> None:
    for name, language in [("Ann Lee", "en"), ("Marie Dubois", "fr"), ("Ana Ruiz", "es")]:
        invitation_create(
            distribution=distribution,
            by=team["lead"].user,
            name=name,
            email=f"{language}@example.org",
            language=language,
        )
    with translation.override("es"):  # the sender's own page language does not leak
        assert send(distribution) == 3

    french = sent_to("fr@example.org")
    assert french.subject.endswith(": Enquête auprès des partenaires")
    assert french.body.startswith("Bonjour Marie Dubois,")
    assert "questionnaire « Enquête auprès des partenaires »" in french.body
    assert "Votre lien personnel :" in french.body and "/r/" in french.body
    assert f"d’ici le {day_and_month(distribution, 'fr')}" in french.body
    assert "faites-le-nous savoir ici" in french.body and "Evaluation Office" in french.body
    assert "Dear" not in french.body and "personal link" not in french.body

    spanish = sent_to("es@example.org")
    assert spanish.subject.endswith(": Encuesta a los socios")
    assert spanish.body.startswith("Estimado/a Ana Ruiz:")
    assert f"antes del {day_and_month(distribution, 'es')}" in spanish.body
    assert "«Encuesta a los socios»" in spanish.body and "Su enlace personal:" in spanish.body
    assert month(distribution, "es") in spanish.body and "Si prefiere no participar" in spanish.body
    assert "Dear" not in spanish.body

    english = sent_to("en@example.org")
    assert english.subject.endswith(": Survey of partners")
    assert english.body.startswith("Dear Ann Lee,")
    assert "“Survey of partners”" in english.body and month(distribution, "en") in english.body
    assert "Estimado" not in english.body


def test_reminders_follow_the_recipients_language_too(distribution, team, send) -> None:
    for language in ("fr", "es"):
        invitation_create(
            distribution=distribution,
            by=team["lead"].user,
            name=f"Person {language}",
            email=f"{language}@example.org",
            language=language,
        )
    send(distribution)
    mail.outbox.clear()
    assert send(distribution, reminders=True) == 2

    french = sent_to("fr@example.org")
    assert french.subject == "Rappel : Enquête auprès des partenaires"
    assert "Nous nous permettons de vous rappeler" in french.body
    assert month(distribution, "fr") in french.body
    spanish = sent_to("es@example.org")
    assert spanish.subject == "Recordatorio: Encuesta a los socios"
    assert "Le recordamos que valoraríamos" in spanish.body
    assert month(distribution, "es") in spanish.body


def test_a_language_the_distribution_does_not_offer_falls_back_to_english(
    evaluation, team, version, send
) -> None:
    english_and_french = distribution_create(
        evaluation=evaluation,
        by=team["lead"].user,
        version=version,
        title="Survey of partners",
        languages=["en", "fr"],
        deadline=timezone.now() + dt.timedelta(days=20),
    )
    person = person_create(by=SYSTEM, name="Luis Gómez", emails=["luis@example.org"], language="es")
    invitation = invitation_create(
        distribution=english_and_french, by=team["lead"].user, person=person
    )
    assert invitation.language == "en"
    send(english_and_french)
    message = sent_to("luis@example.org")
    assert message.body.startswith("Dear Luis Gómez,") and "Survey of partners" in message.body


def test_the_team_s_own_wording_is_sent_as_written(distribution, team, send) -> None:
    distribution.invitation_subject = "Survey: {title}"
    distribution.invitation_body = "Hello {name}, {link}"
    distribution.save(update_fields=["invitation_subject", "invitation_body"])
    invitation_create(
        distribution=distribution,
        by=team["lead"].user,
        name="Marie Dubois",
        email="fr@example.org",
        language="fr",
    )
    send(distribution)
    message = sent_to("fr@example.org")
    # The team's text stays as typed; what it quotes follows the recipient's language.
    assert message.subject == "Survey: Enquête auprès des partenaires"
    assert message.body.startswith("Hello Marie Dubois, http://testserver/r/")
    assert Invitation.objects.get(email="fr@example.org").status == Invitation.Status.SENT
