"""An invitation's life at the service: excluded, restored, declined."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from questionnaires.models import Invitation
from questionnaires.services import (
    invitation_decline,
    invitation_exclude,
    invitation_opened,
    invitation_restore,
)
from questionnaires.services.events import invitation_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def distribution(make_distribution):
    return make_distribution("lead", deadline=timezone.now() + dt.timedelta(days=10))


def test_restore_after_a_resend_returns_to_the_last_status(team, distribution, invite):
    invitation = invite(distribution, email="a@example.org")
    invitation_opened(invitation)
    invitation_event(invitation, "resend", by=team["lead"].user)
    invitation_exclude(invitation=invitation, by=team["lead"].user, reason="Wrong person")
    invitation_restore(invitation=invitation, by=team["lead"].user)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.OPENED


def test_a_decline_does_not_undo_the_team_exclusion(team, distribution, invite):
    invitation = invite(distribution)
    invitation_exclude(invitation=invitation, by=team["lead"].user, reason="Left the office")
    invitation_decline(invitation=invitation, reason="no")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.EXCLUDED
