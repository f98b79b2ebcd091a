"""A distribution's public link (for a workshop or a mailing list), beside the personal ones.

Each visitor who starts through it gets an invitation of their own (channel "open"), made at
the start, so the form, its drafts, pages and submission work as for a personal link. Rotating
the link keeps the old row, marked replaced, so its address can say it was replaced."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from questionnaires import links
from questionnaires.models.distributions import Distribution


class OpenLink(models.Model):
    """The public link of a distribution: a quota, a close, e-mail capture, one response per
    browser. At most one current (not replaced) link per distribution."""

    class EmailCapture(models.TextChoices):
        OFF = "off", _("Do not ask")
        OPTIONAL = "optional", _("Ask, optional")
        REQUIRED = "required", _("Ask, required")

    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="open_links"
    )
    # Like a personal link's: the token is the selector + a secret derived from it (links.py).
    selector = models.CharField(max_length=16, unique=True, editable=False)
    quota = models.PositiveIntegerField(
        _("at most this many responses"),
        null=True,
        blank=True,
        help_text=_("Submitted responses through the link; empty for no limit."),
    )
    closes_at = models.DateTimeField(
        _("link closes"),
        null=True,
        blank=True,
        help_text=_("After it nobody new can start through the link."),
    )
    email_capture = models.CharField(
        _("ask for an e-mail address"),
        max_length=8,
        choices=EmailCapture.choices,
        default=EmailCapture.OFF,
    )
    one_per_browser = models.BooleanField(
        _("one response per browser"),
        default=True,
        help_text=_(
            "A cookie brings a visitor back to their own answers. It is not a security "
            "boundary: another browser or a private window starts again."
        ),
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replaced_at = models.DateTimeField(_("replaced by a new address"), null=True, blank=True)

    class Meta:
        verbose_name = _("open link")
        verbose_name_plural = _("open links")
        ordering = ["distribution", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution"],
                condition=Q(replaced_at__isnull=True),
                name="open_link_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"open link of {self.distribution}"

    @property
    def token(self) -> str:
        """The token of the public address (/o/<token>/), computed: it is not stored."""
        return links.open_link_token(self.selector)
