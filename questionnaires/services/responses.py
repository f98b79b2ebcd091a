"""Drafts and submissions of personal links. The form, the API and the team's data entry all
go through these functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM, Action, ensure
from history.services import record
from questionnaires import links
from questionnaires.answers import (
    FILE_KIND,
    OTHER_SUFFIX,
    applies,
    applying,
    is_empty,
    version_meta,
)
from questionnaires.consent import ConsentNeeded, consent_moment, needs_consent
from questionnaires.instrument_format.vocabulary import STANDARD_ATTRIBUTES
from questionnaires.models import Answer, Distribution, Invitation, Response, response_id
from questionnaires.services.answering import (
    answer_rows,
    answers_document,
    asked_questions,
    clean_answers,
    skipped_keys,
    store_answers,
    stored_errors,
)
from questionnaires.services.distributions import ensure_responses_unlocked, form_is_closed
from questionnaires.services.events import day_start, invitation_event_row
from questionnaires.services.folded import folds, submission_write
from questionnaires.services.invitations import (
    invitation_create,
    invitation_started,
)
from questionnaires.services.open_links import open_link_quota_full
from questionnaires.services.prepared import Prepared
from questionnaires.services.stored_files import (
    file_values_refused,
    kept_file_answers,
)

if TYPE_CHECKING:
    from accounts.models import User


OPEN = Invitation.Channel.OPEN


class FormClosed(Exception):
    """The distribution no longer accepts answers."""


class AlreadySubmitted(Exception):
    """The invitation's response is already submitted; show the receipt (its time, when the
    response is no longer linked to the invitation, is the invitation's)."""

    def __init__(self, submitted_at: dt.datetime | None = None) -> None:
        super().__init__(submitted_at)
        self.submitted_at = submitted_at


class QuotaReached(FormClosed):
    """The open link's quota of submitted responses is full: this one is not sent (its draft
    is kept)."""


class StaleSave(Exception):
    """An autosave from a page shown before the form was last saved with a page's button (it
    left late, after the page's own save): what it holds is older, and is not saved."""


class InvalidLink(Exception):
    """No personal link has this token."""


@dataclass(frozen=True)
class Submission:
    """What response_submit did: the response, and whether this call submitted it (False
    when it was submitted before and the stored one is returned)."""

    response: Response
    created: bool


def _draft_for(invitation: Invitation, language: str) -> Response:
    """The invitation's draft, made on the first save (the invitation comes from _lock)."""
    response = _response_of(invitation)
    if response is not None:
        if response.status == Response.Status.SUBMITTED:
            raise AlreadySubmitted(response.submitted_at)
        return response
    if invitation.status in Invitation.RESPONDED:  # an anonymous response, cut off
        raise AlreadySubmitted(invitation.submitted_at)
    now = timezone.now()
    return Response.objects.create(
        distribution=invitation.distribution,
        version=invitation.distribution.version,
        invitation=invitation,
        channel=Response.Channel.OPEN if invitation.channel == OPEN else Response.Channel.WEB,
        language=language or invitation.language,
        started_at=now,
        last_saved_at=now,
    )


