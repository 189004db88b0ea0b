from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "tisheng.homework"
    label = "homework"

    def ready(self):
        from tisheng.homework import queries  # noqa: F401  registers the scope rules
