"""Erasing a person: their names, addresses, numbers and free text go, in one transaction,
from every table; what the evaluation's tables count (interviews, dates, places, groups,
headcounts, sex, answers) stays, under the placeholder "Erased person <id>"."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.models import ImportJobBase
from common.names import normalise
from evaluations.locks import erasure_blocked_by
from evaluations.models import Evaluation
from evaluations.permissions import Actor, is_system
from history.context import because
from history.services import record, scrub_person
from history.services.scrub import pattern_of, wanted_strings
from interviews.models import Participation
from privacy.selectors.access import ensure_may_erase, person_evaluation_ids, person_family
from privacy.services.files import close_import_jobs, drop_import_files, erase_mail_files
from privacy.services.sweep import SweepResult, sweep_everywhere, sweep_rows
from questionnaires.instrument_format import STANDARD_ATTRIBUTES
from questionnaires.links import new_selector
from questionnaires.models import Answer, Invitation, InvitationEvent, Message, Response
from questionnaires.models import response_id as new_response_id
from questionnaires.services.events import day_start
from questionnaires.services.stored_files import stored_file_names
from reports.models import ExportJob
from stakeholders.models import Affiliation, Person, PersonAlias, PersonMerge
from stakeholders.selectors.merges import person_final

logger = logging.getLogger(__name__)

# Stored, not translated: the same words whatever the language of the person who erased.
PLACEHOLDER = "Erased person {id}"


def placeholder_for(person: Person | int) -> str:
    return PLACEHOLDER.format(id=getattr(person, "pk", person))


@dataclass
class Erasure:
    """What one erasure changed, for the page, the API and the command to report."""

    person_id: int
    placeholder: str
    evaluations: int = 0
    people: int = 1
    invitations: int = 0
    participations: int = 0
    responses: int = 0
    exports_expired: int = 0
    rows_rewritten: int = 0
    history_scrubbed: int = 0
    files_deleted: list[str] = field(default_factory=list)


def _names(person: Person) -> list[str]:
    given, family = person.given_name.strip(), person.family_name.strip()
    names = [person.display_name]
    if given and family:
        names += [f"{given} {family}", f"{family} {given}", f"{family}, {given}"]
        if person.honorific:
            names.append(f"{person.honorific} {family}")
    return names


def erased_strings(family: list[Person]) -> list[str]:
    """What identifies the people being erased, searched everywhere: full names (as written,
    given + family either way), aliases, e-mail addresses and phone numbers."""
    strings: list[str] = []
    for person in family:
        strings += _names(person)
        strings += [str(e) for e in person.emails or []]
        strings += [str(p) for p in person.phones or []]
    strings += PersonAlias.objects.filter(person__in=family).values_list("name", flat=True)
    return strings


def _near_strings(family: list[Person]) -> list[str]:
    """Parts of the name, searched only in the rows written to the person (their messages and
    invitation history): "Dear Zoë" names nobody else there."""
    parts = [p.given_name for p in family] + [p.family_name for p in family]
    return [*erased_strings(family), *parts]


def _refuse_if_not_erasable(person: Person, reason: str) -> None:
    if not reason.strip():
        message = _("Say why %(name)s is erased (e.g. their request of 3 May).") % {
            "name": person.display_name
        }
        raise ValidationProblem(message, errors={"reason": [message]})
    if person.merged_into_id:
        kept = person_final(person)
        raise ValidationProblem(
            _("%(name)s was merged into %(kept)s (no. %(id)s): erase %(kept)s instead.")
            % {"name": person.display_name, "kept": kept.display_name, "id": kept.pk}
        )
    if person.erased_at:
        raise ValidationProblem(
            _("Person no. %(id)s was already erased on %(day)s.")
            % {"id": person.pk, "day": timezone.localtime(person.erased_at).date().isoformat()}
        )


def _erase_registry(family: list[Person], now: dt.datetime) -> None:
    for person in family:
        name = placeholder_for(person)
        Person.objects.filter(pk=person.pk).update(
            display_name=name,
            normalised=normalise(name),
            given_name="",
            family_name="",
            honorific="",
            emails=[],
            phones=[],
            notes="",
            erased_at=now,
            revision=F("revision") + 1,
        )
        person.tags.clear()
    PersonAlias.objects.filter(person__in=family).delete()
    Affiliation.objects.filter(person__in=family).update(
        unit="", job_title="", revision=F("revision") + 1
    )
    for merge in PersonMerge.objects.filter(
        models.Q(kept__in=family) | models.Q(merged__in=family)
    ):
        moved = dict(merge.moved or {})
        moved.pop("emails", None)
        moved.pop("phones", None)
        if "names" in moved:
            moved["names"] = {
                "kept": placeholder_for(merge.kept_id),
                "merged": placeholder_for(merge.merged_id),
            }
        PersonMerge.objects.filter(pk=merge.pk).update(moved=moved)


# Invitations still waiting for a reply: their links are revoked (counted as revoked links,
# like the team's own revocations); answered, declined or excluded ones keep their status.
WAITING = frozenset(
    {
        Invitation.Status.CREATED,
        Invitation.Status.SENT,
        Invitation.Status.FAILED,
        Invitation.Status.OPENED,
        Invitation.Status.STARTED,
    }
)


def _erase_invitations(
    ids: list[int], name: str, near: list[str], result: SweepResult, *, by: Actor, reason: str
) -> int:
    """The invitations keep their distribution, status and coarse attributes; every link of
    the person stops opening anything (a new selector: the old token matches nothing), those
    still waiting are revoked, and no message to them goes out any more."""
    invitations = list(
        Invitation.objects.filter(person__in=ids).values_list("pk", "attributes", "status")
    )
    for pk, attributes, _status in invitations:
        coarse = {k: v for k, v in (attributes or {}).items() if k in STANDARD_ATTRIBUTES}
        Invitation.objects.filter(pk=pk).update(
            name=name,
            email="",
            reason="",
            attributes=coarse,
            selector=new_selector(),
            legacy_token_hash="",
        )
    waiting = [pk for pk, _attributes, status in invitations if status in WAITING]
    Invitation.objects.filter(pk__in=waiting).update(status=Invitation.Status.REVOKED)
    InvitationEvent.objects.bulk_create(
        InvitationEvent(
            invitation_id=pk,
            status=Invitation.Status.REVOKED,
            by=None if is_system(by) else by,
            note=reason,
        )
        for pk in waiting
    )
    invitation_ids = [pk for pk, _attributes, _status in invitations]
    messages = Message.objects.filter(invitation__in=invitation_ids)
    messages.filter(status__in=[Message.Status.QUEUED, Message.Status.FAILED]).update(
        status=Message.Status.CANCELLED,
        next_attempt_at=None,
        error=_("Not sent: the person was erased."),
    )
    messages.update(recipient=name)
    sweep_rows(messages, near, name, result)
    sweep_rows(InvitationEvent.objects.filter(invitation__in=invitation_ids), near, name, result)
    return len(invitation_ids)


def _anonymise_responses(ids: list[int], files: list[str]) -> int:
    """Named responses become anonymous ones: cut from the invitation, coarse attributes and
    day-only times, a new random id (an id seen next to the name says nothing any more);
    drafts, which nobody but the respondent saw, go. Uploaded files go too, as the returned
    file does (they may name the person): the files of file questions with their answers."""
    drafts = Response.objects.filter(invitation__person__in=ids, status=Response.Status.DRAFT)
    files += stored_file_names(Answer.objects.filter(response__in=drafts))
    drafts.delete()
    count = 0
    for response in Response.objects.filter(invitation__person__in=ids):
        old = response.pk
        if response.returned_file:
            files.append(str(response.returned_file.name))
        _drop_file_answers(response, files)
        response.pk = new_response_id()
        response._state.adding = True
        response.invitation = None
        response.returned_file = ""
        response.attributes = {
            k: v for k, v in (response.attributes or {}).items() if k in STANDARD_ATTRIBUTES
        }
        if response.submitted_at:
            response.submitted_at = day_start(response.submitted_at)
        if response.consented_at:
            response.consented_at = day_start(response.consented_at)
        response.started_at = response.last_saved_at = None
        Response.objects.filter(pk=old).update(invitation=None)
        response.save(force_insert=True)
        Answer.objects.filter(response_id=old).update(response_id=response.pk)
        Response.objects.filter(pk=old).delete()
        count += 1
    return count


def _drop_file_answers(response: Response, files: list[str]) -> None:
    """The response's file answers go (rows and files): the file and its name may name the
    person; the response's document loses them."""
    rows = Answer.objects.filter(response_id=response.pk).exclude(file="")
    found = list(rows.values_list("file", "question__key"))
    if not found:
        return
    files += [name for name, _key in found]
    rows.delete()
    keys = {key for _name, key in found}
    response.document = {k: v for k, v in (response.document or {}).items() if k not in keys}


