"""Everything Consulta holds about one person, as one JSON-ready dict: the registry record,
aliases, affiliations, merges, invitations with their events, interviews, named responses and
the history about them, limited to what the requester may read (privacy.selectors.access)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from history.models import Entry
from history.selectors import EntryRow, entry_rows
from interviews.models import Interview, InterviewNote, Participation
from privacy.selectors.access import Reader, person_evaluation_ids, person_family
from questionnaires.models import Answer, Distribution, Invitation, Response, localized
from questionnaires.selectors.responses import invitation_history
from stakeholders.models import Affiliation, Person, PersonAlias, PersonMerge

FORMAT = "consulta-person-export/1"


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _name(obj: Any) -> str | None:
    return str(obj) if obj is not None else None


def _evaluation(evaluation: Any) -> dict[str, Any]:
    return {"id": evaluation.pk, "slug": evaluation.slug, "title": evaluation.title}


def person_record(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "display_name": person.display_name,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "honorific": person.honorific,
        "sex": person.sex,
        "emails": list(person.emails or []),
        "phones": list(person.phones or []),
        "language": person.language,
        "notes": person.notes,
        "tags": sorted(t.name for t in person.tags.all()),
        "created_at": _iso(person.created_at),
        "erased_at": _iso(person.erased_at),
        "merged_into": person.merged_into_id,
    }


def _affiliations(ids: list[int]) -> list[dict[str, Any]]:
    rows = Affiliation.objects.filter(person__in=ids).select_related(
        "organisation", "office", "country", "stakeholder_group"
    )
    return [
        {
            "id": a.pk,
            "person": a.person_id,
            "organisation": _name(a.organisation),
            "unit": a.unit,
            "job_title": a.job_title,
            "office": _name(a.office),
            "country": _name(a.country),
            "stakeholder_group": _name(a.stakeholder_group),
            "start": _iso(a.start),
            "end": _iso(a.end),
        }
        for a in rows.order_by("-start", "-pk")
    ]


def _merges(ids: list[int]) -> list[dict[str, Any]]:
    rows = PersonMerge.objects.filter(Q(kept__in=ids) | Q(merged__in=ids)).select_related(
        "kept", "merged", "by", "undone_by"
    )
    return [
        {
            "id": m.pk,
            "at": _iso(m.at),
            "kept": {"id": m.kept_id, "name": m.kept.display_name},
            "merged": {"id": m.merged_id, "name": m.merged.display_name},
            "by": _name(m.by),
            "similarity": m.score,
            "moved": m.moved,
            "undone_at": _iso(m.undone_at),
        }
        for m in rows.order_by("at", "pk")
    ]


def _invitations(ids: list[int], reader: Reader) -> list[dict[str, Any]]:
    rows = (
        Invitation.objects.filter(person__in=ids)
        .select_related("distribution__evaluation")
        .prefetch_related("events__by")
        .order_by("distribution__evaluation__title", "distribution__title", "pk")
    )
    out = []
    for invitation in rows:
        distribution = invitation.distribution
        if not reader.reads_log(distribution.evaluation_id):
            continue
        events = invitation_history(invitation.events.all(), distribution=distribution)
        out.append(
            {
                "id": invitation.pk,
                "evaluation": _evaluation(distribution.evaluation),
                "distribution": {"id": distribution.pk, "title": distribution.title},
                "name": invitation.name,
                "email": invitation.email,
                "language": invitation.language,
                "status": invitation.status,
                "channel": invitation.channel,
                "attributes": invitation.attributes,
                "reason": invitation.reason,
                "created_at": _iso(invitation.created_at),
                "sent_at": _iso(invitation.sent_at),
                "opened_at": _iso(invitation.opened_at),
                "submitted_at": _iso(invitation.submitted_at),
                "reminders_sent": invitation.reminders_sent,
                "events": [
                    {
                        "status": line.status,
                        "at": _iso(line.day or line.at),
                        "by": _name(line.by),
                        "note": line.note,
                    }
                    for line in events
                ],
            }
        )
    return out


def _participation(p: Participation | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "organisation": p.organisation_name or _name(p.organisation),
        "unit": p.unit,
        "job_title": p.job_title,
        "office": _name(p.office),
        "country": _name(p.country),
        "stakeholder_group": _name(p.stakeholder_group),
        "as_written": p.original_text,
    }


def _notes(interview: Interview, reader: Reader) -> list[dict[str, Any]]:
    notes = list(interview.notes.all())
    if not reader.reads_lead_only(interview.evaluation_id):
        notes = [n for n in notes if n.visibility == InterviewNote.Visibility.TEAM]
    return [
        {
            "question": n.question.key if n.question else None,
            "text": n.text,
            "attribution": n.attribution,
            "visibility": n.visibility,
            "created_at": _iso(n.created_at),
        }
        for n in notes
    ]


def _interviews(ids: list[int], reader: Reader) -> list[dict[str, Any]]:
    taken = {
        p.interview_id: p
        for p in Participation.objects.filter(person__in=ids).select_related(
            "organisation", "office", "country", "stakeholder_group"
        )
    }
    interviews = (
        Interview.objects.filter(Q(pk__in=taken) | Q(referred_by__in=ids))
        .select_related("evaluation", "country", "region", "category")
        .prefetch_related("notes__question")
        .order_by(F("date").asc(nulls_last=True), "pk")
    )
    out = []
    for interview in interviews:
        if not reader.reads_log(interview.evaluation_id):
            continue
        participation = taken.get(interview.pk)
        out.append(
            {
                "id": interview.pk,
                "evaluation": _evaluation(interview.evaluation),
                "as": "participant" if participation else "referred it",
                "date": _iso(interview.date),
                "date_end": _iso(interview.date_end),
                "grouping": interview.grouping,
                "venue": interview.venue,
                "country": _name(interview.country),
                "region": _name(interview.region),
                "mode": interview.mode,
                "kind": interview.kind,
                "category": _name(interview.category),
                "about": interview.about,
                "participation": _participation(participation),
                "notes": _notes(interview, reader),
            }
        )
    return out


def _answer_value(answer: Answer) -> Any:
    for value in (answer.text, answer.number, answer.date, answer.choice):
        if value not in (None, ""):
            return _iso(value)
    return answer.choices or None


def _responses(ids: list[int], reader: Reader) -> list[dict[str, Any]]:
    # An anonymous distribution's response is nobody's (a draft there is still tied to the
    # link until it is submitted): never in anyone's export.
    rows = (
        Response.objects.filter(invitation__person__in=ids)
        .exclude(distribution__confidentiality=Distribution.Confidentiality.ANONYMOUS)
        .select_related("distribution__evaluation", "invitation")
        .order_by("distribution__title", "submitted_at", "pk")
    )
    out = []
    for response in rows:
        evaluation = response.distribution.evaluation
        submitted = response.status == Response.Status.SUBMITTED
        if not reader.everything and not (
            submitted
            and reader.reads_answers(
                evaluation,
                confidentiality=response.confidentiality,
                entered_by_id=response.entered_by_id,
            )
        ):
            continue
        answers = Answer.objects.filter(response=response).select_related("question")
        out.append(
            {
                "id": response.pk,
                "evaluation": _evaluation(evaluation),
                "distribution": {
                    "id": response.distribution_id,
                    "title": response.distribution.title,
                },
                "status": response.status,
                "channel": response.channel,
                "language": response.language,
                "submitted_at": _iso(response.submitted_at),
                "attributes": response.attributes,
                "answers": [
                    {
                        "key": a.question.key,
                        "question": localized(a.question.text, response.language),
                        "answer": _answer_value(a),
                    }
                    for a in answers.order_by("question__section__order", "question__order")
                ],
            }
        )
    return out


def _history_entries(ids: list[int], reader: Reader) -> list[Entry]:
    about = Q(person_id__in=ids) | Q(anchor__in=[f"person:{pk}" for pk in ids])
    entries = Entry.objects.filter(about).select_related("actor").order_by("timestamp", "pk")
    return [e for e in entries if reader.reads_history(e.evaluation_id, e.lead_only)]


def person_history_rows(*, reader: Reader, person: Person) -> list[EntryRow]:
    """The history about `person` that `reader` may read, in words as the history pages say
    it (field labels and names, not keys and ids); the export keeps the stored values."""
    ids = [p.pk for p in person_family(person)]
    return entry_rows(_history_entries(ids, reader))


def _history(ids: list[int], reader: Reader) -> list[dict[str, Any]]:
    return [
        {
            "at": _iso(e.timestamp),
            "action": str(e.get_action_display()),
            "verb": e.verb,
            "what": e.object_repr,
            "by": _name(e.actor) if e.actor_id else e.actor_kind,
            "changes": e.changes,
            "reason": e.reason,
            "evaluation": e.evaluation_id,
        }
        for e in _history_entries(ids, reader)
    ]


def person_export(*, reader: Reader, person: Person) -> dict[str, Any]:
    """Everything about `person` (and the people merged into them) that `reader` may read."""
    family = person_family(person)
    ids = [p.pk for p in family]
    appears_in = person_evaluation_ids(ids)
    hidden = sorted(pk for pk in appears_in if not reader.reads_log(pk))
    return {
        "format": FORMAT,
        "exported_at": _iso(timezone.now()),
        "complete": reader.everything or not hidden,
        "evaluations_not_shown": len(hidden),
        "person": person_record(person),
        "merged_people": [person_record(p) for p in family[1:]],
        "aliases": [
            {"name": a.name, "source": a.source, "person": a.person_id}
            for a in PersonAlias.objects.filter(person__in=ids).order_by("name")
        ],
        "affiliations": _affiliations(ids),
        "merges": _merges(ids),
        "invitations": _invitations(ids, reader),
        "interviews": _interviews(ids, reader),
        "responses": _responses(ids, reader),
        "history": _history(ids, reader),
    }
