"""Writes on instruments, distributions and responses; one module per topic."""

from questionnaires.services.instruments import (
    LoadResult,
    instrument_create,
    instrument_load,
    scale_create,
    version_freeze,
    version_new_draft,
    version_replace,
)
from questionnaires.services.invitations import (
    invitation_by_token,
    invitation_create,
    invitation_decline,
    invitation_exclude,
    invitation_opened,
    invitation_restore,
    invitation_revoke,
    invitations_for_people,
)
from questionnaires.services.messaging import (
    distribution_send,
    invitation_resend,
    message_retry,
    reminders_run,
)
from questionnaires.services.responses import (
    AlreadySubmitted,
    FormClosed,
    InvalidLink,
    distribution_create,
    distribution_update,
    response_enter,
    response_save,
    response_submit,
)

__all__ = [
    "AlreadySubmitted",
    "FormClosed",
    "InvalidLink",
    "LoadResult",
    "distribution_create",
    "distribution_send",
    "distribution_update",
    "instrument_create",
    "instrument_load",
    "invitation_by_token",
    "invitation_create",
    "invitation_decline",
    "invitation_exclude",
    "invitation_opened",
    "invitation_resend",
    "invitation_restore",
    "invitation_revoke",
    "invitations_for_people",
    "message_retry",
    "reminders_run",
    "response_enter",
    "response_save",
    "response_submit",
    "scale_create",
    "version_freeze",
    "version_new_draft",
    "version_replace",
]
