"""The team's form for a distribution's open link."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questionnaires.forms.distribution import DateTimeInput
from questionnaires.models import OpenLink
from questionnaires.services.open_links import MAX_QUOTA


class OpenLinkForm(forms.Form):
    """Quota, close (a local time in the distribution's zone), e-mail capture, one per browser."""

    quota = forms.IntegerField(
        label=_("At most this many responses"),
        required=False,
        min_value=1,
        max_value=MAX_QUOTA,
        help_text=_("Submitted through the link; empty for no limit."),
    )
    closes_at = forms.DateTimeField(
        label=_("Link closes"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("In the distribution's time zone; empty: open until you close it."),
    )
    email_capture = forms.ChoiceField(
        label=_("Ask for an e-mail address"), choices=OpenLink.EmailCapture.choices
    )
    one_per_browser = forms.BooleanField(
        label=_("One response per browser"),
        required=False,
        help_text=_(
            "A cookie brings a visitor back to their own answers. It is not a security "
            "boundary: another browser or a private window starts again."
        ),
    )

    def __init__(self, *args: object, zone: str = "UTC", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean(self) -> dict:
        data = super().clean()
        if data.get("closes_at"):  # Django read it in the site's zone; it was meant in ours
            local = timezone.make_naive(data["closes_at"])
            data["closes_at"] = local.replace(tzinfo=zoneinfo.ZoneInfo(self.zone or "UTC"))
        return data
