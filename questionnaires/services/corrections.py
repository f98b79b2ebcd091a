"""Corrections after submission (README, "Corrections"): a respondent asks to reopen and the
lead decides, or the lead (the team, for what it keyed in) reopens with a reason; the answers
are corrected on the link (or the team's page) and resubmitted; the history keeps what changed.

While a correction is open the response stays submitted with its answers, so every table
counts the previous submission until the corrected one replaces it, never both. The corrected
answers wait in Correction.draft, keyed as the API takes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.models import Membership
from evaluations.permissions import Action, can, can_read_answers, role_of
from history.services import record
from questionnaires.answers import (
    FILE_KIND,
    OTHER_SUFFIX,
    QuestionMeta,
    answer_values,
    applies,
    applying,
    is_empty,
    version_meta,
)
from questionnaires.documents import document_of, parts
from questionnaires.models import Answer, Correction, Invitation, Response
from questionnaires.services.answering import asked_questions, clean_answers
from questionnaires.services.distributions import ensure_responses_unlocked, form_is_closed
from questionnaires.services.responses import (
    AlreadySubmitted,
    FormClosed,
    StaleSave,
    Submission,
    _lock,
    _raise_if_any,
    _response_of,
)

if TYPE_CHECKING:
    from accounts.models import User

Status = Correction.Status
MESSAGE_MAX = 2000


# --- reads -------------------------------------------------------------------------------------


def active_correction(response: Response | None) -> Correction | None:
    """The response's request waiting for a decision, or its open correction."""
    if response is None or response.status != Response.Status.SUBMITTED:
        return None
    return Correction.objects.filter(response=response, status__in=Correction.ACTIVE).first()


def open_correction(invitation: Invitation) -> Correction | None:
    """The open correction of the link's response: the link shows the answers again."""
    return (
        Correction.objects.filter(
            response__invitation=invitation,
            response__entered_by__isnull=True,  # what the team keyed in, the team corrects
            status=Status.OPEN,
        )
        .select_related("response")
        .first()
    )


def latest_correction(response: Response | None) -> Correction | None:
    if response is None:
        return None
    return Correction.objects.filter(response=response).order_by("-pk").first()


def draft_answers(correction: Correction) -> list[Answer]:
    """The corrected answers as (unsaved) Answer rows, to fill a form with."""
    meta = version_meta(correction.response.version)
    rows = []
    for key, raw in correction.draft.items():
        question = meta.by_key.get(key)
        if question is None:
            continue
        values, _error = answer_values(question, raw, correction.draft.get(key + OTHER_SUFFIX))
        if not is_empty(values):
            rows.append(Answer(response=correction.response, question_id=question.id, **values))
    return rows


def raw_answers(document: Mapping[str, Any]) -> dict[str, Any]:
    """A response's document as the answers the API and the services take."""
    answers: dict[str, Any] = {}
    for key, value in document.items():
        main, other = parts(value)
        answers[key] = main
        if other:
            answers[key + OTHER_SUFFIX] = other
    return answers


# --- who may ------------------------------------------------------------------------------------


def ensure_decider(user: User, response: Response) -> None:
    """Only the evaluation's lead decides on a respondent's request."""
    if role_of(user, response.distribution.evaluation) != Membership.Role.LEAD:
        raise PermissionDenied(_("Only the lead evaluator decides on requests to correct."))


def may_reopen(user: User, response: Response) -> bool:
    """The lead reopens any response; the team reopens what it keyed in and may read."""
    evaluation = response.distribution.evaluation
    if role_of(user, evaluation) == Membership.Role.LEAD:
        return True
    return (
        response.entered_by_id is not None
        and can(user, Action.ENTER_RESPONSES, evaluation)
        and can_read_answers(
            user,
            evaluation,
            confidentiality=response.confidentiality,
            entered_by_id=response.entered_by_id,
        )
    )


def corrected_by_team(response: Response) -> bool:
    """Whether the team types the corrected answers: a response it keyed in, or one no longer
    linked to its respondent (anonymous); otherwise the respondent does, on their link."""
    return response.entered_by_id is not None or response.invitation_id is None


