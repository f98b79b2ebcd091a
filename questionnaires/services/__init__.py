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
from questionnaires.services.responses import (
    AlreadySubmitted,
    FormClosed,
    InvalidLink,
    distribution_create,
    invitation_by_token,
    invitation_create,
    invitation_opened,
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
    "instrument_create",
    "instrument_load",
    "invitation_by_token",
    "invitation_create",
    "invitation_opened",
    "response_enter",
    "response_save",
    "response_submit",
    "scale_create",
    "version_freeze",
    "version_new_draft",
    "version_replace",
]
