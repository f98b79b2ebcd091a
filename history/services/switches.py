"""A lock switched on or off, recorded: the interview log (columns of the evaluation) and a
distribution's responses share it. `<prefix>_locked_at`, `<prefix>_locked_by` and
`<prefix>_lock_reason` are the columns; the history keeps who, when and why."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.permissions import Actor, author_of
from history.services.records import record


def reason_given(reason: str, *, doing: str) -> str:
    """The reason, stripped; refused (on the `reason` field) when there is none."""
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why you %(doing)s.") % {"doing": doing}
        raise ValidationProblem(message, errors={"reason": [message]})
    return reason[:2000]


def lock_switch(
    instance: models.Model, prefix: str, *, lock: bool, by: Actor, reason: str, refused: str
) -> None:
    """Lock (or unlock) the row's `prefix` lock, conditionally: of two leads switching at once,
    one switch stands and the other gets `refused`. Call inside the service's transaction."""
    at, who_column, why = f"{prefix}_locked_at", f"{prefix}_locked_by", f"{prefix}_lock_reason"
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    before = rows.select_for_update().values(at, who_column, why).get()
    if (before[at] is None) != lock:
        raise ValidationProblem(refused)
    now, who = timezone.now(), author_of(by)
    after = (
        {at: now, who_column: who, why: reason} if lock else {at: None, who_column: None, why: ""}
    )
    rows.update(**after)
    instance.refresh_from_db()

    def shown(value: object) -> object:
        return value.isoformat() if hasattr(value, "isoformat") else getattr(value, "pk", value)

    record(
        instance,
        verb="lock" if lock else "unlock",
        changes={name: [shown(before[name]), shown(after[name])] for name in (at, who_column, why)},
        reason=reason,
        by=by,
    )
