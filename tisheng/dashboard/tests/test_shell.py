"""The shell every page shares: login, lockout, password change, error pages, language switch."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse


def test_login_page_is_chinese_with_the_product_name():
    body = Client().get(reverse("accounts:login")).content.decode()
    assert "提升 Tisheng" in body and "用户名" in body and "密码" in body and 'lang="zh-Hans"' in body
    assert "htmx.min.js" in body and "echarts" not in body


def test_wrong_password_is_explained_in_chinese(world):
    response = Client().post(reverse("accounts:login"), {"username": "admin", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_login_leads_to_the_home_page(world):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": world.password}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "学校" in response.content.decode()


def test_lockout_page_explains_the_cool_off(world):
    client = Client()
    for _ in range(5):
        response = client.post(reverse("accounts:login"), {"username": "jiaowu", "password": "wrong"})
    body = response.content.decode()
    assert response.status_code == 429
    assert "15 分钟后再试" in body and "连续输错 5 次" in body and "jiaowu" in body


def test_password_change_page(client_for):
    body = client_for("teacher").get(reverse("accounts:password_change")).content.decode()
    assert "修改密码" in body and 'name="new_password1"' in body


def test_404_is_friendly_and_shows_no_details(client_for):
    response = client_for("teacher").get("/no/such/page/")
    assert response.status_code == 404
    assert "找不到这个页面" in response.content.decode() and "Traceback" not in response.content.decode()


def test_403_is_friendly(client_for):
    response = client_for("teacher").get(reverse("audit:event_list"))
    assert response.status_code == 403
    assert "您无权访问此页面" in response.content.decode()


@override_settings(DEBUG=False)
def test_500_page_needs_no_request_and_speaks_both_languages():
    from django.template.loader import render_to_string

    body = render_to_string("500.html")
    assert "系统出错了" in body and "Something went wrong" in body


@pytest.mark.parametrize("path", ["/", "/roster/students/"])
def test_language_switch_keeps_the_page(client_for, path):
    client = client_for("principal")
    response = client.post(reverse("set_language"), {"language": "en", "next": path})
    assert response["Location"] == path
    body = client.get(path).content.decode()
    assert "Log out" in body and "退出" not in body
    client.post(reverse("set_language"), {"language": "zh-hans", "next": path})
    assert "退出" in client.get(path).content.decode()


def test_htmx_requests_carry_the_csrf_token(client_for):
    body = client_for("principal").get("/").content.decode()
    assert "hx-headers='{\"X-CSRFToken\": \"" in body
