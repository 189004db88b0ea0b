from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ImportsConfig(AppConfig):
    name = "tisheng.imports"
    label = "imports"

    def ready(self):
        from tisheng.imports import queries  # noqa: F401 - registers the ledger's scope rule

        # Each app declares its imports in its own importers.py (see spec.py).
        autodiscover_modules("importers")
