"""The coding page: the open answers and interview notes the user may code (the selectors of
analysis.selectors.codings), one text at a time split into sentences a keyboard can tick (or a
start/end filled from the browser's selection), codes applied with an optional memo, and the
text's codings highlighted and listed with their removal. A lead-only text is listed for the
lead only; viewers do not code."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from analysis.models import Code, Coding
from analysis.selectors.codebook import codes_of
from analysis.selectors.codings import codable_answers, codable_notes, codings_of
from analysis.services.codings import (
    answer_is_lead_only,
    coding_create,
    coding_delete,
    note_is_lead_only,
)
from analysis.views import analysis_context
from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action, Role, can, role_of
from evaluations.views import evaluation_view
from interviews.models import InterviewNote
from questionnaires.models import Answer, Distribution, localized
from reports.selectors.likert import language
from reports.views.base import refused

SENTENCE = re.compile(r"[^.!?;\n]+[.!?;]*")


@dataclass
class Piece:
    text: str
    coded: bool


def sentences(text: str) -> list[tuple[int, int, str]]:
    """The text's sentences (and lines) as (start, end, text), spaces around them left out."""
    found = []
    for match in SENTENCE.finditer(text):
        chunk = match.group()
        start = match.start() + len(chunk) - len(chunk.lstrip())
        end = match.end() - (len(chunk) - len(chunk.rstrip()))
        if end > start:
            found.append((start, end, text[start:end]))
    return found


def pieces(text: str, codings: list[Coding]) -> list[Piece]:
    """The text cut where codings start and end, each piece marked coded or not."""
    cuts = sorted({0, len(text), *(c.start for c in codings), *(c.end for c in codings)})
    cuts = [cut for cut in cuts if 0 <= cut <= len(text)]
    return [
        Piece(text[a:b], any(c.start <= a and b <= c.end for c in codings))
        for a, b in itertools.pairwise(cuts)
        if b > a
    ]


def _codable(
    request: HttpRequest, evaluation: Evaluation
) -> tuple[list[Answer], list[InterviewNote]]:
    """The answers and the notes the user may code, lead-only ones for the lead only."""
    lead = role_of(request.user, evaluation) == Role.LEAD
    answers: list[Answer] = []
    for distribution in Distribution.objects.filter(evaluation=evaluation).order_by("pk"):
        try:
            found = codable_answers(user=request.user, distribution=distribution)
        except PermissionDenied:
            continue
        found = found.select_related("response__distribution").annotate(coded=Count("codings"))
        answers += [a for a in found if lead or not answer_is_lead_only(a)]
    found_notes = codable_notes(user=request.user, evaluation=evaluation)
    notes: list[InterviewNote] = [
        n
        for n in found_notes.select_related("interview").annotate(coded=Count("codings"))
        if lead or not note_is_lead_only(n)
    ]
    return answers, notes


def _span(request: HttpRequest) -> tuple[int, int] | None:
    """The passage asked for: start/end (filled by the page's script or by hand), else the
    first to the last ticked sentence."""
    start, end = request.POST.get("start", "").strip(), request.POST.get("end", "").strip()
    if start.isdigit() and end.isdigit():
        return int(start), int(end)
    spans = []
    for value in request.POST.getlist("segment"):
        first, _sep, last = value.partition(":")
        if first.isdigit() and last.isdigit():
            spans.append((int(first), int(last)))
    if not spans:
        return None
    return min(a for a, _b in spans), max(b for _a, b in spans)


def _post(
    request: HttpRequest, evaluation: Evaluation, answer: Answer | None, note: InterviewNote | None
) -> None:
    if request.POST.get("action") == "delete":
        coding = get_object_or_404(
            codings_of(user=request.user, evaluation=evaluation), pk=request.POST.get("coding")
        )
        try:
            coding_delete(coding=coding, by=request.user)
        except ValidationProblem as problem:
            refused(request, problem)
        else:
            messages.success(request, _("Coding removed."))
        return
    span = _span(request)
    if span is None:
        messages.error(
            request,
            _("Select a passage: tick one or more sentences, or give its start and end."),
        )
        return
    ids = [int(v) for v in request.POST.getlist("codes") if v.isdigit()]
    codes = list(Code.objects.filter(evaluation=evaluation, pk__in=ids))
    try:
        coding_create(
            evaluation=evaluation,
            by=request.user,
            start=span[0],
            end=span[1],
            codes=codes,
            answer=answer,
            note=note,
            memo=request.POST.get("memo", ""),
        )
    except ValidationProblem as problem:
        refused(request, problem)
    else:
        messages.success(request, _("Passage coded."))


@evaluation_view(Action.VIEW_EVALUATION)
def coding_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    if not can(request.user, Action.VIEW_RESPONSES, evaluation):
        raise PermissionDenied(_("Your role does not include reading or coding the texts."))
    answers, notes = _codable(request, evaluation)
    answer = note = None
    if request.GET.get("answer"):
        answer = next((a for a in answers if str(a.pk) == request.GET["answer"]), None)
        if answer is None:
            raise Http404(_("No such answer among the texts you may code."))
    elif request.GET.get("note"):
        note = next((n for n in notes if str(n.pk) == request.GET["note"]), None)
        if note is None:
            raise Http404(_("No such note among the texts you may code."))
    if request.method == "POST" and (answer or note):
        _post(request, evaluation, answer, note)
        return redirect(request.get_full_path())
    text = answer.text if answer else (note.text if note else "")
    codings = []
    if answer or note:
        codings = list(
            codings_of(
                user=request.user,
                evaluation=evaluation,
                answer=answer.pk if answer else None,
                note=note.pk if note else None,
            )
        )
    lang = language()
    listed_answers = [(a, f"{a.question.ref} {localized(a.question.text, lang)}") for a in answers]
    return render(
        request,
        "analysis/coding.html",
        analysis_context(
            request,
            evaluation,
            "coding",
            answers=listed_answers,
            notes=notes,
            answer=answer,
            note=note,
            pieces=pieces(text, codings),
            sentences=sentences(text),
            codings=codings,
            codes=codes_of(user=request.user, evaluation=evaluation),
        ),
    )
