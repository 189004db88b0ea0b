from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "tisheng.evaluation"
    label = "evaluation"

    def ready(self):
        from tisheng.evaluation import queries  # noqa: F401  registers the scope rules
