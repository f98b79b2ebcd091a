from django.apps import AppConfig
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from history.tracked import connect


class HistoryConfig(AppConfig):
    name = "history"
    verbose_name = _("History")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        connect()  # every model the history records (tracked.TRACKED), connected to auditlog
        # auditlog's admin would show every entry, lead-only ones included, to any superuser:
        # the history is read on the evaluation's pages, with the team's rights.
        entry = self.get_model("Entry")
        if admin.site.is_registered(entry):
            admin.site.unregister(entry)
