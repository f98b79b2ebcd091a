"""Recording a respondent's consent on the form's first page."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from questionnaires.consent import consent_moment
from questionnaires.models import Distribution, Invitation, Response
from questionnaires.services.distributions import form_is_closed
from questionnaires.services.invitations import invitation_started
from questionnaires.services.responses import FormClosed, _draft_for, _lock


@transaction.atomic
def response_consent(*, invitation: Invitation, language: str = "") -> Response:
    """The respondent ticked the consent box: their draft keeps when (the day only for an
    anonymous distribution). Agreeing again keeps the first time."""
    invitation = _lock(invitation=invitation, token=None)
    distribution = invitation.distribution
    if form_is_closed(distribution):
        raise FormClosed
    response = _draft_for(invitation, language)
    if response.consented_at is None:
        response.consented_at = (
            consent_moment(
                version=distribution.version,
                consented_at=None,
                given=True,
                now=timezone.now(),
                anonymous=distribution.confidentiality == Distribution.Confidentiality.ANONYMOUS,
                keyed_in=False,
            )
            or timezone.now()
        )
        Response.objects.filter(pk=response.pk).update(consented_at=response.consented_at)
        invitation_started(invitation)
    return response
