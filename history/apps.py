from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from history.tracked import connect


class HistoryConfig(AppConfig):
    name = "history"
    verbose_name = _("History")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        connect()  # every model the history records (tracked.TRACKED), connected to auditlog
