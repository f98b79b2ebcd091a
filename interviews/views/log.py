"""Pages of the interview log: the log with filters and counts, quick entry (participants picked
from the registry as you type, or added after a duplicate check), one interview with its notes
by guide question, follow-ups, exclusions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import ValidationProblem, form_add_problem
from common.revisions import EditConflict, form_add_conflict, form_revision
from evaluations.locks import log_lock_state
from evaluations.models import Evaluation
from evaluations.permissions import Action, can
from evaluations.views import evaluation_view
from interviews.forms.log import (
    ExcludeForm,
    GroupForm,
    InterviewForm,
    LogFilterForm,
    NewPersonForm,
    NoteForm,
    ParticipantProblem,
    as_id,
    interview_initial,
    participant_rows,
    participants_from_post,
)
from interviews.guide import condition_text, guide_attributes
from interviews.models import Interview
from interviews.selectors.log import interview_get, interview_list
from interviews.selectors.notes import guide_questions, notes_for
from interviews.services import interviews as interview_services
from interviews.services.notes import note_add
from interviews.services.participants import (
    ParticipantInput,
    participant_inputs,
    participant_person_create,
    participants_as_recorded,
)
from questionnaires.models import Question
from stakeholders.models import Person
from stakeholders.selectors import people_search, person_candidates

LOG_PAGE_SIZE = 200
FOUND = 10


def _interview(evaluation: Evaluation, pk: int, user: Any) -> Interview:
    try:
        return interview_get(user=user, evaluation=evaluation, pk=pk)
    except Interview.DoesNotExist:
        raise Http404(_("There is no such interview in this evaluation.")) from None


# --- the log ----------------------------------------------------------------------------------


@evaluation_view(Action.VIEW_RESPONSES)
def log_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    form = LogFilterForm(request.GET or None, evaluation=evaluation)
    log = interview_list(user=request.user, evaluation=evaluation, **form.filters())
    page = Paginator(log.interviews, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "interviews/log.html",
        {
            "evaluation": evaluation,
            "form": form,
            "filtered": bool(form.is_bound and form.filters()),
            "page": page,
            "counts": log.counts,
            "query": query.urlencode(),
            "can_log": can(request.user, Action.ENTER_RESPONSES, evaluation),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# --- quick entry and edit -----------------------------------------------------------------------


def _entry(
    request: HttpRequest,
    evaluation: Evaluation,
    *,
    interview: Interview | None = None,
    follow_up_of: Interview | None = None,
) -> HttpResponse:
    """The entry form for a new interview (a follow-up starts from the earlier one) or for
    changing one."""
    source = interview or follow_up_of
    locked = request.method != "POST" and log_lock_state(evaluation)
    if locked:  # no form to fill in for nothing: back, with who locked the log and why
        messages.error(request, locked)
        if source is not None:
            return redirect("interviews:interview", evaluation.slug, source.pk)
        return redirect("interviews:log", evaluation.slug)
    # An interview logged without a date (a list printed without dates) may stay so.
    unknown = interview is not None and interview.date is None
    if request.method == "POST":
        form = InterviewForm(request.POST, evaluation=evaluation, date_unknown=unknown)
        try:
            participants = participants_from_post(request.POST.getlist("participant"))
        except ParticipantProblem as problem:
            participants = []
            form.add_error(None, str(problem))
    else:
        initial = interview_initial(source) if source else {"date": dt.date.today()}
        if follow_up_of is not None:
            earliest = follow_up_of.date or dt.date.min  # date unknown: today
            initial |= {"date": max(dt.date.today(), earliest), "date_end": None}
            initial["follow_up_of"] = follow_up_of.pk
        initial["entry_token"] = uuid.uuid4().hex
        form = InterviewForm(initial=initial, evaluation=evaluation, date_unknown=unknown)
        participants = participant_inputs(source) if source else []
    if interview is not None:
        form_revision(form, interview.revision)
    if source is not None:
        # Shown as recorded; the service keeps what was recorded when it saves as well.
        participants = participants_as_recorded(participants, source)
    if request.method == "POST" and interview is None:
        logged = _logged_before(request, form.data.get("entry_token", ""))
        if logged is not None:
            messages.info(
                request, _("This interview was already logged (the form was sent twice).")
            )
            return redirect("interviews:interview", evaluation.slug, logged)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, evaluation, form, participants, interview, follow_up_of)
        if saved is not None and interview is None:
            _remember_entry(request, form.cleaned_data.get("entry_token", ""), saved)
        if saved is not None:
            return redirect("interviews:interview", evaluation.slug, saved.pk)
    return render(
        request,
        "interviews/entry.html",
        {
            "evaluation": evaluation,
            "form": form,
            "interview": interview,
            "follow_up_of": follow_up_of,
            "participants": participant_rows(participants),
            "group_form": GroupForm(prefix="group", use_required_attribute=False),
            "person_form": NewPersonForm(use_required_attribute=False),
        },
        status=400 if request.method == "POST" else 200,
    )


def _save(
    request: HttpRequest,
    evaluation: Evaluation,
    form: InterviewForm,
    participants: list[ParticipantInput],
    interview: Interview | None,
    follow_up_of: Interview | None,
) -> Interview | None:
    values = form.service_values()
    data = form.cleaned_data
    try:
        if interview is None:
            saved = interview_services.interview_create(
                evaluation=evaluation,
                by=request.user,
                participants=participants,
                interviewers=data["interviewer_list"],
                kind=data.get("kind") or None,
                category=data.get("category") or None,
                follow_up_of=follow_up_of,
                **values,
            )
            messages.success(request, _("Interview logged."))
        else:
            saved = interview_services.interview_update(
                interview=interview,
                by=request.user,
                participants=participants,  # as recorded for those already there
                interviewers=data["interviewer_list"],
                kind=data.get("kind") or None,
                category=data.get("category") or None,
                revision=data.get("revision"),
                **values,
            )
            messages.success(request, _("Interview saved."))
    except ValidationProblem as problem:
        form_add_problem(form, problem)
        return None
    except EditConflict as conflict:
        form_add_conflict(form, conflict)
        return None
    return saved


ENTRIES_REMEMBERED = 50


def _logged_before(request: HttpRequest, token: str) -> int | None:
    """The interview a form with this token already logged in this session, if any."""
    return request.session.get("interview_entries", {}).get(token) if token else None


def _remember_entry(request: HttpRequest, token: str, interview: Interview) -> None:
    if not token:
        return
    entries = request.session.get("interview_entries", {})
    entries[token] = interview.pk
    request.session["interview_entries"] = dict(list(entries.items())[-ENTRIES_REMEMBERED:])


@evaluation_view(Action.ENTER_RESPONSES)
def interview_new_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    raw = request.POST.get("follow_up_of") or request.GET.get("follow_up_of") or ""
    pk = as_id(raw)
    if raw and pk is None:
        raise Http404(_("There is no such interview in this evaluation."))
    follow_up_of = _interview(evaluation, pk, request.user) if pk else None
    return _entry(request, evaluation, follow_up_of=follow_up_of)


@evaluation_view(Action.ENTER_RESPONSES)
def interview_edit_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    return _entry(request, evaluation, interview=_interview(evaluation, pk, request.user))


# --- pieces of the entry form (HTMX) ------------------------------------------------------------


@evaluation_view(Action.ENTER_RESPONSES)
def people_found(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """Registry people whose name contains what was typed, to pick as participants."""
    q = (request.GET.get("q") or "").strip()
    found: list[Person] = []
    if len(q) >= 2:
        found = list(people_search(user=request.user, q=q)[:FOUND])
    return render(
        request,
        "interviews/_people_found.html",
        {"evaluation": evaluation, "q": q, "found": found, "short": 0 < len(q) < 2},
    )


@evaluation_view(Action.ENTER_RESPONSES)
def participant_row(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """One participant row for the entry form: a registry person, or a group as described."""
    raw = request.GET.get("person", "")
    if raw:
        person = get_object_or_404(Person, pk=as_id(raw) or 0)
        items = [ParticipantInput(person=person)]
        return _row(request, evaluation, items)
    form = GroupForm(request.GET, prefix="group", use_required_attribute=False)
    if not form.is_valid():
        # 200, so that the page shows the errors in place (htmx swaps no 4xx by default).
        return render(
            request,
            "interviews/_group_form.html",
            {"evaluation": evaluation, "group_form": form, "oob": True},
        )
    items = [
        ParticipantInput(
            group_label=form.cleaned_data["group_label"],
            headcount=form.cleaned_data["headcount"],
            stakeholder_group=form.cleaned_data["stakeholder_group"],
        )
    ]
    return _row(request, evaluation, items, clear_group=True)


def _row(
    request: HttpRequest,
    evaluation: Evaluation,
    items: list[ParticipantInput],
    *,
    clear_group: bool = False,
    clear_person: bool = False,
) -> HttpResponse:
    return render(
        request,
        "interviews/_participant_added.html",
        {
            "evaluation": evaluation,
            "participants": participant_rows(items),
            "clear_group": clear_group,
            "clear_person": clear_person,
            "group_form": GroupForm(prefix="group", use_required_attribute=False),
            "person_form": NewPersonForm(use_required_attribute=False),
        },
    )


@require_POST
@evaluation_view(Action.ENTER_RESPONSES)
def person_new(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """Add a person to the registry from the entry form, after showing the people the name may
    already stand for; "add anyway" confirms."""
    form = NewPersonForm(request.POST, use_required_attribute=False)
    if not form.is_valid():
        return _person_form(request, evaluation, form)
    data = form.cleaned_data
    if request.POST.get("confirm") != "1":
        candidates = person_candidates(data["new_name"])
        if candidates:
            people = Person.objects.in_bulk([c.person_id for c in candidates])
            found = [people[c.person_id] for c in candidates if c.person_id in people]
            return _person_form(request, evaluation, form, candidates=found)
    try:
        person = participant_person_create(
            evaluation=evaluation,
            by=request.user,
            name=data["new_name"],
            job_title=data["new_job_title"],
            organisation_name=data["new_organisation"],
            email=data["new_email"],
        )
    except ValidationProblem as problem:
        problem_errors = {
            f"new_{field}" if f"new_{field}" in form.fields else field: errors
            for field, errors in problem.errors.items()
        }
        form_add_problem(form, ValidationProblem(problem.message, errors=problem_errors))
        return _person_form(request, evaluation, form)
    return _row(request, evaluation, [ParticipantInput(person=person)], clear_person=True)


def _person_form(
    request: HttpRequest,
    evaluation: Evaluation,
    form: NewPersonForm,
    *,
    candidates: list[Person] | None = None,
) -> HttpResponse:
    """The new-person fields again: with their errors, or with the people the name may stand
    for (200 either way, so that htmx shows it in place)."""
    return render(
        request,
        "interviews/_person_form.html",
        {"evaluation": evaluation, "person_form": form, "candidates": candidates or []},
    )


@evaluation_view(Action.ENTER_RESPONSES)
def guide_fields(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """The questions about the interviewee that the chosen guide asks (e.g. the type)."""
    form = InterviewForm(
        initial={"guide_version": request.GET.get("guide_version")}, evaluation=evaluation
    )
    return render(request, "interviews/_guide_fields.html", {"form": form})


# --- one interview --------------------------------------------------------------------------------


@evaluation_view(Action.VIEW_RESPONSES)
def interview_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """The interview, its follow-ups, and its notes by guide question (free notes last)."""
    interview = _interview(evaluation, pk, request.user)
    form = NoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            question = None
            if form.cleaned_data["question"]:
                question = Question.objects.filter(pk=form.cleaned_data["question"]).first()
                if question is None:
                    form.add_error(None, _("That question is not in this interview's guide."))
        if form.is_valid():
            try:
                note_add(
                    interview=interview,
                    by=request.user,
                    question=question,
                    text=form.cleaned_data["text"],
                    attribution=form.cleaned_data["attribution"],
                    visibility=form.cleaned_data["visibility"],
                )
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                messages.success(request, _("Note added."))
                anchor = f"#q{question.pk}" if question else "#free-notes"
                return redirect(
                    reverse("interviews:interview", args=[evaluation.slug, pk]) + anchor
                )
        status = 400
    return render(
        request,
        "interviews/interview.html",
        _interview_context(request, evaluation, interview, form),
        status=status,
    )


def _interview_context(
    request: HttpRequest, evaluation: Evaluation, interview: Interview, form: NoteForm
) -> dict[str, Any]:
    notes = notes_for(user=request.user, interview=interview)
    by_question: dict[int | None, list] = {}
    for note in notes:
        by_question.setdefault(note.question_id, []).append(note)
    questions = guide_questions(interview=interview)
    asked = {q.pk for q in questions}
    posted = form.data.get("question") if form.is_bound else None
    return {
        "evaluation": evaluation,
        "interview": interview,
        "follow_ups": interview.follow_ups.order_by(F("date").asc(nulls_last=True), "pk"),
        "interviewee": [
            (attribute.label, attribute.label_of(interview.guide_attributes[attribute.name]))
            for attribute in guide_attributes(interview.guide_version)
            if interview.guide_attributes.get(attribute.name)
        ],
        "questions": [
            {
                "question": q,
                "condition": condition_text(q, interview.guide_version) if q.applies_to else "",
                "notes": by_question.get(q.pk, []),
                "open": str(q.pk) == str(posted),
            }
            for q in questions
        ],
        # Notes on questions the interviewee's type no longer asks stay readable, apart.
        "other_notes": [n for n in notes if n.question_id and n.question_id not in asked],
        "free_notes": by_question.get(None, []),
        "form": form,
        "posted_question": posted,
        "exclude_form": ExcludeForm(),
        "can_log": can(request.user, Action.ENTER_RESPONSES, evaluation),
        "can_decide": can(request.user, Action.MANAGE_RESPONDENTS, evaluation),
        "can_delete": can(request.user, Action.MANAGE_RESPONDENTS, evaluation)
        or (
            can(request.user, Action.ENTER_RESPONSES, evaluation)
            and interview.created_by_id == request.user.pk
        ),
    }


@require_POST
@evaluation_view(Action.ENTER_RESPONSES)
def interview_exclude(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    interview = _interview(evaluation, pk, request.user)
    if request.POST.get("action") == "include":
        interview_services.interview_include(interview=interview, by=request.user)
        messages.success(request, _("The interview counts in the tables again."))
        return redirect("interviews:interview", evaluation.slug, pk)
    try:
        reason = request.POST.get("reason", "")
        interview_services.interview_exclude(interview=interview, by=request.user, reason=reason)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("The interview is left out of the tables."))
    return redirect("interviews:interview", evaluation.slug, pk)


@require_POST
@evaluation_view(Action.ENTER_RESPONSES)
def interview_delete(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    interview = _interview(evaluation, pk, request.user)
    label = str(interview)
    interview_services.interview_delete(interview=interview, by=request.user)
    messages.success(request, _("%(interview)s deleted.") % {"interview": label})
    return redirect("interviews:log", evaluation.slug)
