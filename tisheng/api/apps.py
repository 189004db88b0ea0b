from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tisheng.api"
    label = "api"
