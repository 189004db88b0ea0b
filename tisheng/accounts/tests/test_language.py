"""Simplified Chinese by default, English when the user chooses it (R-PLT-4)."""

from django.conf import settings
from django.test import Client
from django.urls import reverse


def test_login_page_is_chinese_even_for_an_english_browser(db):
    page = Client(headers={"Accept-Language": "en-US,en;q=0.9"}).get(reverse("accounts:login"))
    assert page.status_code == 200
    assert '<html lang="zh-Hans"' in page.content.decode()


def test_choosing_english_switches_and_is_remembered(world, client_for):
    client = client_for("head_teacher")
    assert '<html lang="zh-Hans"' in client.get("/").content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en"' in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-Hans"' in client.get("/").content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="zh-Hans"' in client.get(reverse("accounts:login")).content.decode()
