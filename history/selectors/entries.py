"""The history as pages and the API read it: a person's, an interview's, an instrument
version's, a distribution's, and an evaluation's activity with its filters. Newest first, already
limited to what the user may read (history.selectors.access)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import ValidationProblem
from evaluations.models import Evaluation, Membership
from history.context import Kind
from history.models import Entry
from history.selectors.access import (
    ensure_history,
    ensure_registry_history,
    evaluation_scope,
    registry_scope,
)
from history.tracked import TRACKED

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# Kinds that are an action rather than a record type ("changed": plain edits, not merges …).
ACTIONS = {
    "created": (Entry.Action.CREATE, gettext_lazy("Created")),
    "changed": (Entry.Action.UPDATE, gettext_lazy("Changed")),
    "deleted": (Entry.Action.DELETE, gettext_lazy("Deleted")),
}
MEMBER_KINDS = (Kind.SYSTEM, Kind.RESPONDENT)


@dataclass(frozen=True)
class ActivityFilter:
    """What the activity list is narrowed to; empty values leave it whole."""

    member: str = ""  # a user's id, "system" or "respondent"
    kind: str = ""  # a record type (model name), an action (ACTIONS) or a verb ("download" …)
    since: dt.date | None = None
    until: dt.date | None = None


def _newest_first(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    return entries.select_related("actor", "content_type").order_by("-timestamp", "-pk")


def evaluation_activity(
    *,
    user: User | AnonymousUser,
    evaluation: Evaluation,
    filters: ActivityFilter | None = None,
) -> QuerySet[Entry]:
    """Everything recorded in the evaluation that the user may read, filtered."""
    ensure_history(user, evaluation)
    filters = filters or ActivityFilter()
    _check(filters, evaluation)
    entries = Entry.objects.filter(evaluation_scope(user, evaluation))
    if filters.member in MEMBER_KINDS:
        entries = entries.filter(actor_kind=filters.member)
    elif filters.member:
        entries = entries.filter(actor_id=int(filters.member))
    if filters.kind:
        entries = entries.filter(_kind_q(filters.kind))
    # The first and last days a date can name bound nothing (and would overflow a datetime).
    if filters.since and filters.since > dt.date.min:
        entries = entries.filter(timestamp__gte=_day_start(filters.since))
    if filters.until and filters.until < dt.date.max:
        entries = entries.filter(timestamp__lt=_day_start(filters.until + dt.timedelta(days=1)))
    return _newest_first(entries)


def _check(filters: ActivityFilter, evaluation: Evaluation) -> None:
    errors = {}
    if filters.member and not (filters.member in MEMBER_KINDS or _user_id(filters.member)):
        errors["member"] = [
            _("member must be a member's id, “system” or “respondent”; “%(value)s” is neither.")
            % {"value": filters.member}
        ]
    if filters.kind and not kind_allowed(filters.kind, evaluation=evaluation):
        errors["kind"] = [
            _(
                "There is no kind “%(value)s” in this history: use a record type (interview, "
                "person …), created, changed, deleted, or download."
            )
            % {"value": filters.kind}
        ]
    if filters.since and filters.until and filters.until < filters.since:
        errors["until"] = [_("The end date comes before the start date.")]
    if errors:
        raise ValidationProblem(next(iter(errors.values()))[0], errors=errors)


def _user_id(value: str) -> bool:
    """Digits (ASCII: "²" is a digit to Python) that fit the database's id column."""
    return value.isascii() and value.isdigit() and int(value) < 2**63


def _kind_q(kind: str) -> Q:
    if kind in ACTIONS:
        return Q(action=ACTIONS[kind][0], verb="")
    return Q(content_type__model=kind) | Q(verb=kind)


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of `day` where the reader is (the active time zone)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def anchored_history(
    *, user: User | AnonymousUser, evaluation: Evaluation, anchors: list[str]
) -> QuerySet[Entry]:
    """The entries shown on one page of the evaluation ("interview:5" …)."""
    ensure_history(user, evaluation)
    scope = evaluation_scope(user, evaluation) & Q(anchor__in=anchors)
    return _newest_first(Entry.objects.filter(scope))


def interview_history(
    *, user: User | AnonymousUser, evaluation: Evaluation, interview_id: int
) -> QuerySet[Entry]:
    """The interview, its participants, interviewers and notes."""
    return anchored_history(user=user, evaluation=evaluation, anchors=[f"interview:{interview_id}"])


def distribution_history(
    *, user: User | AnonymousUser, evaluation: Evaluation, distribution_id: int
) -> QuerySet[Entry]:
    """The distribution, its attachments and invitations."""
    anchors = [f"distribution:{distribution_id}"]
    return anchored_history(user=user, evaluation=evaluation, anchors=anchors)