def _ensure_reopener(user: User, response: Response) -> None:
    if not may_reopen(user, response):
        raise PermissionDenied(
            _(
                "Only the lead evaluator reopens a response; the team reopens the "
                "questionnaires it keyed in."
            )
        )


# --- history ------------------------------------------------------------------------------------


def _record(
    response: Response,
    *,
    verb: str,
    changes: dict[str, list[Any]],
    reason: str,
    by: User | None = None,
) -> None:
    """An entry on the distribution's page. The previous answers of a lead-only response are
    for the lead's eyes only; an anonymous response names no person."""
    record(
        response,
        verb=verb,
        changes=changes,
        reason=reason,
        by=by,
        evaluation_id=response.distribution.evaluation_id,
        anchor=f"distribution:{response.distribution_id}",
        lead_only=response.confidentiality == "lead",
        person_id=response.invitation.person_id if response.invitation else None,
    )


# --- writes -------------------------------------------------------------------------------------


def _submitted_response(invitation: Invitation) -> Response:
    response = _response_of(invitation)
    if response is None or response.status != Response.Status.SUBMITTED:
        raise ValidationProblem(_("There are no submitted answers on this link to correct."))
    return response


@transaction.atomic
def correction_request(
    *, invitation: Invitation | None = None, token: str | None = None, message: str = ""
) -> Correction:
    """The respondent asks to reopen their submitted answers; asking again keeps one request.
    Give the invitation, or the link's token (InvalidLink when it matches none)."""
    invitation = _lock(invitation=invitation, token=token)
    response = _submitted_response(invitation)
    if form_is_closed(invitation.distribution):
        raise FormClosed
    active = active_correction(response)
    if active is not None:
        return active
    message = message.replace("\x00", "").strip()[:MESSAGE_MAX]
    correction = Correction.objects.create(
        response=response, status=Status.REQUESTED, message=message, requested_at=timezone.now()
    )
    _record(response, verb="correction asked", changes={"status": ["", Status.REQUESTED]},
            reason=message)  # fmt: skip
    return correction


def _locked(correction: Correction) -> Correction:
    return (
        Correction.objects.select_for_update(of=("self",))
        .select_related("response__distribution__evaluation", "response__invitation")
        .get(pk=correction.pk)
    )


def _open(correction: Correction, *, by: User, reason: str, now: dt.datetime) -> None:
    was = correction.status
    correction.status = Status.OPEN
    correction.decided_at, correction.decided_by, correction.reason = now, by, reason
    correction.draft = raw_answers(correction.response.document or {})
    correction.save(update_fields=["status", "decided_at", "decided_by", "reason", "draft"])
    _record(correction.response, verb="reopen", changes={"status": [was, Status.OPEN]},
            reason=reason, by=by)  # fmt: skip


def _ensure_open_to_change(response: Response) -> None:
    """Not while the responses are locked; and a response its respondent corrects on their
    link only while the form takes answers (after the close the link would not open it)."""
    ensure_responses_unlocked(response.distribution)
    if not corrected_by_team(response) and form_is_closed(response.distribution):
        raise ValidationProblem(
            _(
                "The questionnaire is closed: its respondent could not correct the answers on "
                "their link. Move the close later in the distribution's settings first."
            )
        )


@transaction.atomic
def correction_approve(*, correction: Correction, by: User, reason: str = "") -> Correction:
    """The lead agrees: the response is reopened for its respondent."""
    correction = _locked(correction)
    ensure_decider(by, correction.response)
    if correction.status != Status.REQUESTED:
        raise ValidationProblem(_("This request was already decided."))
    _ensure_open_to_change(correction.response)
    _open(correction, by=by, reason=reason.strip()[:MESSAGE_MAX], now=timezone.now())
    return correction


