from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "tisheng.assessments"
    label = "assessments"

    def ready(self):
        from tisheng.assessments import queries  # noqa: F401  registers the scope rules
