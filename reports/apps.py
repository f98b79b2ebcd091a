from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The evaluation's first page shows this app's dashboard (registered on import).
        from reports.selectors import dashboard  # noqa: F401
