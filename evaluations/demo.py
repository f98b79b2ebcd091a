"""Load the fictional demo (seeds/demo/demo.yaml): users, an evaluation and its team.

Idempotent: users and evaluations are matched by e-mail and slug, nothing is duplicated.
Demo passwords are never stored in the repository: DEMO_PASSWORD is used when set,
otherwise a random one per user is made once and kept in var/demo-logins.json.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction

from accounts.models import User
from evaluations.models import Evaluation, Membership
from questionnaires.services import instrument_load

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
        members = spec.pop("members")
        instrument_files = spec.pop("instruments", [])
        interview_file = spec.pop("interviews", "")
        coverage = spec.pop("coverage", [])
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
            instrument_load(evaluation=evaluation, text=text)
        logs.append((evaluation, interview_file, coverage))
    _registry_load()
    for evaluation, interview_file, coverage in logs:
        if interview_file:
            _interviews_load(evaluation, path.parent / interview_file)
        _coverage_load(evaluation, coverage)
    _passwords_file().parent.mkdir(parents=True, exist_ok=True)
    _passwords_file().write_text(json.dumps(passwords, indent=2), encoding="utf-8")
    return [
        DemoLogin(email=email, password=passwords[email], roles=", ".join(map(str, roles[email])))
        for email in users
    ]


def _interviews_load(evaluation: Evaluation, path: Path) -> None:
    """The demo's list of persons interviewed, through the interview importer (people matched
    to the demo registry); a second load finds every interview already there."""
    from common.spreadsheets import read_table
    from interviews.importing import interviews_import

    table = read_table(path.read_bytes(), path.name)
    interviews_import(table, evaluation=evaluation, by=None, filename=path.name)


def _coverage_load(evaluation: Evaluation, cells: list[dict]) -> None:
    from interviews.services import coverage_target_set
    from stakeholders.models import Country, Region, StakeholderGroup

    for cell in cells:
        coverage_target_set(
            evaluation=evaluation,
            by=None,
            stakeholder_group=StakeholderGroup.objects.get(code=cell["group"]),
            country=Country.objects.get(code=cell["country"]) if "country" in cell else None,
            region=Region.objects.get(code=cell["region"]) if "region" in cell else None,
            method=cell["method"],
            planned=cell["planned"],
        )


def _registry_load(path: Path = REGISTRY_FILE) -> None:
    """The demo's registry people, through the importer: a second load matches them all and
    creates nothing."""
    from common.spreadsheets import read_table
    from stakeholders.import_columns import recognise
    from stakeholders.importing import people_import

    table = read_table(path.read_bytes(), path.name)
    people_import(table=table, mapping=recognise(table.headers), by=None)
