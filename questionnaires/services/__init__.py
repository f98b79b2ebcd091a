"""Writes on instruments, distributions, invitations, e-mails and responses; one module per
topic. The functions below stay importable as questionnaires.services.<name> for the other
apps and the tests; code inside the app imports from the submodules."""

from questionnaires.services.distributions import (
    attachment_create,
    attachment_remove,
    distribution_create,
    distribution_update,
)
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
from questionnaires.services.messaging import distribution_send, invitation_resend, message_retry
from questionnaires.services.reminders import reminders_run
from questionnaires.services.responses import (
    AlreadySubmitted,
    FormClosed,
    InvalidLink,
    Submission,
    response_enter,
    response_save,
    response_submit,
)

__all__ = [
    "AlreadySubmitted",
    "FormClosed",
    "InvalidLink",
    "LoadResult",
    "Submission",
    "attachment_create",
    "attachment_remove",
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
