from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        # The evaluation workbook (reports, below this app) gets the analysis's sheets: this
        # app registers their writer, so reports never imports it.
        from analysis.grid_workbook import grid_sheet
        from analysis.workbook import analysis_sheets
        from reports.workbook import sheets_register

        sheets_register(analysis_sheets)
        sheets_register(grid_sheet)
