from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = _("Interviews")

    def ready(self) -> None:
        # The registry's person page shows the evaluations a person took part in: this app
        # reads them (interviews and invitations) and registers the reader on import.
        from interviews.selectors import people  # noqa: F401
