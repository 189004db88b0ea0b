"""Login protection: Argon2, lockout per username *and* address with a cool-off, session expiry, POST logout."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.test import Client

from tisheng.accounts.models import User

LOGIN = "/accounts/login/"
SCHOOL_NAT = "10.0.0.1"  # a whole school behind one address
HOME_ADDRESS = "192.168.1.20"


def attempt(username, password, address):
    return Client(REMOTE_ADDR=address).post(LOGIN, {"username": username, "password": password})


def logged_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def fail_five_times(username, address):
    """Four failures show the login form again; the fifth locks and shows the lockout page."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(username, "wrong-password", address)
        assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    assert attempt(username, "wrong-password", address).status_code == 429


def test_passwords_are_hashed_with_argon2id(world):
    user = world.logins["teacher"]
    user.set_password("ein-langes-Passwort-2026")
    user.save()
    stored = User.objects.get(pk=user.pk).password
    assert stored.startswith("argon2$argon2id$")
    assert identify_hasher(stored).algorithm == "argon2"
    assert User.objects.get(pk=user.pk).check_password("ein-langes-Passwort-2026")


def test_correct_password_logs_in(world):
    assert logged_in(attempt("laoshi", world.password, SCHOOL_NAT))


def test_five_failures_lock_that_username_from_that_address_only(world):
    fail_five_times("laoshi", SCHOOL_NAT)
    locked = attempt("laoshi", world.password, SCHOOL_NAT)
    assert locked.status_code == 429 and not locked.wsgi_request.user.is_authenticated
    assert "暂停" in locked.content.decode() or "paused" in locked.content.decode()
    # the same account from home still works
    assert logged_in(attempt("laoshi", world.password, HOME_ADDRESS))
    # and colleagues at the same school (same address) are not locked out
    assert logged_in(attempt("banzhuren", world.password, SCHOOL_NAT))


def test_four_failures_do_not_lock(world):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("laoshi", "wrong-password", SCHOOL_NAT)
    assert logged_in(attempt("laoshi", world.password, SCHOOL_NAT))


def test_lockout_ends_after_the_cool_off(world):
    fail_five_times("laoshi", SCHOOL_NAT)
    assert attempt("laoshi", world.password, SCHOOL_NAT).status_code == 429
    # time travel: the failures happened longer ago than the cool-off
    earlier = settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    for a in AccessAttempt.objects.filter(username="laoshi"):
        AccessAttempt.objects.filter(pk=a.pk).update(attempt_time=a.attempt_time - earlier)
    assert logged_in(attempt("laoshi", world.password, SCHOOL_NAT))


def test_lockout_settings_are_per_username_and_address_with_a_cool_off():
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert timedelta(0) < settings.AXES_COOLOFF_TIME <= timedelta(hours=1)


def test_sessions_expire(world):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    client = Client()
    response = client.post(LOGIN, {"username": "laoshi", "password": world.password})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_an_expired_session_is_logged_out(world):
    client = Client()
    client.force_login(world.logins["teacher"])
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get("/accounts/password/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_logout_is_post_only(world):
    client = Client()
    client.force_login(world.logins["teacher"])
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/accounts/password/").status_code == 200  # still logged in
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/accounts/password/").status_code == 302


def test_inactive_account_cannot_log_in(world):
    User.objects.filter(username="laoshi").update(is_active=False)
    assert not logged_in(attempt("laoshi", world.password, SCHOOL_NAT))
