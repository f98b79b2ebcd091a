"""The one domain error type, and its translations to forms and API responses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

if TYPE_CHECKING:
    from django import forms
    from django.db import models


class ValidationProblem(Exception):
    """A rule refused the input. Says what is wrong, and where (field names or row numbers)."""

    def __init__(self, message: str, *, errors: Mapping[str, Sequence[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = {
            key: list(msgs) for key, msgs in (errors or {}).items()
        }

    @classmethod
    def from_django(cls, exc: ValidationError) -> ValidationProblem:
        """Wrap a Django ValidationError (as raised by full_clean) without losing field names."""
        if hasattr(exc, "error_dict"):
            errors = {
                ("" if key == NON_FIELD_ERRORS else key): msgs
                for key, msgs in exc.message_dict.items()
            }
        else:
            errors = {"": exc.messages}
        first = next(iter(msgs[0] for msgs in errors.values() if msgs), str(exc))
        return cls(first, errors=errors)

    def as_dict(self) -> dict[str, object]:
        return {"detail": self.message, "errors": self.errors}


class Locked(ValidationProblem):
    """A write refused because the records it would change are locked (an interview log, a
    distribution's responses): the message says who locked them, when and why. The API
    answers 409."""

    def __init__(self, message: str):
        super().__init__(message, errors={"": [message]})


def validate_model(instance: models.Model, *, exclude: Sequence[str] | None = None) -> None:
    """Run the model's full_clean and raise its errors as a ValidationProblem."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        raise ValidationProblem.from_django(exc) from exc


def form_add_problem(form: forms.Form, problem: ValidationProblem) -> None:
    """Show a service's ValidationProblem on the form that sent the input, next to its fields."""
    shown: set[str] = set()
    for field, messages in problem.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            # Errors of a file's rows or lines keep their place: "row 3: …".
            located = field.startswith(("row ", "line ", "sheet ")) and target is None
            form.add_error(target, f"{field.capitalize()}: {message}" if located else message)
            shown.add(message)
    if problem.message not in shown:
        # The whole sentence ("X is already a member, as Viewer.") heads the form.
        form.add_error(None, problem.message)
