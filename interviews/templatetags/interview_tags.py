"""How the log shows a participant: a person with the affiliation of the day, or a group."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interviews.models import Participation

register = template.Library()


@register.filter
def affiliation_text(participation: Participation) -> str:
    """ "Director, UNIT-X, Ministry of Labour" as copied on the day of the interview."""
    parts = [participation.job_title, participation.unit, participation.organisation_name]
    shown: list[str] = []
    for part in filter(None, parts):
        # "Migration Branch, Example Office" as the unit already names the organisation.
        if not any(part.lower() in other.lower() for other in shown):
            shown.append(part)
    return ", ".join(shown)


@register.filter
def group_size(participation: Participation) -> str:
    if participation.person_id:
        return ""
    if participation.headcount is None:
        return _("size not known")
    return ngettext("%(n)d person", "%(n)d people", participation.headcount) % {
        "n": participation.headcount
    }
