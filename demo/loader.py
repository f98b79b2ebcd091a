"""Load the fictional demo (seeds/demo/demo.yaml): users, an evaluation and its team.

Its dates are relative to the day it is loaded: the seed files are written as of the day
`dates_as_of` names, and every date (data collection, deadlines, interviews, replies) moves by
as many days as separate that day from today — so the staff questionnaire is always open and
the stakeholder questionnaire closed last month.

Idempotent: users and evaluations are matched by e-mail and slug, nothing is duplicated.
Demo passwords are never stored in the repository: DEMO_PASSWORD is used when set,
otherwise a random one per user is made once and kept in var/demo-logins.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from common.spreadsheets import read_table
from demo.analysis import analysis_load
from evaluations.models import Evaluation, Membership
from evaluations.permissions import SYSTEM
from interviews.importing.run import interviews_import
from interviews.models import CategoryRule, Interview, ReportingCategory
from interviews.services import coverage_target_set, reporting_category_get_or_create
from interviews.services.categories import category_rules_set
from questionnaires.models import Distribution, Instrument, Invitation, InvitationEvent, Response
from questionnaires.selectors import version_get
from questionnaires.services import (
    distribution_create,
    instrument_load,
    invitation_create,
    response_enter,
    response_submit,
)
from questionnaires.services.invitations import invitation_decline
from reports.models import TableLayout
from reports.services import layouts as layout_services
from stakeholders.importing.columns import recognise
from stakeholders.importing.writer import people_import
from stakeholders.models import Country, Region, StakeholderGroup

DEMO_FILE = settings.BASE_DIR / "seeds" / "demo" / "demo.yaml"
INSTRUMENTS_DIR = settings.BASE_DIR / "seeds" / "instruments"
REGISTRY_FILE = settings.BASE_DIR / "seeds" / "demo" / "registry.csv"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    roles: str


def _passwords_file() -> Path:
    return settings.VAR_DIR / "demo-logins.json"


def _demo_password(user: User, remembered: dict[str, str]) -> str:
    """The user's demo password: DEMO_PASSWORD, the remembered one if it still works, or new."""
    wanted = os.environ.get("DEMO_PASSWORD") or remembered.get(user.email)
    if wanted and user.check_password(wanted):
        return wanted
    password = wanted or secrets.token_urlsafe(9)
    user.set_password(password)
    user.save(update_fields=["password"])
    return password


