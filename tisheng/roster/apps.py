from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "tisheng.roster"
    label = "roster"