def version_history(
    *, user: User | AnonymousUser, evaluation: Evaluation, version_id: int, instrument_id: int
) -> QuerySet[Entry]:
    """The version and its instrument."""
    anchors = [f"instrumentversion:{version_id}", f"instrument:{instrument_id}"]
    return anchored_history(user=user, evaluation=evaluation, anchors=anchors)


def person_history(*, user: User | AnonymousUser, person_id: int) -> QuerySet[Entry]:
    """A person in the registry: their record, aliases, affiliations and merges, and — in the
    evaluations where the user is a lead or an evaluator — their participations and invitations."""
    ensure_registry_history(user)
    about = Q(person_id=person_id) | Q(anchor=f"person:{person_id}")
    return _newest_first(Entry.objects.filter(about & registry_scope(user)))


def history_subject(model: str, entries: QuerySet[Entry], **lookup: object) -> Any:
    """The object a history is about, None once deleted; 404 when it never had a history
    (an address that never existed)."""
    found = apps.get_model(model)._default_manager.filter(**lookup).first()
    if found is None and not entries.exists():
        raise Http404(_("There is nothing with this id here, and no history of one."))
    return found


def version_of(*, evaluation: Evaluation, key: str, number: int) -> Any:
    """An instrument version of the evaluation by its instrument's key and its number; 404
    saying which when there is none."""
    version = (
        apps.get_model("questionnaires.InstrumentVersion")
        ._default_manager.filter(
            instrument__evaluation=evaluation, instrument__key=key, number=number
        )
        .first()
    )
    if version is None:
        raise Http404(
            _("There is no version %(number)s of “%(key)s”.") % {"number": number, "key": key}
        )
    return version


def former_actors(*, evaluation: Evaluation) -> QuerySet[Any]:
    """Users who acted in the evaluation and are no longer in its team (to filter by them)."""
    acted = Entry.objects.filter(evaluation_id=evaluation.pk, actor__isnull=False)
    team = Membership.objects.filter(evaluation=evaluation).values("user_id")
    return (
        get_user_model()
        ._default_manager.filter(pk__in=acted.values("actor_id"))
        .exclude(pk__in=team)
        .order_by("name", "email")
    )


def tracked_kinds() -> dict[str, str]:
    """Every record type the history writes, as {model name: label}."""
    models = [apps.get_model(label) for label in TRACKED]
    return {str(m._meta.model_name): str(capfirst(m._meta.verbose_name)) for m in models}


def kind_choices(*, evaluation: Evaluation) -> list[tuple[str, list[tuple[str, str]]]]:
    """The kinds to filter the evaluation's activity by, grouped: record types seen in it,
    actions, and the other things done (downloads, merges …)."""
    seen = Entry.objects.filter(evaluation_id=evaluation.pk).order_by()
    types = ContentType.objects.filter(
        pk__in=seen.values_list("content_type_id", flat=True).distinct()
    )
    records = [(ct.model, _type_label(ct)) for ct in types]
    verbs = sorted(v for v in seen.exclude(verb="").values_list("verb", flat=True).distinct())
    return [
        (_("Record type"), sorted(records, key=lambda choice: choice[1])),
        (_("Action"), [(key, str(label)) for key, (_action, label) in ACTIONS.items()]),
        (_("Other"), [(verb, capfirst(verb_label(verb))) for verb in verbs]),
    ]


def _type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(capfirst(model._meta.verbose_name)) if model else content_type.model


def kind_allowed(kind: str, *, evaluation: Evaluation) -> bool:
    """Whether `kind` names something the activity can be filtered by."""
    if kind in ACTIONS or kind in VERBS or kind in tracked_kinds():
        return True
    seen = Entry.objects.filter(evaluation_id=evaluation.pk)
    return seen.filter(Q(verb=kind) | Q(content_type__model=kind)).exists()


VERBS = {
    "download": gettext_lazy("downloaded"),
    "merge": gettext_lazy("merged"),
    "unmerge": gettext_lazy("merge undone"),
    "erase": gettext_lazy("erased"),
    "lock": gettext_lazy("locked"),
    "unlock": gettext_lazy("unlocked"),
    "import": gettext_lazy("imported"),
    "export": gettext_lazy("export requested"),
    "load": gettext_lazy("questions replaced"),
    "freeze": gettext_lazy("frozen"),
    "categorise": gettext_lazy("categorised by the rules"),
    "revise": gettext_lazy("new revision"),
    "legal hold": gettext_lazy("put on legal hold"),
    "legal hold lifted": gettext_lazy("legal hold lifted"),
    "correction asked": gettext_lazy("asked to correct"),
    "reopen": gettext_lazy("reopened for a correction"),
    "correction declined": gettext_lazy("correction declined"),
    "resubmit": gettext_lazy("corrected and resubmitted"),
}


def verb_label(verb: str) -> str:
    return str(VERBS.get(verb, verb))