@transaction.atomic
def response_save(
    *,
    invitation: Invitation,
    answers: Mapping[str, Any],
    keys: list[str] | None = None,
    language: str = "",
    page_save: bool = False,
    shown_at: dt.datetime | None = None,
) -> tuple[Response, dict[str, list[str]]]:
    """Save what was typed as the draft, valid or not, and say what is not valid yet.

    `keys` limits the save to some questions (one page); by default all that were given.
    `page_save`: saved with the page's button (not an autosave). `shown_at`: for an autosave,
    when its page was shown; StaleSave when a page was saved with its button since then.
    """
    invitation = _lock(invitation=invitation, token=None)
    if form_is_closed(invitation.distribution):
        raise FormClosed
    response = _draft_for(invitation, language)
    if needs_consent(invitation.distribution.version, response):
        raise ConsentNeeded
    if shown_at is not None and response.page_saved_at and shown_at < response.page_saved_at:
        raise StaleSave
    meta = version_meta(invitation.distribution.version)
    wanted = keys if keys is not None else [k for k in answers if k in meta.by_key]
    questions = [meta.by_key[k] for k in wanted if k in meta.by_key]
    # A file question's answer is uploaded on its own (services.answer_files): kept here.
    questions = [q for q in questions if q.kind not in ("instruction", FILE_KIND)]
    questions, refused = asked_questions(questions, answers, invitation.attributes)
    cleaned, errors = clean_answers(questions, answers)
    errors = refused | errors
    store_answers(response, cleaned)
    if errors:  # what typed for a question skip logic now leaves out is kept, never in error
        skipped = skipped_keys(response, meta, invitation.attributes)
        errors = {k: v for k, v in errors.items() if k not in skipped or k in refused}
    # The page's answers replace theirs in the document (the row lock above orders saves).
    saved = {q.key for q, _values in cleaned}
    document = {k: v for k, v in (response.document or {}).items() if k not in saved}
    document |= answers_document(cleaned)
    response.document = document
    now = timezone.now()
    fields: dict[str, object] = {"last_saved_at": now, "document": document}
    if page_save:
        fields["page_saved_at"] = response.page_saved_at = now
    if language and language != response.language:
        fields["language"] = language
    Response.objects.filter(pk=response.pk).update(**fields)
    invitation_started(invitation)
    return response, errors


def _snapshot(invitation: Invitation, anonymous: bool) -> dict:
    if anonymous:
        return {k: v for k, v in invitation.attributes.items() if k in STANDARD_ATTRIBUTES}
    return dict(invitation.attributes)


# What submitting reads of an invitation's distribution and version: loading their long
# texts too would cost more than the rest of a submission.
LOCK_FIELDS = (
    *(f.name for f in Invitation._meta.concrete_fields),
    *(f"distribution__{name}" for name in (
        "evaluation_id", "version_id", "confidentiality", "languages", "deadline", "closes_at",
        "responses_locked_at",
    )),
    "distribution__version__instrument_id",
    "distribution__version__frozen_at",
    "distribution__version__consent",
    *(f"response__{f.name}" for f in Response._meta.concrete_fields),
)  # fmt: skip


def _locking() -> QuerySet[Invitation]:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("distribution__version", "response")
        .only(*LOCK_FIELDS)
        .order_by()
    )


# The API's hot path: compiled once per process (the compilation cost more than the query).
_BY_SELECTOR = Prepared(
    lambda selector: _locking().exclude(status=Invitation.Status.REVOKED).filter(selector=selector)
)


def _lock(*, invitation: Invitation | None, token: str | None) -> Invitation:
    """The invitation row, locked, with its distribution, version and response in one query:
    concurrent saves and submits of one link queue here."""
    if invitation is not None:
        return _locking().get(pk=invitation.pk)
    selector = links.selector_of(token)
    locked = _BY_SELECTOR.first(selector) if selector else None
    if locked is None or not links.token_matches(locked, str(token)):
        raise InvalidLink
    return locked


def _response_of(invitation: Invitation) -> Response | None:
    try:
        return invitation.response
    except Response.DoesNotExist:
        return None


def _route(distribution: Distribution, route: str) -> str:
    """Where the respondent chooses who reads, the choice is required; elsewhere unused."""
    if distribution.confidentiality != Distribution.Confidentiality.RESPONDENT:
        return ""
    if route not in ("lead", "team"):
        message = _("Choose who reads your answers: the lead evaluator only, or the whole team.")
        raise ValidationProblem(message, errors={"route": [message]})
    return route


def _raise_if_any(errors: dict[str, list[str]]) -> None:
    if errors:
        first_key = next(iter(errors))
        raise ValidationProblem(
            _("Some answers need attention (%(n)d), starting with %(key)s: %(message)s")
            % {"n": len(errors), "key": first_key, "message": errors[first_key][0]},
            errors=errors,
        )


