from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "tisheng.imports"
    label = "imports"