def _erase_participations(ids: list[int], name: str) -> int:
    return Participation.objects.filter(person__in=ids).update(
        original_text=name, unit="", job_title=""
    )


def _expire_exports(evaluation_ids: Iterable[int], now: dt.datetime, files: list[str]) -> int:
    """Finished export files that may hold the name are deleted (their jobs marked expired), so
    the next download is built again."""
    done = ExportJob.objects.filter(evaluation__in=evaluation_ids, state=ExportJob.State.DONE)
    jobs = list(done.exclude(file="").values_list("pk", "file"))
    files += [name for _pk, name in jobs]
    done.filter(pk__in=[pk for pk, _name in jobs]).update(file="", size=0, expires_at=now)
    return len(jobs)


def _drop_stored_files(changed: dict[str, list], files: list[str]) -> None:
    """Uploaded files of the rows that quoted the person (an import's spreadsheet): the rows
    stay, their file goes."""
    for label, pks in changed.items():
        model = apps.get_model(label)
        for column in model._meta.concrete_fields:
            if not isinstance(column, models.FileField):
                continue
            rows = model._base_manager.filter(pk__in=pks).exclude(**{column.attname: ""})
            files += [n for n in rows.values_list(column.attname, flat=True) if n]
            rows.update(**{column.attname: ""})
        if issubclass(model, ImportJobBase):
            close_import_jobs(model, pks)


