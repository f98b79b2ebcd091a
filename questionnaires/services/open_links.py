"""A distribution's open link: made, changed, rotated, closed and opened again by the team
(each step in the history, as the distribution's other changes); entered by visitors, each
of whom gets an invitation of their own (channel "open") that the usual form then serves."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.permissions import Action, ensure
from questionnaires import links
from questionnaires.models import Distribution, Invitation, OpenLink, Response
from questionnaires.selectors.responses import day_only
from questionnaires.services.distributions import ensure_responses_unlocked, form_is_closed
from questionnaires.services.events import day_start, invitation_event, respondent_time

if TYPE_CHECKING:
    from accounts.models import User

OPEN = Invitation.Channel.OPEN
MAX_QUOTA = 1_000_000
# The settings the team chooses (open_link_save); the rest is bookkeeping.
SETTINGS = ("quota", "closes_at", "email_capture", "one_per_browser")


class OpenLinkRefused(Exception):
    """The open link does not let anyone new start; `message` says why, for the visitor."""

    def __init__(self, message: str, *, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def open_link_current(distribution: Distribution) -> OpenLink | None:
    """The distribution's current (not replaced) open link, closed or not; None without."""
    return OpenLink.objects.filter(distribution=distribution, replaced_at__isnull=True).first()


def open_link_submitted(distribution: Distribution) -> int:
    """Responses submitted through the distribution's open link (any of its addresses)."""
    return Response.objects.filter(
        distribution=distribution, channel=Response.Channel.OPEN, status=Response.Status.SUBMITTED
    ).count()


