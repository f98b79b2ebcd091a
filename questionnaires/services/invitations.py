"""Personal links and their life: created, sent, opened, started, submitted or returned;
declined by the respondent, excluded by the team, revoked. Every change leaves an
InvitationEvent, so the history of each invitation can be shown and counted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.spreadsheets import Table
from evaluations.permissions import Action, Actor, author_of, ensure
from history.context import because
from questionnaires import links
from questionnaires.models import Distribution, Invitation
from questionnaires.services.distributions import ensure_responses_unlocked
from questionnaires.services.events import (
    invitation_advance,
    invitation_event,
    respondent_time,
)
from questionnaires.services.messaging import invitation_queue
from stakeholders.importing.columns import mapping_for
from stakeholders.importing.plan import SKIP
from stakeholders.importing.writer import people_import
from stakeholders.models import Office, Person
from stakeholders.services import clean_emails

if TYPE_CHECKING:
    from accounts.models import User

Status = Invitation.Status


def person_attributes(person: Person) -> dict[str, str]:
    """The snapshot a person's current affiliation gives: region, country, office type,
    stakeholder group (the keys of instrument_format.STANDARD_ATTRIBUTES)."""
    affiliation = person.affiliation_on()
    if affiliation is None:
        return {}
    country = affiliation.country or (affiliation.office.country if affiliation.office else None)
    region = (affiliation.office.region if affiliation.office else None) or (
        country.region if country else None
    )
    values = {
        "region": region.name if region else "",
        "country": country.name if country else "",
        "office_type": Office.Type(affiliation.office.type).label if affiliation.office else "",
        "stakeholder_group": (
            affiliation.stakeholder_group.name if affiliation.stakeholder_group else ""
        ),
        "organisation": affiliation.organisation.name if affiliation.organisation else "",
    }
    return {key: str(value) for key, value in values.items() if value}


def _refuse(field_name: str, message: str) -> ValidationProblem:
    return ValidationProblem(message, errors={field_name: [message]})


def _check_not_invited(distribution: Distribution, person: Person | None, email: str) -> None:
    if person is not None and distribution.invitations.filter(person=person).exists():
        raise _refuse(
            "person",
            _("%(name)s is already invited to this questionnaire.") % {"name": person},
        )
    if email and distribution.invitations.filter(email__iexact=email).exists():
        raise _refuse(
            "email",
            _("%(email)s is already invited to this questionnaire.") % {"email": email},
        )


@transaction.atomic
def invitation_create(
    *,
    distribution: Distribution,
    by: Actor,
    name: str = "",
    email: str = "",
    language: str = "",
    attributes: Mapping[str, str] | None = None,
    person: Person | None = None,
    channel: str = Invitation.Channel.WEB,
) -> Invitation:
    """A personal link for one respondent: a registry person, or a name and address.

    Added after the invitations went out (a late recipient), it is sent at once."""
    ensure(by, Action.MANAGE_RESPONDENTS, distribution.evaluation)
    ensure_responses_unlocked(distribution)  # a new link would change the response rates
    name = (name or (person.display_name if person else "")).strip()
    if not name:
        raise _refuse("name", _("A name is required."))
    emails = clean_emails([email], field="email") if email.strip() else []
    email = emails[0] if emails else (person.email if person else "")
    if channel not in Invitation.PLANNED_CHANNELS:
        raise _refuse("channel", _("Choose a web link, a file by e-mail or a phone call."))
    # Fresh and locked: a recipient added while the invitations go out is either in that
    # batch or sent here, never neither.
    sent = (
        Distribution.objects.select_for_update()
        .filter(pk=distribution.pk)
        .values_list("sent_at", flat=True)
        .first()
        is not None
    )
    if channel != Invitation.Channel.PHONE and sent and not email:
        raise _refuse("email", _("An e-mail address is needed to send the invitation."))
    preferred = person.language if person else ""
    if not language:  # a person's preference not offered falls back to the first language
        offered = preferred in distribution.languages
        language = preferred if offered else distribution.languages[0]
    if language not in distribution.languages:
        raise ValidationProblem(
            _("The questionnaire is not offered in “%(code)s”.") % {"code": language},
            errors={"language": [_("Not one of this questionnaire's languages.")]},
        )
    _check_not_invited(distribution, person, email)
    snapshot = person_attributes(person) if person else {}
    snapshot.update({k: str(v) for k, v in (attributes or {}).items() if v})
    selector = links.new_selector()
    while Invitation.objects.filter(selector=selector).exists():  # pragma: no cover - 2^-64
        selector = links.new_selector()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                distribution=distribution, selector=selector, name=name[:200],
                email=email, language=language, attributes=snapshot, person=person,
                channel=channel,
            )  # fmt: skip
    except IntegrityError as exc:  # a concurrent request invited the same person
        raise _refuse("person", _("%(name)s is already invited.") % {"name": name}) from exc
    invitation_event(invitation, Status.CREATED, by=author_of(by))
    if sent and channel != Invitation.Channel.PHONE:
        invitation_queue(invitation=invitation)
    return invitation


@dataclass
class AudienceResult:
    added: list[Invitation] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    without_email: list[str] = field(default_factory=list)


@transaction.atomic
def invitations_for_people(
    *,
    distribution: Distribution,
    by: User,
    people: Iterable[Person],
    channel: str = Invitation.Channel.WEB,
    audience: Mapping[str, Any] | None = None,
) -> AudienceResult:
    """Invite registry people; those already invited are skipped and named. Saves the query
    that chose them as the distribution's audience."""
    ensure(by, Action.MANAGE_RESPONDENTS, distribution.evaluation)
    ensure_responses_unlocked(distribution)
    result = AudienceResult()
    invited = set(distribution.invitations.values_list("person_id", flat=True))
    emails = {e.lower() for e in distribution.invitations.values_list("email", flat=True) if e}
    sent = distribution.sent_at is not None
    for person in people:
        if person.pk in invited or (person.email and person.email.lower() in emails):
            result.already.append(person.display_name)
            continue
        if channel != Invitation.Channel.PHONE and not person.email:
            result.without_email.append(person.display_name)
            if sent:  # it could not go out: named, not added
                continue
        emails.add(person.email.lower())
        result.added.append(
            invitation_create(distribution=distribution, by=by, person=person, channel=channel)
        )
        invited.add(person.pk)
    if audience is not None:
        distribution.audience = dict(audience)
        distribution.save(update_fields=["audience"])
    return result


