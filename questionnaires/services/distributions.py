"""Distributions: sending a version out (it freezes), changing the settings afterwards, the
files attached to the invitations, and whether the form still takes answers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.errors import Locked, ValidationProblem
from evaluations.locks import ensure_can_lock, lock_sentence
from evaluations.models import Evaluation
from evaluations.permissions import Action, Actor, ensure
from history.services import lock_switch, reason_given
from questionnaires.message_texts import check_templates
from questionnaires.models import Distribution, DistributionAttachment, InstrumentVersion, Message
from questionnaires.services.instruments import version_freeze

if TYPE_CHECKING:
    from accounts.models import User


DEFAULT_REMINDER_DAYS = (5, 2)

# Settings of a distribution that can change after it was made (distribution_update).
SETTINGS = (
    "title", "deadline", "closes_at", "time_zone", "sender_name", "reply_to",
    "invitation_subject", "invitation_body", "reminder_subject", "reminder_body",
    "reminder_days", "max_reminders",
)  # fmt: skip


def _settings_problems(values: dict[str, Any], *, changed: set[str]) -> dict[str, list[str]]:
    """What is wrong with a distribution's settings; dates in the past only where changed."""
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    deadline, closes_at = values.get("deadline"), values.get("closes_at")
    if "deadline" in changed and deadline and deadline <= now:
        errors["deadline"] = [_("The deadline is in the past. Choose a later date.")]
    if "closes_at" in changed and closes_at and closes_at <= now:
        errors["closes_at"] = [_("The close is in the past. Choose a later date.")]
    if deadline and closes_at and closes_at < deadline:
        errors["closes_at"] = [_("The form cannot close before the deadline.")]
    if not (values.get("title") or "").strip():
        errors["title"] = [_("A title is required.")]
    try:
        ZoneInfo(values.get("time_zone") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = [_("Unknown time zone; use a name such as Europe/Zurich.")]
    days = values.get("reminder_days") or []
    if not all(isinstance(d, int) and 0 < d <= 90 for d in days):
        errors["reminder_days"] = [_("Reminders are whole days before the deadline, 1 to 90.")]
    elif days and not deadline:
        errors["reminder_days"] = [_("Reminders need a deadline to count back from.")]
    elif days and "reminder_days" in changed:
        errors |= _reminder_day_problems(values, days, now)
    if not 0 <= int(values.get("max_reminders") or 0) <= 10:
        errors["max_reminders"] = [_("At most 10 reminders per person.")]
    if values.get("reply_to"):
        try:
            validate_email(values["reply_to"])
        except DjangoValidationError:
            errors["reply_to"] = [_("Not a valid e-mail address.")]
    texts = ("invitation_subject", "invitation_body", "reminder_subject", "reminder_body")
    errors |= check_templates({k: values.get(k) or "" for k in texts})
    return errors


def _when(moment: dt.datetime, zone: str) -> str:
    try:
        tz = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    return date_format(moment.astimezone(tz), "j M Y H:i")


def _reminder_day_problems(
    values: dict[str, Any], days: list[int], now: dt.datetime
) -> dict[str, list[str]]:
    """Reminder days entered that could never be sent: before the invitations went out (or,
    before sending, already past), or at or after the close. Each named with its date."""
    deadline, closes_at = values["deadline"], values.get("closes_at")
    sent_at = values.get("sent_at")
    zone = values.get("time_zone") or "UTC"
    problems: list[str] = []
    for day in sorted(set(days), reverse=True):
        at = deadline - dt.timedelta(days=day)
        names = {"days": day, "when": _when(at, zone)}
        if sent_at is not None and at <= sent_at:
            problems.append(
                _(
                    "%(days)d days before the deadline is %(when)s, before the invitations "
                    "went out (%(sent)s): that reminder would never be sent."
                )
                % {**names, "sent": _when(sent_at, zone)}
            )
        elif sent_at is None and at <= now:
            problems.append(
                _(
                    "%(days)d days before the deadline is %(when)s, already past: the "
                    "invitations go out later, so that reminder would never be sent."
                )
                % names
            )
        elif closes_at is not None and at >= closes_at:
            problems.append(
                _("%(days)d days before the deadline is %(when)s, after the close (%(close)s).")
                % {**names, "close": _when(closes_at, zone)}
            )
    return {"reminder_days": problems} if problems else {}


def _raise_problems(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationProblem(next(iter(errors.values()))[0], errors=errors)


@transaction.atomic
def distribution_create(
    *,
    evaluation: Evaluation,
    by: User,
    version: InstrumentVersion,
    title: str,
    confidentiality: str = Distribution.Confidentiality.TEAM,
    languages: list[str] | None = None,
    deadline: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    **settings: Any,
) -> Distribution:
    """Send a version out: it freezes, so the questions people answer never change.
    `settings` are the other SETTINGS (time zone, sender, messages, reminders)."""
    ensure(by, Action.MANAGE_INSTRUMENTS, evaluation)
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown settings {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    if version.instrument.evaluation_id != evaluation.pk:
        errors["version"] = [_("This version belongs to another evaluation.")]
    if confidentiality not in Distribution.Confidentiality.values:
        errors["confidentiality"] = [_("Choose team, lead, anonymous or the respondent's choice.")]
    languages = list(languages or version.languages)
    missing = [code for code in languages if code not in version.languages]
    if missing:
        errors["languages"] = [
            _("The instrument has no %(codes)s text.") % {"codes": ", ".join(missing)}
        ]
    values = {**settings, "title": title, "deadline": deadline, "closes_at": closes_at}
    values.setdefault("max_reminders", 2)
    given = set(values)
    if deadline:  # a usual schedule to start from; the page flags its days that cannot go
        values.setdefault("reminder_days", list(DEFAULT_REMINDER_DAYS))
    errors |= _settings_problems(values, changed=given)
    _raise_problems(errors)
    version_freeze(version=version)
    return Distribution.objects.create(
        evaluation=evaluation,
        version=version,
        confidentiality=confidentiality,
        languages=languages,
        created_by=by,
        **{**values, "title": title.strip(), "closes_at": closes_at or deadline},
    )


@transaction.atomic
def distribution_update(*, distribution: Distribution, by: User, **changes: Any) -> Distribution:
    """Change the deadline, close, messages, reminders or sender of a distribution."""
    ensure(by, Action.MANAGE_RESPONDENTS, distribution.evaluation)
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown settings {sorted(unknown)}")
    values = {name: getattr(distribution, name) for name in SETTINGS} | changes
    changed = {k for k, v in changes.items() if getattr(distribution, k) != v}
    checked = {**values, "sent_at": distribution.sent_at}
    _raise_problems(_settings_problems(checked, changed=changed))
    for name in changed:
        setattr(distribution, name, values[name])
    if changed:
        distribution.title = distribution.title.strip()
        distribution.save(update_fields=sorted(changed))
    return distribution


def form_is_closed(distribution: Distribution, now: dt.datetime | None = None) -> bool:
    """Past its close, or its responses locked by the lead: the respondent's form is closed."""
    if distribution.responses_locked_at is not None:
        return True
    return bool(distribution.closes_at and (now or timezone.now()) > distribution.closes_at)


# --- the lock on the responses ----------------------------------------------------------------


def responses_lock_state(distribution: Distribution) -> str:
    """Who locked the distribution's responses, when and why; empty when they are not locked.
    Read from the database: a distribution loaded earlier may not know of a lock."""
    row = (
        Distribution.objects.filter(pk=distribution.pk)
        .values(
            "title",
            "responses_locked_at",
            "responses_locked_by__name",
            "responses_locked_by__email",
            "responses_lock_reason",
        )
        .first()
    )
    if row is None or row["responses_locked_at"] is None:
        return ""
    return lock_sentence(
        _("The responses to “%(title)s”") % {"title": row["title"]},
        row["responses_locked_at"],
        row["responses_locked_by__name"] or row["responses_locked_by__email"] or "",
        row["responses_lock_reason"],
    )


def ensure_responses_unlocked(distribution: Distribution) -> None:
    """Raise Locked, saying who locked the responses, when and why, while they are locked."""
    sentence = responses_lock_state(distribution)
    if sentence:
        raise Locked(
            sentence + " " + _("Reads and exports go on; ask the lead evaluator to unlock them.")
        )


@transaction.atomic
def distribution_responses_lock(
    *, distribution: Distribution, by: Actor, reason: str
) -> Distribution:
    """Lock the responses (lead only): the form closes, nothing is entered, excluded or
    revived; reads and exports go on."""
    ensure_can_lock(by, distribution.evaluation)
    reason = reason_given(reason, doing=_("lock the responses"))
    refused = _("The responses are already locked. %(state)s") % {
        "state": responses_lock_state(distribution)
    }
    lock_switch(distribution, "responses", lock=True, by=by, reason=reason, refused=refused)
    return distribution


@transaction.atomic
def distribution_responses_unlock(
    *, distribution: Distribution, by: Actor, reason: str
) -> Distribution:
    """Unlock the responses (lead only), saying why; the history keeps who and why."""
    ensure_can_lock(by, distribution.evaluation)
    reason = reason_given(reason, doing=_("unlock the responses"))
    refused = _("The responses are not locked.")
    lock_switch(distribution, "responses", lock=False, by=by, reason=reason, refused=refused)
    return distribution


@transaction.atomic
def attachment_create(
    *,
    distribution: Distribution,
    by: User,
    file: UploadedFile,
    attribute: str = "",
    value: str = "",
) -> DistributionAttachment:
    """Attach a file to the invitations: everyone's, or those whose `attribute` is `value`."""
    ensure(by, Action.MANAGE_RESPONDENTS, distribution.evaluation)
    if file.name is None:  # not reached: the form and the API refuse a file without a name
        raise ValueError("An attachment needs a file with a name.")
    return DistributionAttachment.objects.create(
        distribution=distribution,
        attribute=attribute,
        value=value.strip(),
        file=file,
        filename=file.name[:255],
    )


@transaction.atomic
def attachment_remove(*, attachment: DistributionAttachment, by: User) -> None:
    """Remove an attachment and its file; refused while messages waiting to go out carry it."""
    distribution = attachment.distribution
    ensure(by, Action.MANAGE_RESPONDENTS, distribution.evaluation)
    stored = attachment.file.name
    if stored is None:  # not reached: an attachment is created with its file
        raise ValueError(f"Attachment {attachment.pk} has no file.")
    waiting = distribution.messages.filter(
        status__in=[Message.Status.QUEUED, Message.Status.SENDING, Message.Status.FAILED],
        attachments__icontains=stored,
    )
    if waiting.exists():
        raise ValidationProblem(
            _("Messages waiting to go out carry this file; remove it once they are sent.")
        )
    attachment.file.delete(save=False)
    attachment.delete()
