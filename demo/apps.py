from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The fictional demo evaluation (seeds/demo/), loaded through every app's services: it sits
    above all of them."""

    name = "demo"
    verbose_name = _("Demo")