def _complete(response: Response, invitation: Invitation, now: dt.datetime, **fields: Any) -> None:
    """Mark submitted; for anonymous distributions cut the link and blur the times."""
    distribution = invitation.distribution
    anonymous = distribution.confidentiality == Distribution.Confidentiality.ANONYMOUS
    response.status = Response.Status.SUBMITTED
    response.channel = fields["channel"]
    if invitation.channel == OPEN and response.channel == Response.Channel.WEB:
        response.channel = Response.Channel.OPEN  # marked as such in every table
    response.entered_by = fields["entered_by"]
    response.language = fields["language"] or response.language or invitation.language
    deadline = distribution.deadline  # anonymous: only the day is kept, so late by the day
    response.late = deadline is not None and (
        now.date() > deadline.date() if anonymous else now > deadline
    )
    response.attributes = _snapshot(invitation, anonymous)
    response.submitted_at = now
    if fields["returned_file"] is not None:
        response.returned_file = fields["returned_file"]
    response.route = fields["route"]
    response.consented_at = fields["consented_at"]
    if anonymous:
        response.invitation = None
        response.submitted_at = day_start(now)
        response.started_at = response.last_saved_at = None


def _save_submitted(response: Response, *, was_draft: bool) -> None:
    """Save the submitted response. An anonymous one that was a draft moves to a new random
    id (its answers with it): an id seen while it was a draft says nothing of it now."""
    if not (was_draft and response.invitation_id is None):
        response.save()
        return
    draft_id = response.pk
    response.pk = response_id()
    response._state.adding = True
    response.save(force_insert=True)
    Answer.objects.filter(response_id=draft_id).update(response_id=response.pk)
    Response.objects.filter(pk=draft_id).delete()


@transaction.atomic
def response_submit(
    *,
    invitation: Invitation | None = None,
    token: str | None = None,
    answers: Mapping[str, Any] | None = None,
    language: str = "",
    channel: str = Response.Channel.WEB,
    entered_by: User | None = None,
    returned_file: UploadedFile | None = None,
    route: str = "",
    consent: bool = False,
) -> Submission:
    """Submit a link's response, once. A repeated submit returns the stored one, with
    `created` False.

    Give the invitation, or the link's token (InvalidLink when it matches none). With
    `answers`, they replace the draft (the API and data entry send everything at once), in a
    fixed number of statements whatever their number. Anonymous distributions cut the link
    to the invitation here, and keep only the coarse attributes and the day of submission.
    """
    invitation = _lock(invitation=invitation, token=token)
    distribution = invitation.distribution
    existing = _response_of(invitation)
    if existing is not None and existing.status == Response.Status.SUBMITTED:
        return Submission(response=existing, created=False)
    if invitation.status in Invitation.RESPONDED:
        # Anonymous (the response is cut off), or a race lost: the row lock re-read the
        # invitation, not its response. Its submission time is the receipt.
        raise AlreadySubmitted(invitation.submitted_at)
    if entered_by is not None:  # the team keys in: told who locked the responses and why
        ensure_responses_unlocked(distribution)
    if form_is_closed(distribution) and entered_by is None:
        raise FormClosed
    if invitation.channel == OPEN and entered_by is None and open_link_quota_full(distribution):
        raise QuotaReached
    now = timezone.now()
    finish = {
        "channel": channel, "entered_by": entered_by, "language": language,
        "returned_file": returned_file, "route": _route(distribution, route),
        "consented_at": consent_moment(
            version=distribution.version,
            consented_at=existing.consented_at if existing else None,
            given=consent, now=now, keyed_in=entered_by is not None,
            anonymous=distribution.confidentiality == Distribution.Confidentiality.ANONYMOUS,
        ),
    }  # fmt: skip
    rows: list[dict[str, Any]] | None = None  # the answers' columns, when written in one statement
    if answers is None:  # the form: the draft holds the answers
        response = existing or _draft_for(invitation, language)
        _raise_if_any(stored_errors(response, invitation.attributes))
        _complete(response, invitation, now, **finish)
        _save_submitted(response, was_draft=True)
    else:
        meta = version_meta(distribution.version)
        errors = {}
        unknown = sorted(k for k in answers if k.split(OTHER_SUFFIX)[0] not in meta.by_key)
        if unknown:
            errors["answers"] = [_("Unknown question(s): %(keys)s.") % {"keys": ", ".join(unknown)}]
        keys = (
            applying(meta.questions, invitation.attributes, answers)
            if meta.has_skip_logic
            else None
        )
        asked, refused = asked_questions(
            [q for q in meta.questions if q.kind not in ("instruction", FILE_KIND)],
            answers,
            invitation.attributes,
            keys,
            meta.labels,
        )
        cleaned, errors_now = clean_answers(asked, answers)
        errors |= refused | errors_now | file_values_refused(meta, answers)
        files = kept_file_answers(existing)  # uploaded to the draft: they stay
        answered = {q.id for q, values in cleaned if not is_empty(values)} | set(files)
        for q in meta.questions:
            # Keyed in by the team, a file question may stay empty: the returned file holds it.
            optional = entered_by is not None and q.kind == FILE_KIND
            missing = q.required and not optional and q.id not in answered
            if missing and applies(q, invitation.attributes) and (keys is None or q.key in keys):
                errors.setdefault(q.key, [_("This question needs an answer.")])
        _raise_if_any(errors)
        response = existing or Response(
            distribution=distribution, version=distribution.version, invitation=invitation,
            started_at=now, last_saved_at=now,
        )  # fmt: skip
        _complete(response, invitation, now, **finish)
        response.document = answers_document(cleaned) | dict(files.values())
        if existing is None and folds():  # the API's hot path: one statement below
            rows = [{"question_id": q.id, "file": "", **v} for q, v in cleaned if not is_empty(v)]
        else:
            if existing is not None:
                Answer.objects.filter(response=existing).exclude(question_id__in=files).delete()
            _save_submitted(response, was_draft=existing is not None)
            Answer.objects.bulk_create(answer_rows(response, cleaned))
    done = Invitation.Status.RETURNED if entered_by else Invitation.Status.SUBMITTED
    was = invitation.status
    event = invitation_event_row(
        invitation, done, by=entered_by, note=channel if entered_by else ""
    )
    if rows is not None:
        submission_write(
            response=response, answers=rows, invitation=invitation, status=done,
            submitted_at=response.submitted_at, event=event,
        )  # fmt: skip
    else:
        Invitation.objects.filter(pk=invitation.pk).update(
            status=done, submitted_at=response.submitted_at
        )
        event.save(force_insert=True)
    invitation.status, invitation.submitted_at = done, response.submitted_at
    if entered_by is not None:  # the team's step; a respondent's own stays in the events only
        record(invitation, verb="", changes={"status": [was, done]})
    return Submission(response=response, created=True)


