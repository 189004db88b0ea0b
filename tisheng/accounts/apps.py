from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tisheng.accounts"
    label = "accounts"
