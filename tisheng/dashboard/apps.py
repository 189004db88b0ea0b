from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "tisheng.dashboard"
    label = "dashboard"
