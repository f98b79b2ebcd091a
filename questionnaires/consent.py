"""The consent page: an instrument version's privacy notice and the box a respondent ticks
before answering (README, "Consent and privacy notice"). Pure helpers; the time of consent is
written by the services that create and submit responses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from questionnaires.models import InstrumentVersion, Response, localized
from questionnaires.services.events import day_start


class ConsentNeeded(ValidationProblem):
    """The version asks for consent and the respondent has not given it: nothing is stored."""

    def __init__(self) -> None:
        message = _("Please read the privacy notice and tick the box to agree before answering.")
        super().__init__(message, errors={"consent": [message]})


@dataclass(frozen=True)
class ConsentTexts:
    notice: str
    checkbox: str


def consent_texts(version: InstrumentVersion, language: str) -> ConsentTexts | None:
    """The notice and the checkbox's words in the language; None when the version has none."""
    consent = version.consent or {}
    if not consent.get("notice"):
        return None
    return ConsentTexts(
        notice=localized(consent["notice"], language),
        checkbox=localized(consent.get("checkbox"), language),
    )


def needs_consent(version: InstrumentVersion, response: Response | None) -> bool:
    """Whether the respondent must still agree before answering."""
    return bool(version.consent) and (response is None or response.consented_at is None)


def consent_moment(
    *,
    version: InstrumentVersion,
    consented_at: dt.datetime | None,
    given: bool,
    now: dt.datetime,
    anonymous: bool,
    keyed_in: bool,
) -> dt.datetime | None:
    """The consent time a submission keeps: the one recorded on the consent page, or now
    when the submission itself says so (the API's `consent: true`); the day only for an
    anonymous distribution. ConsentNeeded when the version asks for it and neither holds.
    The team keying in a returned questionnaire is not asked (the paper carries it)."""
    if not version.consent or keyed_in:
        return consented_at
    if consented_at is None and given:
        consented_at = now
    if consented_at is None:
        raise ConsentNeeded
    return day_start(consented_at) if anonymous else consented_at
