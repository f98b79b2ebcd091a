"""Checks and clean-ups the registry's writes share: e-mail addresses, phone numbers,
names and aliases, and the refusals they raise."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.names import normalise_text
from stakeholders.models import Person


def clean_emails(emails: Iterable[str], *, field: str = "emails") -> list[str]:
    """Trimmed, de-duplicated (case-insensitively) addresses; a bad one is refused by name."""
    cleaned: list[str] = []
    for raw in emails:
        email = (raw or "").strip()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError as exc:
            message = _("“%(email)s” is not a valid e-mail address.") % {"email": email}
            raise ValidationProblem(message, errors={field: [message]}) from exc
        if email.lower() not in {e.lower() for e in cleaned}:
            cleaned.append(email)
    return cleaned


def clean_phones(phones: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(p.strip() for p in phones if p and p.strip()))


def refuse(field: str, message: str) -> ValidationProblem:
    return ValidationProblem(message, errors={field: [message]})


def refuse_merged(person: Person) -> None:
    """A merged person is frozen, so that undoing the merge puts back exactly what was there."""
    kept = person.merged_into
    if kept is not None:
        raise ValidationProblem(
            _(
                "%(name)s was merged into %(kept)s: change %(kept)s instead, or undo the merge "
                "first."
            )
            % {"name": person.display_name, "kept": kept.display_name}
        )


def clean_names(names: Iterable[str]) -> list[str]:
    """Trimmed names without repeats (ignoring case and accents)."""
    seen: set[str] = set()
    cleaned: list[str] = []
    for raw in names:
        name = " ".join((raw or "").split())
        key = normalise_text(name)
        if key and key not in seen:
            seen.add(key)
            cleaned.append(name)
    return cleaned


def refuse_alias_clash(objects: QuerySet, names: Sequence[str], *, field: str = "aliases") -> None:
    """An alias that already names another row (by name, code or alias) would make lookups
    ambiguous: refused, saying which row has it."""
    for other in objects:
        taken = {normalise_text(n) for n in [other.name, other.code, *(other.aliases or [])] if n}
        for name in names:
            if normalise_text(name) in taken:
                raise refuse(
                    field,
                    _("“%(alias)s” already names %(other)s.") % {"alias": name, "other": other},
                )
