from django.apps import AppConfig


class RulesetsConfig(AppConfig):
    name = "tisheng.rulesets"
    label = "rulesets"

    def ready(self):
        from tisheng.rulesets import queries  # noqa: F401  registers the scope rule
