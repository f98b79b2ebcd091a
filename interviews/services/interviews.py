"""Logging interviews: create, change, follow up, exclude, delete; interviewers matched by
their initials; reporting categories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.revisions import revision_take
from evaluations.locks import ensure_log_unlocked
from evaluations.models import Evaluation, Membership
from evaluations.permissions import Actor, author_of, is_system
from history.context import because
from history.selectors.conflicts import changes_since
from interviews.cells import initials_key
from interviews.guide import guide_attributes
from interviews.models import Interview, Interviewer, ReportingCategory
from interviews.services.categories import category_of, interview_categorise
from interviews.services.checks import (
    UNSET,
    check_choice,
    check_length,
    ensure_can_decide,
    ensure_can_log,
    refuse,
)
from interviews.services.participants import (
    ParticipantInput,
    interview_kind,
    participant_inputs,
    participants_as_recorded,
    participants_check,
    participations_save,
    person_current,
)
from questionnaires.models import Instrument, InstrumentVersion
from questionnaires.services import version_freeze
from stakeholders.models import Country, Person, Region

# --- checks -----------------------------------------------------------------------------------


def _check_dates(
    date: dt.date | None, date_end: dt.date | None, *, unknown: bool = False
) -> dt.date | None:
    if date is None and unknown:
        # A list printed without dates: the interview took place, on a day nobody recorded.
        if date_end is not None:
            raise refuse("date_end", _("An interview whose date is unknown has no end date."))
        return None
    if not isinstance(date, dt.date):
        raise refuse("date", _("The date of the interview is required."))
    if date_end is not None and not isinstance(date_end, dt.date):
        raise refuse("date_end", _("The end of the interview must be a date, or left empty."))
    if date_end is not None and date_end < date:
        raise refuse(
            "date_end",
            _("The interview cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": date_end.isoformat(), "start": date.isoformat()},
        )
    return None if date_end == date else date_end


def _check_place(
    country: Country | None, region: Region | None
) -> tuple[Country | None, Region | None]:
    if country is None:
        return country, region
    if region is None:
        return country, country.region
    if country.region_id and region.pk != country.region_id:
        raise refuse(
            "region",
            _("%(country)s is in %(in)s, not in %(region)s.")
            % {"country": country.name, "in": country.region, "region": region.name},
        )
    return country, region


def _check_follow_up(
    evaluation: Evaluation, of: Interview | None, date: dt.date | None, interview: Interview | None
) -> None:
    if of is None:
        return
    if of.evaluation_id != evaluation.pk:
        raise refuse(
            "follow_up_of", _("A follow-up must follow an interview of the same evaluation.")
        )
    if of.date is not None and date is not None and of.date > date:
        raise refuse(
            "follow_up_of",
            _("A follow-up cannot take place (%(date)s) before the interview it follows (%(of)s).")
            % {"date": date.isoformat(), "of": of.date.isoformat()},
        )
    if interview is not None and interview.pk:
        seen: set[int] = set()
        current: Interview | None = of
        while current is not None and current.pk not in seen:
            if current.pk == interview.pk:
                raise refuse("follow_up_of", _("An interview cannot be a follow-up of itself."))
            seen.add(current.pk)
            current = current.follow_up_of


def _check_guide(evaluation: Evaluation, version: InstrumentVersion | None) -> None:
    if version is None:
        return
    instrument: Instrument = version.instrument
    if (
        instrument.evaluation_id != evaluation.pk
        or instrument.kind != Instrument.Kind.INTERVIEW_GUIDE
    ):
        raise refuse(
            "guide_version",
            _("“%(version)s” is not an interview guide of this evaluation.") % {"version": version},
        )


def _check_guide_attributes(
    version: InstrumentVersion | None, given: dict[str, Any] | None
) -> dict[str, str]:
    """The guide's declared attributes for this interview (e.g. the interviewee type), each a
    value the guide lists; empty ones dropped. Nothing without a guide."""
    given = {str(k): str(v) for k, v in (given or {}).items() if v not in (None, "")}
    if not given:
        return {}
    declared = {attribute.name: attribute for attribute in guide_attributes(version)}
    if not declared:
        raise refuse(
            "guide_attributes",
            _("Choose an interview guide that asks who the interviewee is first."),
        )
    for name, value in given.items():
        attribute = declared.get(name)
        if attribute is None:
            raise refuse(
                "guide_attributes",
                _("The guide does not ask about “%(name)s”. It asks about: %(known)s.")
                % {"name": name, "known": ", ".join(declared)},
            )
        if attribute.choices and value not in dict(attribute.choices):
            raise refuse(
                "guide_attributes",
                _("“%(value)s” is not a value of %(name)s. Use one of: %(known)s.")
                % {
                    "value": value,
                    "name": attribute.label,
                    "known": ", ".join(v for v, _label in attribute.choices),
                },
            )
    return given


# --- interviewers -----------------------------------------------------------------------------


def _interviewers_resolve(
    evaluation: Evaluation, given: Sequence[str | Membership]
) -> list[tuple[Membership | None, str]]:
    """(membership, initials as written) per interviewer: initials matched to the team's
    (ignoring case, spaces and full stops), or kept as written when nobody has them."""
    members = {
        initials_key(m.initials): m
        for m in Membership.objects.filter(evaluation=evaluation).exclude(initials="")
    }
    found: dict[object, tuple[Membership | None, str]] = {}
    for item in given:
        if isinstance(item, Membership):
            if item.evaluation_id != evaluation.pk:
                raise refuse(
                    "interviewers",
                    _("%(who)s is not on this evaluation's team.") % {"who": item.user},
                )
            found.setdefault(item.pk, (item, item.initials))
            continue
        text = check_length(Interviewer, "initials", str(item), key="interviewers")
        key = initials_key(text or "")
        if not key:
            continue
        member = members.get(key)
        found.setdefault(member.pk if member else key, (member, text))
    return list(found.values())


def _interviewers_save(interview: Interview, resolved: list[tuple[Membership | None, str]]) -> None:
    """Make the interviewers the resolved ones: those already there stay, the others are
    removed and the new ones added, one row at a time (each a history entry)."""
    wanted = {(member.pk if member else None, initials): member for member, initials in resolved}
    for row in interview.interviewers.all():
        if wanted.pop((row.membership_id, row.initials), False) is False:
            row.delete()
    for (_pk, initials), member in wanted.items():
        Interviewer.objects.create(interview=interview, membership=member, initials=initials)


# --- interviews -------------------------------------------------------------------------------


def _interview_fields(
    interview: Interview, values: dict[str, Any], *, date_unknown: bool = False
) -> None:
    """Check the interview's own fields (already merged with what it had) and set them;
    `date_unknown`: an empty date is allowed (the interview's date was never recorded)."""
    evaluation = interview.evaluation
    values["date_end"] = _check_dates(values["date"], values["date_end"], unknown=date_unknown)
    check_choice("mode", values["mode"], Interview.Mode, _("mode of interview"))
    for field in ("grouping", "venue", "source"):
        values[field] = check_length(Interview, field, values[field])
    values["about"] = (values["about"] or "").strip()
    values["country"], values["region"] = _check_place(values["country"], values["region"])
    values["referred_by"] = person_current(values["referred_by"])
    _check_follow_up(evaluation, values["follow_up_of"], values["date"], interview)
    _check_guide(evaluation, values["guide_version"])
    values["guide_attributes"] = _check_guide_attributes(
        values["guide_version"], values["guide_attributes"]
    )
    for field, value in values.items():
        setattr(interview, field, value)


@transaction.atomic
def interview_create(
    *,
    evaluation: Evaluation,
    by: Actor,
    date: dt.date | None,
    participants: Sequence[ParticipantInput],
    mode: str,
    interviewers: Sequence[str | Membership] = (),
    date_end: dt.date | None = None,
    kind: str | None = None,
    grouping: str = "",
    venue: str = "",
    country: Country | None = None,
    region: Region | None = None,
    about: str = "",
    follow_up_of: Interview | None = None,
    referred_by: Person | None = None,
    guide_version: InstrumentVersion | None = None,
    guide_attributes: dict[str, str] | None = None,
    category: ReportingCategory | str | None = None,
    source: str = "",
    import_key: str | None = None,
    date_unknown: bool = False,
) -> Interview:
    """Log an interview with its participants (affiliations of the day copied) and
    interviewers (initials matched to the team). `by` SYSTEM: the trusted command line.

    A category given here (an object, or a name, added when new) counts as set by hand.
    `date_unknown`: `date` may be None (a list printed without dates).
    """
    ensure_can_log(by, evaluation)
    ensure_log_unlocked(evaluation)
    items = participants_check(participants)
    if import_key is not None:
        import_key = check_length(Interview, "import_key", import_key) or None
        if Interview.objects.filter(evaluation=evaluation, import_key=import_key).exists():
            raise refuse(
                "import_key",
                _("This row was already imported (%(key)s).") % {"key": import_key},
            )
    interview = Interview(evaluation=evaluation, created_by=author_of(by), import_key=import_key)
    _interview_fields(
        interview,
        {
            "date": date,
            "date_end": date_end,
            "mode": mode,
            "grouping": grouping,
            "venue": venue,
            "country": country,
            "region": region,
            "about": about,
            "follow_up_of": follow_up_of,
            "referred_by": referred_by,
            "guide_version": guide_version,
            "guide_attributes": guide_attributes,
            "source": source,
        },
        date_unknown=date_unknown,
    )
    interview.kind = interview_kind(kind, items)
    interview.category = category_of(evaluation, category)
    interview.category_by_hand = interview.category is not None
    resolved = _interviewers_resolve(evaluation, interviewers)
    interview.save()
    participations_save(interview, items)
    _interviewers_save(interview, resolved)
    interview_categorise(interview=interview)
    if guide_version is not None:
        version_freeze(version=guide_version)
    return interview


def _interview_revise(interview: Interview, revision: int | None) -> None:
    revision_take(
        interview,
        expected=revision,
        what=_("The interview of %(date)s")
        % {"date": interview.date.isoformat() if interview.date else interview.when()},
        explain=lambda base: changes_since(
            revised=interview, base=base, anchor=f"interview:{interview.pk}"
        ),
    )


INTERVIEW_UPDATABLE = (
    "date",
    "date_end",
    "mode",
    "grouping",
    "venue",
    "country",
    "region",
    "about",
    "follow_up_of",
    "referred_by",
    "guide_version",
    "guide_attributes",
    "source",
)


@transaction.atomic
def interview_update(
    *,
    interview: Interview,
    by: Actor,
    participants: Sequence[ParticipantInput] | None = None,
    interviewers: Sequence[str | Membership] | None = None,
    kind: str | None = UNSET,
    category: ReportingCategory | str | None = UNSET,
    revision: int | None = None,
    **changes: Any,
) -> Interview:
    """Change an interview. Fields not given stay; `participants` (the whole list) keeps what
    was recorded for those already there and copies the affiliation of the interview's date for
    new ones (see participants_as_recorded); `interviewers` replaces the list. A category given
    is set by hand; None clears it and leaves it to the rules again. `revision`: the one the
    edit is based on (EditConflict when it is old); participants and interviewers share it."""
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    ensure_can_log(by, interview.evaluation)
    ensure_log_unlocked(interview.evaluation)
    _interview_revise(interview, revision)
    unknown = sorted(set(changes) - set(INTERVIEW_UPDATABLE))
    if unknown:
        raise TypeError(f"interview_update() got unexpected fields: {', '.join(unknown)}")
    values = {field: getattr(interview, field) for field in INTERVIEW_UPDATABLE}
    changes = {k: v for k, v in changes.items() if v is not UNSET}
    if "country" in changes and "region" not in changes:
        values["region"] = None  # follows the new country
    # An interview logged without a date may stay so; a date, once known, is required.
    kept_unknown = interview.date is None and values["date"] is None
    values.update(changes)
    _interview_fields(interview, values, date_unknown=kept_unknown and values["date"] is None)
    earlier = (
        interview.follow_ups.filter(date__lt=interview.date).order_by("date").first()
        if interview.date
        else None
    )
    if earlier is not None:
        raise refuse(
            "date",
            _("A follow-up of this interview took place on %(date)s, before this date.")
            % {"date": earlier.date.isoformat() if earlier.date else ""},
        )
    if participants is not None:
        items = participants_as_recorded(participants_check(participants), interview)
    else:
        items = [
            ParticipantInput(person=p.person, group_label=p.group_label)
            for p in interview.participations.select_related("person")
        ]
    if kind is not UNSET or participants is not None:
        interview.kind = interview_kind(None if kind is UNSET else kind, items)
    if category is not UNSET:
        interview.category = category_of(interview.evaluation, category)
        interview.category_by_hand = interview.category is not None
    interview.save()
    if participants is not None:
        participations_save(interview, items)
    interview_categorise(interview=interview)
    if interviewers is not None:
        _interviewers_save(interview, _interviewers_resolve(interview.evaluation, interviewers))
    if interview.guide_version is not None:
        version_freeze(version=interview.guide_version)
    return interview


@transaction.atomic
def interview_delete(*, interview: Interview, by: Actor) -> None:
    """Delete an interview with its participants, interviewers and notes; its follow-ups stay
    (no longer follow-ups). Lead and evaluators delete any; others what they logged."""
    evaluation = interview.evaluation
    ensure_can_log(by, evaluation)
    ensure_log_unlocked(evaluation)
    if not is_system(by) and interview.created_by_id != by.pk:
        ensure_can_decide(
            by,
            evaluation,
            _("Only the lead evaluator and evaluators can delete interviews others logged."),
        )
    interview.delete()


EXCLUDE_REFUSED = gettext_lazy(
    "Only the lead evaluator and evaluators can exclude interviews from the tables."
)


@transaction.atomic
def interview_exclude(*, interview: Interview, by: Actor, reason: str) -> Interview:
    """Leave an interview out of the tables and counts, saying why; it stays in the log."""
    ensure_can_decide(by, interview.evaluation, str(EXCLUDE_REFUSED))
    ensure_log_unlocked(interview.evaluation)
    reason = (reason or "").strip()
    if not reason:
        raise refuse("excluded_reason", _("Say why the interview is left out of the tables."))
    _interview_revise(interview, None)
    interview.excluded, interview.excluded_reason = True, reason
    with because(reason):
        interview.save(update_fields=["excluded", "excluded_reason", "revision", "updated_at"])
    return interview


@transaction.atomic
def interview_include(*, interview: Interview, by: Actor) -> Interview:
    """Count an excluded interview again."""
    ensure_can_decide(by, interview.evaluation, str(EXCLUDE_REFUSED))
    ensure_log_unlocked(interview.evaluation)
    _interview_revise(interview, None)
    interview.excluded, interview.excluded_reason = False, ""
    interview.save(update_fields=["excluded", "excluded_reason", "revision", "updated_at"])
    return interview


@transaction.atomic
def follow_up_create(
    *,
    of: Interview,
    by: Actor,
    date: dt.date,
    participants: Sequence[ParticipantInput] | None = None,
    interviewers: Sequence[str | Membership] | None = None,
    mode: str | None = None,
    **fields: Any,
) -> Interview:
    """Log a follow-up of an interview: by default the same participants, interviewers, mode,
    place and guide. Participants of the first interview keep what was recorded for them then
    (participants_as_recorded), whichever door the follow-up comes through."""
    if participants is None:
        participants = participant_inputs(of)
    participants = participants_as_recorded(participants, of)
    if interviewers is None:
        interviewers = [
            i.membership or i.initials for i in of.interviewers.select_related("membership")
        ]
    for field in ("grouping", "venue", "country", "region", "guide_version", "guide_attributes"):
        fields.setdefault(field, getattr(of, field))
    return interview_create(
        evaluation=of.evaluation,
        by=by,
        date=date,
        participants=participants,
        interviewers=interviewers,
        mode=mode or of.mode,
        follow_up_of=of,
        **fields,
    )
