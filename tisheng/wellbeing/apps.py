from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "tisheng.wellbeing"
    label = "wellbeing"

    def ready(self):
        from tisheng.wellbeing import queries  # noqa: F401  registers the scope rules