@transaction.atomic
def demo_load(path: Path = DEMO_FILE) -> list[DemoLogin]:
    """Create or update the demo; return the logins to print."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    remembered: dict[str, str] = {}
    if _passwords_file().exists():
        remembered = json.loads(_passwords_file().read_text(encoding="utf-8"))
    add_evaluation = Permission.objects.get(
        codename="add_evaluation", content_type__app_label="evaluations"
    )
    users: dict[str, User] = {}
    passwords: dict[str, str] = {}
    for spec in data["users"]:
        user, _created = User.objects.get_or_create(
            email=spec["email"].lower(), defaults={"name": spec["name"]}
        )
        if spec.get("can_create_evaluations"):
            user.user_permissions.add(add_evaluation)
        users[user.email] = user
        passwords[user.email] = _demo_password(user, remembered)
    roles: dict[str, list[str]] = {email: [] for email in users}
    logs: list[tuple[Evaluation, str, list[dict]]] = []
    for spec in data["evaluations"]:
        shift = _shift(spec.pop("dates_as_of", None))
        for key in ("collection_start", "collection_end"):
            if spec.get(key):
                spec[key] = shift(spec[key])
        members = spec.pop("members")
        instrument_files = spec.pop("instruments", [])
        interview_file = spec.pop("interviews", "")
        coverage = spec.pop("coverage", [])
        reports = {
            key: spec.pop(key, []) for key in ("distributions", "layouts", "rules", "categories")
        }
        for distribution in reports["distributions"]:
            distribution["deadline"] = shift(distribution["deadline"])
        reports["analysis"] = spec.pop("analysis", {})
        evaluation, _created = Evaluation.objects.get_or_create(slug=spec["slug"], defaults=spec)
        for member in members:
            Membership.objects.get_or_create(
                evaluation=evaluation,
                user=users[member["email"]],
                defaults={"role": member["role"], "initials": member.get("initials", "")},
            )
            roles[member["email"]].append(Membership.Role(member["role"]).label)
        for name in instrument_files:
            text = (INSTRUMENTS_DIR / name).read_text(encoding="utf-8")
            instrument_load(evaluation=evaluation, text=text, by=SYSTEM)
        logs.append((evaluation, interview_file, coverage, reports))
    _registry_load()
    for evaluation, interview_file, coverage, reports in logs:
        _categories_load(evaluation, reports["categories"])
        if interview_file:
            _interviews_load(evaluation, path.parent / interview_file, shift)
        _coverage_load(evaluation, coverage)
        lead = _lead(evaluation)
        for distribution in reports["distributions"]:
            _distribution_load(evaluation, lead, distribution, path.parent)
        _reports_load(evaluation, lead, reports["layouts"], reports["rules"])
        analysis_load(evaluation, reports["analysis"], path.parent)
    _passwords_file().parent.mkdir(parents=True, exist_ok=True)
    _passwords_file().write_text(json.dumps(passwords, indent=2), encoding="utf-8")
    return [
        DemoLogin(email=email, password=passwords[email], roles=", ".join(map(str, roles[email])))
        for email in users
    ]


def _shift(as_of: dt.date | None):
    """Moves a seed date by the days between `as_of` and today (no move without `as_of`)."""
    days = dt.timedelta(days=(timezone.localdate() - as_of).days if as_of else 0)

    def shift(day: dt.date) -> dt.date:
        return day + days

    shift.days = days  # type: ignore[attr-defined]
    return shift


def _interviews_load(evaluation: Evaluation, path: Path, shift) -> None:
    """The demo's list of persons interviewed, through the interview importer (people matched
    to the demo registry), then moved to the load day's calendar; once: a second load (on any
    day) finds the log already there."""
    if Interview.objects.filter(evaluation=evaluation).exists():
        return
    table = read_table(path.read_bytes(), path.name)
    interviews_import(table, evaluation=evaluation, by=SYSTEM, filename=path.name)
    Interview.objects.filter(evaluation=evaluation).update(
        date=F("date") + shift.days, date_end=F("date_end") + shift.days
    )


def _coverage_load(evaluation: Evaluation, cells: list[dict]) -> None:
    for cell in cells:
        coverage_target_set(
            evaluation=evaluation,
            by=SYSTEM,
            stakeholder_group=StakeholderGroup.objects.get(code=cell["group"]),
            country=Country.objects.get(code=cell["country"]) if "country" in cell else None,
            region=Region.objects.get(code=cell["region"]) if "region" in cell else None,
            method=cell["method"],
            planned=cell["planned"],
        )


def _registry_load(path: Path = REGISTRY_FILE) -> None:
    """The demo's registry people, through the importer: a second load matches them all and
    creates nothing."""

    table = read_table(path.read_bytes(), path.name)
    people_import(table=table, mapping=recognise(table.headers), by=SYSTEM)


def _lead(evaluation: Evaluation) -> User:
    return (
        Membership.objects.filter(evaluation=evaluation, role=Membership.Role.LEAD)
        .select_related("user")
        .first()
        .user
    )


def _distribution_load(evaluation: Evaluation, lead: User, spec: dict, folder: Path) -> None:
    """A distribution with its recipients and their replies, through the services (once: a
    second load finds it by title and leaves it alone). Its deadline is set afterwards and its
    replies dated across the collection, as if the collection had happened then."""
    if Distribution.objects.filter(evaluation=evaluation, title=spec["title"]).exists():
        return

    instrument = Instrument.objects.get(evaluation=evaluation, key=spec["instrument"])
    distribution = distribution_create(
        evaluation=evaluation,
        by=lead,
        version=version_get(instrument=instrument),
        title=spec["title"],
        confidentiality=spec.get("confidentiality", "team"),
    )
    if spec.get("responses"):
        _staff_responses_load(distribution, lead, folder / spec["responses"])
    for recipient in spec.get("recipients", []):
        _recipient_load(distribution, lead, dict(recipient))
    deadline = dt.datetime.combine(spec["deadline"], dt.time(23, 59), tzinfo=dt.UTC)
    Distribution.objects.filter(pk=distribution.pk).update(deadline=deadline, closes_at=deadline)
    first_day = evaluation.collection_start or timezone.localdate()
    start = dt.datetime.combine(first_day, dt.time(9, 0), tzinfo=dt.UTC)
    _replies_spread(distribution, start, min(deadline, timezone.now()))


def _replies_spread(distribution: Distribution, start: dt.datetime, end: dt.datetime) -> None:
    """The replies dated across the collection, from the day the invitations went out to the
    deadline (or today), as if they had come in then rather than all on the load day."""
    invitations = Invitation.objects.filter(distribution=distribution)
    invitations.update(created_at=start)
    InvitationEvent.objects.filter(invitation__distribution=distribution).update(at=start)
    Distribution.objects.filter(pk=distribution.pk).update(created_at=start)
    responses = list(
        Response.objects.filter(distribution=distribution, status=Response.Status.SUBMITTED)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )
    step = (end - start) / (len(responses) + 1)
    for number, response_id in enumerate(responses, start=1):
        at = start + step * number
        Response.objects.filter(pk=response_id).update(
            started_at=at - dt.timedelta(minutes=25), last_saved_at=at, submitted_at=at
        )
        invitation = invitations.filter(response__pk=response_id)
        invitation.update(submitted_at=at)
        InvitationEvent.objects.filter(
            invitation__in=invitation, status__in=Invitation.RESPONDED
        ).update(at=at)


def _staff_responses_load(distribution, lead: User, path: Path) -> None:
    """One invitation per line of the file, and the replies it records (submitted online with
    the respondent's reply route, declined, or none)."""
    import csv

    attributes = ("region", "office_type", "years_of_service_band")
    with path.open(encoding="utf-8") as file:
        for line in csv.DictReader(file):
            invitation = invitation_create(
                distribution=distribution,
                by=lead,
                name=line["name"],
                email=line["email"],
                attributes={key: line[key] for key in attributes} | {"stakeholder_group": "Staff"},
            )
            if line["status"] == "declined":
                invitation_decline(invitation=invitation, reason="On mission until June.")
            elif line["status"] == "submitted":
                answers = {
                    key: value
                    for key, value in line.items()
                    if key[:1] in "BC" and key[1:].isdigit() and value
                }
                response_submit(invitation=invitation, answers=answers, route=line["route"])


def _recipient_load(distribution, lead: User, spec: dict) -> None:
    """A stakeholder invited by e-mail; a reply returned to the team is keyed in on their
    behalf with its channel."""

    status, channel = spec.pop("status"), spec.pop("channel", "")
    name = spec.pop("name")
    invitation = invitation_create(
        distribution=distribution,
        by=lead,
        name=name,
        email=name.lower().replace(" ", ".") + "@example.org",
        attributes=spec,
        channel="file",
    )
    if status == "returned":
        response_enter(
            distribution=distribution,
            by=lead,
            invitation=invitation,
            answers={
                "Q1": f"Returned by {channel}: the project helped the ministry draft a policy."
            },
            channel=channel,
        )


def _categories_load(evaluation: Evaluation, names: list[str]) -> None:
    """The overview's rows in the order given (before the interviews name any)."""

    for name in names:
        reporting_category_get_or_create(evaluation=evaluation, name=name)


def _reports_load(evaluation: Evaluation, lead: User, layouts: list, rules: list) -> None:
    """The category rules and the layouts with the numbers a report printed (once)."""

    categories = {
        c.name.casefold(): c for c in ReportingCategory.objects.filter(evaluation=evaluation)
    }
    if rules and not CategoryRule.objects.filter(evaluation=evaluation).exists():
        category_rules_set(
            evaluation=evaluation,
            by=lead,
            rules=rules,
        )
    for spec in layouts:
        if TableLayout.objects.filter(evaluation=evaluation, name__iexact=spec["name"]).exists():
            continue
        layout = layout_services.layout_create(
            evaluation=evaluation, by=lead, name=spec["name"], title=spec.get("title", "")
        )
        for category_name, columns in spec.get("printed", {}).items():
            for column, value in columns.items():
                layout_services.printed_set(
                    layout=layout,
                    by=lead,
                    category=categories[category_name.casefold()],
                    column=column,
                    value=value,
                )
