"""What a reader's REFI-QDA project holds (analysis.formats.qdpx): the codebook for every
member; the open answers and interview notes the reader may read and code (the codings API's
rule: codable_answers, codable_notes), with the codings the reader may read on them; a case per
response or interview with its attributes. A viewer reads no individual text: the codebook only.

Cases never carry a name: a response's snapshot gives its standard attributes (an anonymous
response has no invitation, so no link to anyone), an interview its category, region and its
participants' stakeholder groups and countries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from analysis.formats.qdpx import QdpxCase, QdpxProject, QdpxSelection, QdpxSource
from analysis.models import Coding
from analysis.selectors.codebook import codebook_of
from analysis.selectors.codings import codable_answers, codable_notes, readable_codings_filter
from common.attributes import attribute_label
from evaluations.permissions import Action, can
from interviews.models import DATE_UNKNOWN, Interview, InterviewNote, Participation
from questionnaires.instrument_format.vocabulary import STANDARD_ATTRIBUTES
from questionnaires.models import Answer, Distribution

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation

CASE_ATTRIBUTES = (*STANDARD_ATTRIBUTES, "category")


def _answers(reader: User | AnonymousUser, evaluation: Evaluation) -> list[Answer]:
    found: list[Answer] = []
    for distribution in Distribution.objects.filter(evaluation=evaluation).order_by("pk"):
        try:
            found += list(codable_answers(user=reader, distribution=distribution))
        except PermissionDenied:
            continue
    return found


def _notes(reader: User | AnonymousUser, evaluation: Evaluation) -> list[InterviewNote]:
    notes = codable_notes(user=reader, evaluation=evaluation)
    participants = Participation.objects.select_related("stakeholder_group", "country")
    return list(
        notes.select_related("interview__category", "interview__region").prefetch_related(
            Prefetch("interview__participations", queryset=participants.order_by("pk"))
        )
    )


def _interview_values(interview: Interview) -> dict[str, str]:
    parts = list(interview.participations.all())  # prefetched by _notes
    values = {
        "stakeholder_group": ", ".join(
            sorted({p.stakeholder_group.name for p in parts if p.stakeholder_group})
        ),
        "country": ", ".join(sorted({p.country.name for p in parts if p.country})),
        "region": interview.region.name if interview.region else "",
        "category": interview.category.name if interview.category else "",
    }
    return {attribute_label(k): v for k, v in values.items() if v}


def _selection(coding: Coding) -> QdpxSelection:
    coder = (coding.coder_id, str(coding.coder)) if coding.coder_id else None
    return QdpxSelection(
        key=coding.pk,
        start=coding.start,
        end=coding.end,
        codes=[code.guid for code in coding.codes.all()],
        memo=coding.memo,
        coder=coder,
        created=coding.created_at,
    )


def qdpx_project(*, user: User | AnonymousUser, evaluation: Evaluation) -> QdpxProject:
    """The project as `user` may see it."""
    readable = can(user, Action.VIEW_RESPONSES, evaluation)
    answers = _answers(user, evaluation) if readable else []
    notes = _notes(user, evaluation) if readable else []
    codings = (
        Coding.objects.filter(readable_codings_filter(user, evaluation))
        .select_related("coder")
        .prefetch_related("codes")
        .order_by("start", "pk")
        if readable
        else Coding.objects.none()
    )
    by_answer: dict[int, list[QdpxSelection]] = {}
    by_note: dict[int, list[QdpxSelection]] = {}
    for coding in codings:
        holder = by_answer if coding.answer_id else by_note
        holder.setdefault(coding.answer_id or coding.note_id or 0, []).append(_selection(coding))
    cases: dict[str, QdpxCase] = {}
    sources: list[QdpxSource] = []
    for answer in answers:
        response = answer.response
        key = f"response:{response.pk}"
        if key not in cases:
            values = {
                attribute_label(k): str(v)
                for k, v in response.attributes.items()
                if k in CASE_ATTRIBUTES and v not in (None, "")
            }
            cases[key] = QdpxCase(key, _("Respondent %(n)s") % {"n": response.pk}, values)
        sources.append(
            QdpxSource(
                key=f"answer:{answer.pk}",
                name=f"{answer.question.key} · " + _("respondent %(n)s") % {"n": response.pk},
                text=answer.text,
                case=key,
                selections=by_answer.get(answer.pk, []),
            )
        )
    for note in notes:
        interview = note.interview
        key = f"interview:{interview.pk}"
        if key not in cases:
            name = _("Interview %(n)s (%(date)s)") % {
                "n": interview.pk,
                "date": interview.date or DATE_UNKNOWN,
            }
            cases[key] = QdpxCase(key, name, _interview_values(interview))
        sources.append(
            QdpxSource(
                key=f"note:{note.pk}",
                name=_("Interview %(n)s · note %(note)s") % {"n": interview.pk, "note": note.pk},
                text=note.text,
                case=key,
                selections=by_note.get(note.pk, []),
            )
        )
    variables = sorted({name for case in cases.values() for name in case.values})
    return QdpxProject(
        name=evaluation.title,
        codes=codebook_of(user=user, evaluation=evaluation),
        variables=variables,
        cases=list(cases.values()),
        sources=sources,
    )
