"""The lead's choice to see results unsuppressed is remembered per evaluation (with the banner
saying so) until unticked; it never carries to another evaluation, nor to a lead who became
a viewer."""

from __future__ import annotations

import pytest

from evaluations.models import Membership
from evaluations.permissions import forget_roles
from tests.factories import MembershipFactory
from tests.reports.test_pages import client_for, surveyed, url

pytestmark = pytest.mark.django_db

REMEMBERED = "This choice is remembered for this evaluation until you untick it."


def _likert(client, evaluation, distribution, query: str = ""):
    return client.get(
        url(evaluation, "questionnaires/") + f"?distribution={distribution.pk}&by=region{query}"
    )


def test_the_unsuppressed_view_is_remembered_until_unticked(evaluation, team) -> None:
    distribution = surveyed(evaluation)
    lead = client_for(team["lead"])
    first = _likert(lead, evaluation, distribution, "&shown=1&unsuppressed=1")
    assert REMEMBERED in first.content.decode()

    again = _likert(lead, evaluation, distribution)  # a later visit, nothing ticked anew
    html = again.content.decode()
    assert 'id="unsuppressed-note"' in html and REMEMBERED in html
    assert 'name="unsuppressed" value="1" checked' in html
    (table, _chart), *_ = again.context["tables"]
    rows = {row.group_label: row for row in table.rows if row.question_key == "C1"}
    assert (rows["Europe"].n, rows["Africa"].n) == (2, 7)
    rates = lead.get(url(evaluation, "rates/")).content.decode()
    assert 'id="unsuppressed-note"' in rates  # the same choice on the other tabs

    unticked = _likert(lead, evaluation, distribution, "&shown=1")  # the form, box unticked
    assert 'id="suppression-note"' in unticked.content.decode()
    later = _likert(lead, evaluation, distribution)
    assert 'id="suppression-note"' in later.content.decode()


def test_the_choice_is_per_evaluation(evaluation, team) -> None:
    distribution = surveyed(evaluation)
    other = MembershipFactory(user=team["lead"].user, role=Membership.Role.LEAD).evaluation
    other_distribution = surveyed(other)
    lead = client_for(team["lead"])
    _likert(lead, evaluation, distribution, "&shown=1&unsuppressed=1")
    html = _likert(lead, other, other_distribution).content.decode()
    assert 'id="suppression-note"' in html


def test_a_lead_demoted_to_viewer_is_not_given_the_remembered_view(evaluation, team) -> None:
    distribution = surveyed(evaluation)
    lead = client_for(team["lead"])
    _likert(lead, evaluation, distribution, "&shown=1&unsuppressed=1")
    Membership.objects.filter(pk=team["lead"].pk).update(role=Membership.Role.VIEWER)
    forget_roles(team["lead"].user)
    response = _likert(lead, evaluation, distribution)
    assert response.status_code == 200
    assert 'id="suppression-note"' in response.content.decode()
