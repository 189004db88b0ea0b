from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "tisheng.health"
    label = "health"

    def ready(self):
        from tisheng.health import queries  # noqa: F401  registers the scope rules
