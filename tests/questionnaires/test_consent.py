"""The consent page in the instrument format (parsed, stored, dumped back exactly; refused
with its line when incomplete), in the builder, on the team's response page and in the Raw
export; anonymous consent kept to the day."""

from __future__ import annotations

import pytest
from django.test import Client

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from questionnaires.instrument_format import instrument_parse
from questionnaires.instrument_format.dumper import instrument_dump
from questionnaires.models import Response
from questionnaires.selectors import version_spec
from questionnaires.services import (
    distribution_create,
    instrument_load,
    invitation_create,
    response_submit,
)
from questionnaires.services.consent import response_consent
from reports.selectors.raw import raw_columns, raw_response_rows
from tests.questionnaires.test_correction_pages import CONSENT_FORM

pytestmark = pytest.mark.django_db


def test_consent_round_trips_exactly(evaluation) -> None:
    version = instrument_load(evaluation=evaluation, text=CONSENT_FORM, by=SYSTEM).version
    assert version.consent == {
        "notice": {"en": "We keep your answers for two years.",
                   "fr": "Nous gardons vos réponses deux ans."},
        "checkbox": {"en": "I agree", "fr": "J'accepte"},
    }  # fmt: skip
    dumped = instrument_dump(version_spec(version))
    assert instrument_parse(dumped) == instrument_parse(CONSENT_FORM)
    assert instrument_dump(instrument_parse(dumped)) == dumped
    assert "consent:" in dumped and "checkbox:" in dumped


def test_incomplete_consent_is_refused_with_its_line() -> None:
    text = CONSENT_FORM.replace('  checkbox: {en: "I agree", fr: "J\'accepte"}\n', "")
    with pytest.raises(ValidationProblem) as problem:
        instrument_parse(text)
    # The line of the consent mapping that lacks it.
    assert problem.value.message == "line 6: consent.checkbox: a text is required"
    unknown = CONSENT_FORM.replace("  checkbox:", "  box:")
    with pytest.raises(ValidationProblem) as problem:
        instrument_parse(unknown)
    assert any("unknown field “box”" in m for ms in problem.value.errors.values() for m in ms)


def test_builder_edits_and_previews_the_consent(team, evaluation) -> None:
    instrument_load(evaluation=evaluation, text=CONSENT_FORM, by=SYSTEM)
    client = Client()
    client.force_login(team["lead"].user)
    url = f"/evaluations/{evaluation.slug}/instruments/consented/edit/"
    page = client.get(url).content.decode()
    assert "We keep your answers for two years." in page and "consent-preview" in page
    form = client.get(url + "texts/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    assert data["consent_notice_fr"] == "Nous gardons vos réponses deux ans."
    data["consent_notice_en"] = "We keep your answers for one year."
    client.post(url + "texts/", data)
    version = evaluation.instruments.get(key="consented").versions.get()
    assert version.consent["notice"]["en"] == "We keep your answers for one year."
    refused = client.post(url + "texts/", {**data, "consent_checkbox_en": ""})
    assert "checkbox" in refused.content.decode()
    version.refresh_from_db()
    assert version.consent["checkbox"]["en"] == "I agree"


@pytest.mark.parametrize("confidentiality", ["team", "anonymous"])
def test_time_of_consent_shown_to_the_team_and_in_the_raw_export(
    evaluation, team, confidentiality
) -> None:
    version = instrument_load(evaluation=evaluation, text=CONSENT_FORM, by=SYSTEM).version
    distribution = distribution_create(
        evaluation=evaluation, by=team["lead"].user, version=version, title="Consent",
        languages=["en", "fr"], confidentiality=confidentiality,
    )  # fmt: skip
    invitation = invitation_create(distribution=distribution, by=SYSTEM, name="Ana")
    draft = response_consent(invitation=invitation)
    anonymous = confidentiality == "anonymous"
    if anonymous:  # the day only, from the start
        assert (draft.consented_at.hour, draft.consented_at.minute, draft.consented_at.second) == (
            0, 0, 0,
        )  # fmt: skip
    response = response_submit(invitation=invitation, answers={"age": "4"}).response
    assert response.consented_at is not None
    codes = [code for code, _label in raw_columns(distribution)]
    assert codes[:4] == ["response", "submitted_at", "channel", "consented_at"]
    (row,) = raw_response_rows(user=team["lead"].user, distribution=distribution)
    consented = row[3]
    if anonymous:
        assert consented == response.consented_at.date()
    else:
        assert (
            consented is not None
            and consented.minute
            == response.consented_at.astimezone(
                consented.tzinfo or response.consented_at.tzinfo
            ).minute
        )
    client = Client()
    client.force_login(team["lead"].user)
    stored = Response.objects.get()
    page = client.get(
        f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/responses/{stored.pk}/"
    ).content.decode()
    assert "Agreed to the privacy notice on" in page


def test_versions_without_consent_keep_their_columns(make_distribution, team) -> None:
    codes = [code for code, _label in raw_columns(make_distribution())]
    assert "consented_at" not in codes
