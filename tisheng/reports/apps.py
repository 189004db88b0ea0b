from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ReportsConfig(AppConfig):
    name = "tisheng.reports"
    label = "reports"

    def ready(self):
        from tisheng.reports import queries  # noqa: F401 - registers the ledger's scope rule

        # Each app declares its report kinds in its own report_kinds.py (see registry.py).
        autodiscover_modules("report_kinds")