@transaction.atomic
def correction_decline(*, correction: Correction, by: User, reason: str = "") -> Correction:
    """The lead declines: the submitted answers stay; the respondent's link says so."""
    correction = _locked(correction)
    ensure_decider(by, correction.response)
    if correction.status != Status.REQUESTED:
        raise ValidationProblem(_("This request was already decided."))
    correction.status, correction.decided_at, correction.decided_by = (
        Status.DECLINED,
        timezone.now(),
        by,
    )
    correction.reason = reason.strip()[:MESSAGE_MAX]
    correction.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    _record(correction.response, verb="correction declined",
            changes={"status": [Status.REQUESTED, Status.DECLINED]},
            reason=correction.reason, by=by)  # fmt: skip
    return correction


@transaction.atomic
def response_reopen(*, response: Response, by: User, reason: str) -> Correction:
    """Reopen a submitted response, with a reason (required): a waiting request is approved."""
    response = (
        Response.objects.select_for_update(of=("self",))
        .select_related("distribution__evaluation", "invitation")
        .get(pk=response.pk)
    )
    _ensure_reopener(by, response)
    reason = reason.replace("\x00", "").strip()[:MESSAGE_MAX]
    if not reason:
        message = _("Say why the response is reopened: the history keeps the reason.")
        raise ValidationProblem(message, errors={"reason": [message]})
    if response.status != Response.Status.SUBMITTED:
        raise ValidationProblem(_("Only a submitted response can be reopened."))
    _ensure_open_to_change(response)
    correction = active_correction(response)
    if correction is not None and correction.status == Status.OPEN:
        raise ValidationProblem(_("This response is already reopened."))
    if correction is None:
        correction = Correction(response=response, status=Status.REQUESTED)
        correction.save()
    correction.response = response
    _open(correction, by=by, reason=reason, now=timezone.now())
    return correction


@transaction.atomic
def correction_save(
    *,
    invitation: Invitation,
    answers: Mapping[str, Any],
    keys: list[str] | None = None,
    language: str = "",
    page_save: bool = False,
    shown_at: dt.datetime | None = None,
) -> tuple[Response, dict[str, list[str]]]:
    """The respondent's page of corrected answers, saved as typed (valid or not) in the open
    correction: the same shape and rules as services.responses.response_save."""
    invitation = _lock(invitation=invitation, token=None)
    correction = open_correction(invitation)
    if correction is None:
        raise AlreadySubmitted(invitation.submitted_at)
    if form_is_closed(invitation.distribution):
        raise FormClosed
    saved_at = correction.page_saved_at
    if shown_at is not None and saved_at is not None and shown_at < saved_at:
        raise StaleSave
    meta = version_meta(invitation.distribution.version)
    wanted = keys if keys is not None else [k for k in answers if k in meta.by_key]
    questions = [meta.by_key[k] for k in wanted if k in meta.by_key]
    questions = [q for q in questions if q.kind not in ("instruction", FILE_KIND)]
    questions, refused = asked_questions(questions, answers, invitation.attributes)
    cleaned, errors = clean_answers(questions, answers)
    draft = dict(correction.draft)
    for question, _values in cleaned:
        for key in (question.key, question.key + OTHER_SUFFIX):
            draft.pop(key, None)
            if key in answers and answers[key] not in (None, "", []):
                draft[key] = answers[key]
    fields: dict[str, Any] = {"draft": draft}
    if page_save:
        fields["page_saved_at"] = timezone.now()
    Correction.objects.filter(pk=correction.pk).update(**fields)
    return correction.response, refused | errors


def _checked(
    response: Response, answers: Mapping[str, Any], attributes: dict
) -> list[tuple[QuestionMeta, dict]]:
    """The answers cleaned as a submission's are; ValidationProblem naming each one wrong."""
    meta = version_meta(response.version)
    errors: dict[str, list[str]] = {}
    unknown = sorted(k for k in answers if k.split(OTHER_SUFFIX)[0] not in meta.by_key)
    if unknown:
        errors["answers"] = [_("Unknown question(s): %(keys)s.") % {"keys": ", ".join(unknown)}]
    # A file question's file is not corrected here: it stays as uploaded.
    questions = [q for q in meta.questions if q.kind not in ("instruction", FILE_KIND)]
    keys = applying(meta.questions, attributes, answers) if meta.has_skip_logic else None
    asked, refused = asked_questions(questions, answers, attributes, keys, meta.labels)
    cleaned, invalid = clean_answers(asked, answers)
    errors |= refused | invalid
    answered = {q.id for q, values in cleaned if not is_empty(values)}
    for q in questions:
        applying_here = applies(q, attributes) and (keys is None or q.key in keys)
        if q.required and q.id not in answered and applying_here:
            errors.setdefault(q.key, [_("This question needs an answer.")])
    _raise_if_any(errors)
    return cleaned