def _delete_files_after_commit(files: list[str], strings: list[str]) -> None:
    """Once the erasure is committed (never before: a rollback keeps everything), the stored
    files go and the e-mail files of the file backend lose the messages that name them."""
    names = list(dict.fromkeys(files))

    def delete() -> None:
        for name in names:  # one file out of reach (a bucket's hiccup) keeps none of the others
            try:
                default_storage.delete(name)
            except Exception:
                logger.exception("File %s of an erasure could not be deleted: delete it", name)
        erase_mail_files(strings)

    # robust: a file that cannot be deleted is logged; the erasure itself is committed.
    transaction.on_commit(delete, robust=True)


@transaction.atomic
def person_erase(*, by: Actor, person: Person, reason: str) -> Erasure:
    """Erase a person (and the people merged into them) everywhere, keeping what the tables
    count; refused without a reason, for a merged or erased person, without the right
    (privacy.selectors.access.ensure_may_erase) and under a legal hold or a lock."""
    return person_erase_checked(by=by, person=person, reason=reason, rights=True)


@transaction.atomic
def person_erase_checked(*, by: Actor, person: Person, reason: str, rights: bool) -> Erasure:
    """person_erase inside the caller's transaction; `rights=False` for a caller that checked
    who may erase by its own rule (retention: the lead, once every evaluation is past it)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    _refuse_if_not_erasable(person, reason)
    family = person_family(person)
    ids = [p.pk for p in family]
    evaluation_ids = person_evaluation_ids(ids)
    if rights:
        ensure_may_erase(by=by, person=person, evaluation_ids=evaluation_ids)
    blocked = erasure_blocked_by(Evaluation.objects.filter(pk__in=evaluation_ids))
    if blocked:
        raise ValidationProblem(
            _("%(name)s cannot be erased now. %(why)s")
            % {"name": person.display_name, "why": blocked}
        )
    name = placeholder_for(person)
    strings = erased_strings(family)
    near = _near_strings(family)
    now = timezone.now()
    erasure = Erasure(person_id=person.pk, placeholder=name, evaluations=len(evaluation_ids))
    erasure.people = len(family)
    swept = SweepResult()
    reason = pattern_of(wanted_strings(strings)).sub(name, reason.strip())
    with because(reason):
        # One entry records the erasure (below): the writes themselves leave none, as the
        # values they remove must not reach the history.
        with disable_auditlog():
            _erase_registry(family, now)
            erasure.invitations = _erase_invitations(ids, name, near, swept, by=by, reason=reason)
            erasure.responses = _anonymise_responses(ids, erasure.files_deleted)
            erasure.participations = _erase_participations(ids, name)
            erasure.exports_expired = _expire_exports(evaluation_ids, now, erasure.files_deleted)
            everywhere = sweep_everywhere(strings, name)
            _drop_stored_files(everywhere.changed, erasure.files_deleted)
            drop_import_files(family, strings, erasure.files_deleted)
        erasure.rows_rewritten = swept.rows + everywhere.rows
        erasure.history_scrubbed = sum(scrub_person(pk, strings, name) for pk in ids)
        person.refresh_from_db()
        record(
            person,
            verb="erase",
            reason=reason,
            changes={"erased_at": [None, now.isoformat()]},
            by=by,
        )
    _delete_files_after_commit(erasure.files_deleted, strings)
    return erasure
