from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tisheng.audit"
    label = "audit"