def _resubmit(
    correction: Correction, answers: Mapping[str, Any], attributes: dict, by: User | None
) -> Response:
    """Replace the response's answers by the corrected ones; the history keeps what changed."""
    response = correction.response
    cleaned = _checked(response, answers, attributes)
    before = dict(response.document or {})
    Answer.objects.filter(response=response).exclude(question__kind=FILE_KIND).delete()
    Answer.objects.bulk_create(
        Answer(response=response, question_id=q.id, **values)
        for q, values in cleaned
        if not is_empty(values)
    )
    files = {q.key for q in version_meta(response.version).questions if q.kind == FILE_KIND}
    after = document_of((q.key, q.kind, v) for q, v in cleaned if not is_empty(v))
    after |= {key: value for key, value in before.items() if key in files}
    response.document = after
    response.save(update_fields=["document"])
    correction.status, correction.resubmitted_at, correction.draft = (
        Status.DONE,
        timezone.now(),
        {},
    )
    correction.save(update_fields=["status", "resubmitted_at", "draft"])
    changes = {
        key: [before.get(key), after.get(key)]
        for key in dict.fromkeys([*before, *after])
        if before.get(key) != after.get(key)
    }
    _record(response, verb="resubmit", changes=changes, reason=correction.reason, by=by)
    return response


@transaction.atomic
def correction_submit(
    *,
    invitation: Invitation | None = None,
    token: str | None = None,
    answers: Mapping[str, Any] | None = None,
    language: str = "",
    route: str = "",
) -> Submission:
    """The respondent resubmits their corrected answers (their link's open correction): the
    draft the form saved, or `answers` (the API: all at once). AlreadySubmitted when the link's
    response is not reopened; InvalidLink for a token that matches no link. The language and
    the route stay those of the first submission."""
    invitation = _lock(invitation=invitation, token=token)
    correction = open_correction(invitation)
    if correction is None:
        raise AlreadySubmitted(invitation.submitted_at)
    if form_is_closed(invitation.distribution):
        raise FormClosed
    correction = _locked(correction)
    given = answers if answers is not None else _applying_draft(correction.draft, invitation)
    response = _resubmit(correction, given, invitation.attributes, None)
    return Submission(response=response, created=True)


def _applying_draft(draft: Mapping[str, Any], invitation: Invitation) -> dict[str, Any]:
    """The draft's answers to the questions that still apply: a page that skip logic now
    leaves out keeps what was typed on it, but it is not sent (as services.answering.
    stored_errors drops it from a first submission)."""
    meta = version_meta(invitation.distribution.version)
    if not meta.has_skip_logic:
        return dict(draft)
    keys = applying(meta.questions, invitation.attributes, draft)
    return {k: v for k, v in draft.items() if k.removesuffix(OTHER_SUFFIX) in keys}


@transaction.atomic
def correction_enter(*, correction: Correction, by: User, answers: Mapping[str, Any]) -> Response:
    """The team types the corrected answers of a response it reopened (keyed in, or
    anonymous): all answers at once, checked as a submission's are."""
    correction = _locked(correction)
    response = correction.response
    _ensure_reopener(by, response)
    if correction.status != Status.OPEN:
        raise ValidationProblem(_("This response is not reopened: reopen it first, with a reason."))
    if not corrected_by_team(response):
        raise ValidationProblem(
            _("This response was submitted online: its respondent corrects it on their link.")
        )
    _ensure_open_to_change(response)
    attributes = response.invitation.attributes if response.invitation else response.attributes
    return _resubmit(correction, answers, attributes, by)