@transaction.atomic
def response_enter(
    *,
    distribution: Distribution,
    by: User,
    invitation: Invitation | None = None,
    name: str = "",
    email: str = "",
    attributes: Mapping[str, str] | None = None,
    answers: Mapping[str, Any],
    channel: str,
    returned_file: UploadedFile | None = None,
    route: str = "",
) -> Response:
    """A team member keys in a questionnaire returned by e-mail, on paper or by phone."""
    ensure(by, Action.ENTER_RESPONSES, distribution.evaluation)
    ensure_responses_unlocked(distribution)
    if channel not in Response.Channel.values or channel in (Response.Channel.WEB, OPEN):
        raise ValidationProblem(
            _("Say how the answers came back: e-mail, phone or paper."),
            errors={"channel": [_("Choose e-mail, phone or paper.")]},
        )
    if invitation is None:
        # Whoever may enter responses may add the person who answered (checked above).
        invitation = invitation_create(
            distribution=distribution, by=SYSTEM, name=name, email=email, attributes=attributes
        )
    elif invitation.distribution_id != distribution.pk:
        raise ValidationProblem(_("That person was invited to another questionnaire."))
    elif (locked := _lock(invitation=invitation, token=None)).status == Invitation.Status.STARTED:
        raise ValidationProblem(
            _(
                "%(name)s has started answering online: entering their answers here would "
                "replace what they typed. Ask them to finish online, or wait."
            )
            % {"name": invitation.name},
            errors={"invitation": [_("Started online.")]},
        )
    elif locked.status in Invitation.RESPONDED:
        raise ValidationProblem(
            _("%(name)s has already submitted a response; it is not replaced.")
            % {"name": invitation.name},
            errors={"invitation": [_("Already submitted.")]},
        )
    return response_submit(
        invitation=invitation,
        answers=answers,
        channel=channel,
        entered_by=by,
        returned_file=returned_file,
        route=route,
    ).response