def invitation_by_token(token: Any) -> Invitation | None:
    """The invitation of a link, compared in constant time; None for anything unknown or
    revoked."""
    invitations = Invitation.objects.select_related(
        "distribution__version__instrument", "distribution__evaluation"
    ).exclude(status=Status.REVOKED)
    return links.invitation_of(invitations, token)


def invitation_opened(invitation: Invitation) -> None:
    """Record the first visit of the link (its day only where the distribution is anonymous);
    not while the responses are locked: the link shows a closed form, nothing changes."""
    if invitation.distribution.responses_locked_at is not None:
        return
    invitation_advance(
        invitation,
        Status.OPENED,
        (Status.CREATED, Status.SENT, Status.FAILED),
        opened_at=respondent_time(invitation),
    )


def invitation_started(invitation: Invitation) -> None:
    """The first saved draft."""
    invitation_advance(
        invitation,
        Status.STARTED,
        (Status.CREATED, Status.SENT, Status.FAILED, Status.OPENED, Status.DECLINED),
    )


def _locked(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update().select_related("distribution").get(pk=invitation.pk)
    )


@transaction.atomic
def invitation_decline(*, invitation: Invitation, reason: str = "") -> Invitation:
    """The respondent says they will not answer (from their link)."""
    invitation = _locked(invitation)
    if invitation.status in Invitation.RESPONDED:
        raise ValidationProblem(_("Your answers are already in; there is nothing to decline."))
    if invitation.status in (Status.EXCLUDED, Status.REVOKED):
        return invitation  # the team's decision stands; nothing more will be sent
    closes = invitation.distribution.closes_at
    if invitation.distribution.responses_locked_at or (closes and closes <= timezone.now()):
        raise ValidationProblem(_("This questionnaire is closed; no reply is expected any more."))
    if invitation.status == Status.DECLINED:
        return invitation
    invitation.status, invitation.reason = Status.DECLINED, reason.strip()[:2000]
    invitation.save(update_fields=["status", "reason"])
    invitation_event(invitation, Status.DECLINED, note=invitation.reason)
    return invitation


def _stop(invitation: Invitation, by: User, status: str, reason: str, answered: str) -> Invitation:
    ensure(by, Action.MANAGE_RESPONDENTS, invitation.distribution.evaluation)
    ensure_responses_unlocked(invitation.distribution)
    invitation = _locked(invitation)
    if invitation.status in Invitation.RESPONDED:
        raise ValidationProblem(answered % {"name": invitation.name})
    invitation.status, invitation.reason = status, reason.strip()[:2000]
    with because(invitation.reason):
        invitation.save(update_fields=["status", "reason"])
    invitation_event(invitation, status, by=by, note=invitation.reason)
    return invitation