def _problems(values: dict[str, Any], changed: set[str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    quota = values.get("quota")
    if quota is not None and (
        not isinstance(quota, int) or isinstance(quota, bool) or not 1 <= quota <= MAX_QUOTA
    ):
        errors["quota"] = [
            _("The quota is a whole number of responses, from 1 to %(max)d (or empty).")
            % {"max": MAX_QUOTA}
        ]
    closes_at = values.get("closes_at")
    if "closes_at" in changed and closes_at is not None and closes_at <= timezone.now():
        errors["closes_at"] = [_("The link's close is in the past. Choose a later date.")]
    if values.get("email_capture") not in OpenLink.EmailCapture.values:
        errors["email_capture"] = [_("Choose: do not ask, ask (optional) or ask (required).")]
    if not isinstance(values.get("one_per_browser"), bool):
        errors["one_per_browser"] = [_("Say yes or no.")]
    return errors


def _new_selector() -> str:
    selector = links.new_selector()
    while OpenLink.objects.filter(selector=selector).exists():  # pragma: no cover - 2^-64
        selector = links.new_selector()
    return selector


def _locked_current(distribution: Distribution) -> OpenLink | None:
    return (
        OpenLink.objects.select_for_update()
        .filter(distribution=distribution, replaced_at__isnull=True)
        .first()
    )


@transaction.atomic
def open_link_save(*, distribution: Distribution, by: User, **changes: Any) -> OpenLink:
    """Make the distribution's open link, or change its settings (SETTINGS: quota, closes_at,
    email_capture, one_per_browser); what is not given stays as it was."""
    ensure(by, Action.MANAGE_RESPONDENTS, distribution.evaluation)
    ensure_responses_unlocked(distribution)
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown settings {sorted(unknown)}")
    link = _locked_current(distribution)
    defaults = {"quota": None, "closes_at": None, "email_capture": "off", "one_per_browser": True}
    before = {k: getattr(link, k) for k in SETTINGS} if link else defaults
    values = before | changes
    changed = {k for k in changes if link is None or before[k] != changes[k]}
    errors = _problems(values, changed)
    if errors:
        raise ValidationProblem(next(iter(errors.values()))[0], errors=errors)
    if link is None:
        return OpenLink.objects.create(
            distribution=distribution, selector=_new_selector(), created_by=by, **values
        )
    for name in changed:
        setattr(link, name, values[name])
    if changed:
        link.save(update_fields=sorted(changed))
    return link


def _current_or_refuse(distribution: Distribution) -> OpenLink:
    link = _locked_current(distribution)
    if link is None:
        raise ValidationProblem(_("This questionnaire has no open link yet."))
    return link


@transaction.atomic
def open_link_rotate(*, distribution: Distribution, by: User) -> OpenLink:
    """A new address for the open link (the old one was posted too widely …): the old one
    stops working and says it was replaced; the settings, and whether it is closed, stay.
    Visitors who started keep their own answers' address."""
    ensure(by, Action.MANAGE_RESPONDENTS, distribution.evaluation)
    ensure_responses_unlocked(distribution)
    old = _current_or_refuse(distribution)
    old.replaced_at = timezone.now()
    old.save(update_fields=["replaced_at"])
    return OpenLink.objects.create(
        distribution=distribution,
        selector=_new_selector(),
        created_by=by,
        closed_at=old.closed_at,
        closed_by=old.closed_by,
        **{name: getattr(old, name) for name in SETTINGS},
    )


@transaction.atomic
def open_link_close(*, distribution: Distribution, by: User, closed: bool = True) -> OpenLink:
    """Close the open link (nobody new starts through it; those who started may finish), or
    open it again with `closed=False`."""
    ensure(by, Action.MANAGE_RESPONDENTS, distribution.evaluation)
    ensure_responses_unlocked(distribution)
    link = _current_or_refuse(distribution)
    if closed and link.closed_at is None:
        link.closed_at, link.closed_by = timezone.now(), by
    elif not closed and link.closed_at is not None:
        link.closed_at, link.closed_by = None, None
    else:
        return link
    link.save(update_fields=["closed_at", "closed_by"])
    return link


def open_link_refusal(link: OpenLink, now: dt.datetime | None = None) -> OpenLinkRefused | None:
    """Why nobody new may start through this link now, for the visitor; None when they may."""
    now = now or timezone.now()
    distribution = link.distribution
    if link.replaced_at is not None:
        return OpenLinkRefused(
            _(
                "This link has been replaced by a new one and no longer opens the "
                "questionnaire. Ask whoever sent it to you for the new link."
            ),
            status=410,
        )
    if link.closed_at is not None or (link.closes_at is not None and link.closes_at <= now):
        return OpenLinkRefused(_("This link is closed: it no longer takes new responses."))
    if form_is_closed(distribution, now):
        return OpenLinkRefused(_("This questionnaire is closed: answers are no longer accepted."))
    if link.quota is not None and open_link_submitted(distribution) >= link.quota:
        return OpenLinkRefused(
            _("This questionnaire has received all the responses it needed. Thank you.")
        )
    return None


def _email(link: OpenLink, email: str) -> str:
    email = email.strip()
    if link.email_capture == OpenLink.EmailCapture.OFF:
        return ""
    if not email:
        if link.email_capture == OpenLink.EmailCapture.REQUIRED:
            message = _("Your e-mail address is needed to take part.")
            raise ValidationProblem(message, errors={"email": [message]})
        return ""
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        message = _("“%(email)s” is not a valid e-mail address.") % {"email": email[:100]}
        raise ValidationProblem(message, errors={"email": [message]}) from exc
    return email[:254]


@transaction.atomic
def open_link_enter(*, link: OpenLink, email: str = "", language: str = "") -> Invitation:
    """A visitor starts through the open link: an invitation of their own (channel "open",
    opened now), whose personal link the form then serves. OpenLinkRefused when the link takes
    nobody new; ValidationProblem for a missing or wrong e-mail address."""
    link = OpenLink.objects.select_for_update().select_related("distribution").get(pk=link.pk)
    refusal = open_link_refusal(link)
    if refusal is not None:
        raise refusal
    distribution = link.distribution
    address = _email(link, email)
    languages = distribution.languages or ["en"]
    number = Invitation.objects.filter(distribution=distribution, channel=OPEN).count() + 1
    with translation.override(settings.LANGUAGE_CODE):  # a name the team reads, not the visitor
        name = _("Open link respondent %(n)d") % {"n": number}
    invitation = Invitation(
        distribution=distribution,
        selector=links.new_selector(),
        name=name,
        email=address,
        language=language if language in languages else languages[0],
        channel=OPEN,
        status=Invitation.Status.OPENED,
    )
    invitation.opened_at = respondent_time(invitation)
    invitation.save(force_insert=True)
    if day_only(distribution):  # no exact time ties an anonymous visitor to their response
        Invitation.objects.filter(pk=invitation.pk).update(created_at=day_start(timezone.now()))
    invitation_event(invitation, Invitation.Status.OPENED, note="open link")
    return invitation


def open_link_quota_full(distribution: Distribution) -> bool:
    """Before an open-link response is submitted: whether the quota is already full. The
    current link's row is locked, so two last submissions cannot both pass."""
    link = _locked_current(distribution)
    return bool(link and link.quota is not None and open_link_submitted(distribution) >= link.quota)
