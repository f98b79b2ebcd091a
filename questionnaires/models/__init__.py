"""The questionnaires' tables: instruments and their versions, distributions with their
links and e-mails, responses and answers. Every model is imported here, so Django finds them
and `questionnaires.models.<Name>` keeps working."""

from questionnaires.models.corrections import Correction
from questionnaires.models.distributions import (
    Distribution,
    DistributionAttachment,
    Invitation,
    InvitationEvent,
    Message,
)
from questionnaires.models.instruments import (
    Choice,
    Instrument,
    InstrumentVersion,
    LikertBlock,
    Question,
    Scale,
    ScalePoint,
    Section,
    localized,
)
from questionnaires.models.open_links import OpenLink
from questionnaires.models.responses import Answer, Response, response_id

__all__ = [
    "Answer",
    "Choice",
    "Correction",
    "Distribution",
    "DistributionAttachment",
    "Instrument",
    "InstrumentVersion",
    "Invitation",
    "InvitationEvent",
    "LikertBlock",
    "Message",
    "OpenLink",
    "Question",
    "Response",
    "Scale",
    "ScalePoint",
    "Section",
    "localized",
    "response_id",
]
