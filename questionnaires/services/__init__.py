"""Writes on instruments, distributions and responses; one module per topic."""

from questionnaires.services.instruments import LoadResult, instrument_load, version_freeze
from questionnaires.services.responses import (
    AlreadySubmitted,
    FormClosed,
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
    "LoadResult",
    "distribution_create",
    "instrument_load",
    "invitation_by_token",
    "invitation_create",
    "invitation_opened",
    "response_enter",
    "response_save",
    "response_submit",
    "version_freeze",
]
