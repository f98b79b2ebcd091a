"""E-mails to recipients: invitations queued and sent (reminders are queued by
services/reminders.py, then go the same way).

Every message is a Message row first (unique key per invitation and purpose), then sent by a
Celery task in batches over one connection. Sending claims the row with a conditional update,
so a retried or duplicated task never sends a message twice; a failure is recorded on the row
(attempts, error) and retried with backoff; a send interrupted half-way is marked failed for a
person to check, never re-sent blindly."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable, Sequence
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.permissions import Action, ensure
from questionnaires.message_texts import attachments_for, message_texts, sender_name
from questionnaires.models import Distribution, Invitation, Message
from questionnaires.selectors.distributions import closed_refusal, sending_refusal
from questionnaires.selectors.texts import text_problems
from questionnaires.services.distributions import ensure_responses_unlocked
from questionnaires.services.events import invitation_advance, invitation_event
from questionnaires.tasks import messages_send

if TYPE_CHECKING:
    from django.core.mail.backends.base import BaseEmailBackend

    from accounts.models import User

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
MAX_ATTEMPTS = 6  # the first try and five retries, 1, 2, 4, 8 and 16 minutes apart
STALE_SENDING = dt.timedelta(minutes=15)
REDISPATCH_AFTER = dt.timedelta(minutes=10)


def message_create(invitation: Invitation, kind: str, key: str) -> Message | None:
    """The message with this key, made when new; None when it already existed."""
    subject, body = message_texts(invitation.distribution, invitation, kind)
    message, created = Message.objects.get_or_create(
        key=key,
        defaults={
            "distribution": invitation.distribution,
            "invitation": invitation,
            "kind": kind,
            "recipient": invitation.email,
            "subject": subject,
            "body": body,
            "attachments": attachments_for(invitation),
        },
    )
    return message if created else None


def enqueue(message_ids: Sequence[int]) -> None:
    """Hand the messages to Celery once the transaction commits. With the broker down they
    stay queued and `messages_dispatch` (beat) hands them over when it is back."""
    ids = list(message_ids)
    if not ids:
        return

    def dispatch() -> None:
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            Message.objects.filter(pk__in=batch, status=Message.Status.QUEUED).update(
                dispatched_at=timezone.now()
            )
            try:
                messages_send.delay(batch)
            except Exception:  # broker unreachable: the beat sweep picks them up later
                logger.warning("Could not queue %d message(s); they wait in the outbox.", len(ids))
                Message.objects.filter(pk__in=ids[start:], status=Message.Status.QUEUED).update(
                    dispatched_at=None
                )
                return

    transaction.on_commit(dispatch)


def invitation_queue(*, invitation: Invitation) -> Message | None:
    """Queue the invitation e-mail of one recipient (once: a second call finds it)."""
    if not invitation.email or invitation.channel == Invitation.Channel.PHONE:
        return None
    message = message_create(invitation, Message.Kind.INVITATION, f"inv:{invitation.pk}:invitation")
    if message:
        enqueue([message.pk])
    return message


@transaction.atomic
def distribution_send(
    *, distribution: Distribution, by: User, texts_confirmed: bool = False
) -> int:
    """Send the invitations not sent yet; returns how many were queued.

    While the questionnaire's texts hold something wrong (a placeholder nothing fills, a blank
    left as printed, a date already past) the sending is refused, listing it, unless the
    sender confirms having read the list (`texts_confirmed`): a warning, not a wall, since a
    text may quote a past date on purpose and a sent version cannot be edited."""
    ensure(by, Action.MANAGE_RESPONDENTS, distribution.evaluation)
    distribution = Distribution.objects.select_for_update().get(pk=distribution.pk)
    ensure_responses_unlocked(distribution)  # links to a closed form would only confuse
    now = timezone.now()
    refusal = sending_refusal(distribution, now)
    if refusal:
        past = not (distribution.closes_at and distribution.closes_at <= now)
        raise ValidationProblem(refusal, errors={"deadline": [_("In the past.")]} if past else None)
    waiting = distribution.invitations.filter(status=Invitation.Status.CREATED).exclude(
        channel=Invitation.Channel.PHONE
    )
    if not distribution.invitations.exists():
        raise ValidationProblem(_("Add recipients before sending."))
    missing = list(waiting.filter(email="").values_list("name", flat=True)[:10])
    if missing:
        raise ValidationProblem(
            _("No e-mail address for: %(names)s. Add one, or set their channel to phone.")
            % {"names": ", ".join(missing)}
        )
    problems = [] if texts_confirmed else text_problems(distribution, now)
    if problems:
        listed = [f"{p.where}: {p.problem}" for p in problems]
        raise ValidationProblem(
            _(
                "The questionnaire's texts need a look before sending (%(n)d): %(first)s "
                "Correct them in a new version, or confirm that they may go as they are."
            )
            % {"n": len(problems), "first": listed[0]},
            errors={"texts_confirmed": listed},
        )
    if distribution.sent_at is None:
        distribution.sent_at = now
        distribution.save(update_fields=["sent_at"])
    messages = [
        m for inv in waiting.select_related("distribution__evaluation", "distribution__version")
        if (m := message_create(inv, Message.Kind.INVITATION, f"inv:{inv.pk}:invitation"))
    ]  # fmt: skip
    enqueue([m.pk for m in messages])
    return len(messages)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> Message:
    """Send the invitation again (a new message; the earlier ones stay in the record)."""
    ensure(by, Action.MANAGE_RESPONDENTS, invitation.distribution.evaluation)
    ensure_responses_unlocked(invitation.distribution)
    closed = closed_refusal(invitation.distribution)
    if closed:  # a link to a closed form would only confuse
        raise ValidationProblem(closed)
    if invitation.status in Invitation.RESPONDED | {
        Invitation.Status.EXCLUDED,
        Invitation.Status.REVOKED,
    }:
        raise ValidationProblem(
            _("%(name)s is %(status)s: nothing to re-send.")
            % {"name": invitation.name, "status": invitation.get_status_display().lower()}
        )
    if not invitation.email:
        raise ValidationProblem(
            _("%(name)s has no e-mail address.") % {"name": invitation.name},
            errors={"email": [_("Required to send.")]},
        )
    count = invitation.messages.filter(kind=Message.Kind.INVITATION).count()
    message = message_create(
        invitation, Message.Kind.INVITATION, f"inv:{invitation.pk}:resend:{count}"
    )
    if message is None:  # pragma: no cover - the count makes each key new
        raise ValidationProblem(_("This message is already queued."))
    invitation_event(invitation, "resend", by=by)
    enqueue([message.pk])
    return message


@transaction.atomic
def message_retry(*, message: Message, by: User) -> None:
    """Try a failed message again now (attempts start over)."""
    ensure(by, Action.MANAGE_RESPONDENTS, message.distribution.evaluation)
    ensure_responses_unlocked(message.distribution)
    if message.status != Message.Status.FAILED:
        raise ValidationProblem(_("Only a failed message can be retried."))
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.QUEUED, attempts=0, next_attempt_at=None, dispatched_at=None
    )
    enqueue([message.pk])


# --- sending ----------------------------------------------------------------------------------


def retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=2 ** max(attempts - 1, 0))


def _still_wanted(message: Message, now: dt.datetime) -> str:
    """Why the message should no longer go out, or ''."""
    invitation = message.invitation
    if invitation is None:
        return _("The invitation was deleted.")
    stopped = {Invitation.Status.EXCLUDED, Invitation.Status.REVOKED}
    closes = message.distribution.closes_at
    if closes and closes <= now:
        return _("The questionnaire closed before the message went out.")
    if message.distribution.responses_locked_at is not None:
        return _("The responses were locked before the message went out.")
    if message.kind == Message.Kind.REMINDER:
        stopped |= Invitation.RESPONDED | {Invitation.Status.DECLINED}
    if invitation.status in stopped:
        return _("Not sent: the invitation is %(status)s.") % {
            "status": invitation.get_status_display().lower()
        }
    return ""


def _email(message: Message, connection: BaseEmailBackend) -> EmailMessage:
    distribution = message.distribution
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "consulta@localhost"
    domain = address.split("@")[-1]
    reply_to = distribution.reply_to or (
        distribution.created_by.email if distribution.created_by else ""
    )
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=formataddr((sender_name(distribution), address)),
        to=[message.recipient],
        reply_to=[reply_to] if reply_to else None,
        # One id per message: a mail server that sees it twice can tell.
        headers={"Message-ID": f"<consulta.{message.key.replace(':', '.')}@{domain}>"},
        connection=connection,
    )
    for item in message.attachments:
        try:
            with default_storage.open(item["path"], "rb") as handle:
                email.attach(item["name"], handle.read())
        except Exception as exc:  # the storage's own errors too (a bucket out of reach)
            # An OSError: the message fails and is retried, rather than stay "sending".
            raise OSError(
                _("The attachment %(name)s could not be read from the file storage: %(error)s")
                % {"name": item["name"], "error": f"{type(exc).__name__}: {exc}"}
            ) from exc
    return email


def message_deliver(*, message_id: int, connection: BaseEmailBackend | None = None) -> str:
    """Send one message if it is still due: 'sent', 'failed', 'cancelled' or 'skipped'
    (someone else has it, or it is done)."""
    now = timezone.now()
    claimed = (
        Message.objects.filter(pk=message_id, attempts__lt=MAX_ATTEMPTS)
        .filter(
            Q(status=Message.Status.QUEUED)
            # A failure waits for its retry time; one without (interrupted) waits for a person.
            | Q(status=Message.Status.FAILED, next_attempt_at__lte=now)
        )
        .update(status=Message.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    )
    if not claimed:
        return "skipped"
    message = Message.objects.select_related(
        "invitation", "distribution__evaluation", "distribution__created_by"
    ).get(pk=message_id)
    reason = _still_wanted(message, now)
    if reason:
        Message.objects.filter(pk=message.pk).update(status=Message.Status.CANCELLED, error=reason)
        if message.kind == Message.Kind.REMINDER and message.invitation_id:
            # A reminder that never went out does not count towards the maximum.
            Invitation.objects.filter(pk=message.invitation_id, reminders_sent__gt=0).update(
                reminders_sent=F("reminders_sent") - 1
            )
        return "cancelled"
    invitation = message.invitation
    if invitation is None:  # not reached: _still_wanted cancels a message without one
        raise RuntimeError(f"Message {message.pk} has no invitation to send for.")
    try:
        _email(message, connection or get_connection()).send(fail_silently=False)
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        _failed(message, invitation, exc, now)
        return "failed"
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT, sent_at=now, error="", next_attempt_at=None
    )
    if message.kind == Message.Kind.INVITATION:
        invitation_advance(
            invitation,
            Invitation.Status.SENT,
            (Invitation.Status.CREATED, Invitation.Status.FAILED),
            sent_at=now,
        )
    else:
        invitation_event(invitation, "reminded")
    return "sent"


def _failed(message: Message, invitation: Invitation, exc: Exception, now: dt.datetime) -> None:
    attempts = message.attempts
    retry_at = now + retry_delay(attempts) if attempts < MAX_ATTEMPTS else None
    error = f"{type(exc).__name__}: {exc}"[:1000]
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.FAILED, error=error, next_attempt_at=retry_at
    )
    logger.warning("Message %s failed (attempt %d): %s", message.pk, attempts, error)
    if message.kind == Message.Kind.INVITATION:
        invitation_advance(invitation, Invitation.Status.FAILED, (Invitation.Status.CREATED,))


def messages_deliver(message_ids: Iterable[int]) -> dict[str, list[int]]:
    """Send a batch over one connection; the ids by outcome."""
    outcome: dict[str, list[int]] = {"sent": [], "failed": [], "cancelled": [], "skipped": []}
    backend = get_connection()
    connection: BaseEmailBackend | None = backend
    try:
        backend.open()
    except (smtplib.SMTPException, OSError):
        connection = None  # each message tries (and records its failure) on its own
    try:
        for message_id in message_ids:
            result = message_deliver(message_id=message_id, connection=connection)
            outcome[result].append(message_id)
    finally:
        if connection is not None:
            connection.close()
    return outcome


def messages_dispatch(*, now: dt.datetime | None = None) -> int:
    """The sweep (Celery beat): queue what waits (broker was down, retry due) and mark sends
    interrupted half-way as failed, for a person to check. Returns how many were queued."""
    now = now or timezone.now()
    Message.objects.filter(
        status=Message.Status.SENDING, claimed_at__lt=now - STALE_SENDING
    ).update(
        status=Message.Status.FAILED,
        next_attempt_at=None,
        error=_("Interrupted while sending: it may or may not have gone out. Check, then retry."),
    )
    due = list(
        Message.objects.filter(
            # Queued and not handed to the broker lately (it was down, or the task was lost).
            Q(status=Message.Status.QUEUED)
            & (Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - REDISPATCH_AFTER))
            | Q(status=Message.Status.FAILED, next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    enqueue(due)
    return len(due)