@transaction.atomic
def invitation_exclude(*, invitation: Invitation, by: User, reason: str) -> Invitation:
    """The team takes someone out of the denominator (left the post, wrong person …)."""
    if not reason.strip():
        raise _refuse("reason", _("Say why this person is excluded."))
    answered = _("%(name)s has answered; a response is never excluded this way.")
    return _stop(invitation, by, Status.EXCLUDED, reason, answered)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User, reason: str = "") -> Invitation:
    """The link stops working (sent to a wrong address, forwarded …); answers given stay."""
    answered = _("%(name)s has answered; the link is no longer needed and stays as it is.")
    return _stop(invitation, by, Status.REVOKED, reason, answered)


@transaction.atomic
def invitation_restore(*, invitation: Invitation, by: User) -> Invitation:
    """Undo an exclusion, a decline or a revocation: the invitation waits for a reply again."""
    ensure(by, Action.MANAGE_RESPONDENTS, invitation.distribution.evaluation)
    ensure_responses_unlocked(invitation.distribution)
    invitation = _locked(invitation)
    if invitation.status not in (Status.EXCLUDED, Status.REVOKED, Status.DECLINED):
        return invitation
    # The last status it had before being stopped (resend, reminded … are not statuses).
    waiting = set(Status.values) - {Status.EXCLUDED, Status.REVOKED, Status.DECLINED}
    events = invitation.events.filter(status__in=waiting)
    # The last recorded (by id: an anonymous respondent's steps keep their day only, 00:00).
    previous = events.order_by("-pk").values_list("status", flat=True).first()
    invitation.status = previous if previous in Status.values else Status.CREATED
    invitation.reason = ""
    invitation.save(update_fields=["status", "reason"])
    invitation_event(invitation, "restored", by=by)
    return invitation


@transaction.atomic
def invitations_from_file(
    *,
    distribution: Distribution,
    by: User,
    table: Table,
    channel: str = Invitation.Channel.WEB,
) -> AudienceResult:
    """An uploaded list of people (the registry import's format), matched into the registry —
    new people are added to it — then invited. All or nothing: a row error, or a name that
    may be someone already in the registry, refuses the whole file."""
    ensure(by, Action.MANAGE_RESPONDENTS, distribution.evaluation)
    ensure_responses_unlocked(distribution)  # before the registry takes in anyone new
    mapping, _remembered = mapping_for(table.headers)
    try:
        analysis, _counts = people_import(
            table=table, mapping=mapping, by=by, stop_on_duplicates=True
        )
    except ValidationProblem as problem:
        if "may be people already in the registry" in problem.message:
            problem.message += " " + _(
                "Review them in Registry → Import people, then choose them here by group or name."
            )
        raise
    ids = list(dict.fromkeys(
        plan.person_id for plan in analysis.plans if plan.person_id and plan.action != SKIP
    ))  # fmt: skip
    people = Person.objects.in_bulk(ids)
    return invitations_for_people(
        distribution=distribution, by=by, people=[people[pk] for pk in ids], channel=channel
    )


@transaction.atomic
def invitation_change(
    *, invitation: Invitation, by: User, email: str | None = None, channel: str | None = None
) -> Invitation:
    """Correct the address or the channel (a wrong address, a phone call instead); the next
    sending or re-send uses it. Refused once the person has answered."""
    ensure(by, Action.MANAGE_RESPONDENTS, invitation.distribution.evaluation)
    ensure_responses_unlocked(invitation.distribution)
    invitation = _locked(invitation)
    if invitation.status in Invitation.RESPONDED:
        raise ValidationProblem(
            _("%(name)s has answered; the invitation stays as it was.") % {"name": invitation.name}
        )
    if invitation.channel == Invitation.Channel.OPEN:
        channel = None  # a visitor of the open link stays one, whatever the form sent
    changes = []
    if email is not None and email.strip().lower() != invitation.email.lower():
        cleaned = clean_emails([email], field="email") if email.strip() else []
        new = cleaned[0] if cleaned else ""
        others = invitation.distribution.invitations.exclude(pk=invitation.pk)
        if new and others.filter(email__iexact=new).exists():
            raise _refuse(
                "email", _("%(email)s is already invited to this questionnaire.") % {"email": new}
            )
        changes.append(f"e-mail: {invitation.email or '–'} → {new or '–'}")
        invitation.email = new
    if channel is not None and channel != invitation.channel:
        if channel not in Invitation.PLANNED_CHANNELS:
            raise _refuse("channel", _("Choose a web link, a file by e-mail or a phone call."))
        changes.append(f"channel: {invitation.channel} → {channel}")
        invitation.channel = channel
    if changes:
        invitation.save(update_fields=["email", "channel"])
        invitation_event(invitation, "changed", by=by, note="; ".join(changes))
    return invitation
