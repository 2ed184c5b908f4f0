"""Throttling behind the TLS proxy: the client's address from the trusted proxies only, in one place."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from vinhlong_cmcn4.clients import client_address

PASSWORD = "Mật-khẩu-thử-2026"
PROXY = "10.0.0.2"


def _via_proxy(client_ip: str, forged: str = "") -> dict:
    """What gunicorn sees behind nginx: the proxy's socket address, the client appended last."""
    chain = f"{forged}, {client_ip}" if forged else client_ip
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


@pytest.fixture(autouse=True)
def one_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def test_the_client_is_the_address_the_trusted_proxy_appended_not_what_the_client_wrote():
    request = RequestFactory().get("/", **_via_proxy("203.0.113.5", forged="1.2.3.4, 5.6.7.8"))
    assert client_address(request) == "203.0.113.5"


def test_without_a_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "203.0.113.5"


def test_a_client_reaching_gunicorn_directly_is_its_own_address_whatever_it_forwards():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "203.0.113.5"


def test_behind_two_trusted_proxies_the_client_is_the_first_address_that_is_not_ours(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.1"]
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5, 192.0.2.1")
    assert client_address(request) == "203.0.113.5"


@pytest.mark.django_db
def test_forty_wrong_passwords_straight_to_gunicorn_with_a_new_forwarded_address_each_lock_the_sender_out(client, settings, leader):
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    leader.set_password(PASSWORD)
    leader.save()
    direct = {"REMOTE_ADDR": "203.0.113.88"}
    for n in range(40):
        client.post(reverse("login"), {"username": leader.username, "password": "sai"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", **direct)
    attacker = client.post(
        reverse("login"), {"username": leader.username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.200", **direct
    )
    assert attacker.status_code in {403, 429}
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_thirty_wrong_token_requests_straight_to_gunicorn_with_rotated_forwarded_addresses_are_throttled(client, monkeypatch, officer_a):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "120/min", "token": "10/min"})
    direct = {"REMOTE_ADDR": "203.0.113.89"}
    for n in range(30):
        client.post("/api/v1/auth/token/", {"username": "officer_a", "password": "sai"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", **direct)
    last = client.post(
        "/api/v1/auth/token/", {"username": "officer_a", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.99", **direct
    )
    assert last.status_code == 429


def test_a_forwarded_value_that_is_no_address_falls_back_to_the_socket():
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="<script>")
    assert client_address(request) == PROXY


@pytest.mark.django_db
def test_rotating_x_forwarded_for_does_not_bypass_the_token_throttle(client, monkeypatch, officer_a):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "120/min", "token": "5/min"})
    statuses = [
        client.post(
            "/api/v1/auth/token/", {"username": "officer_a", "password": "sai"}, **_via_proxy("203.0.113.5", forged=f"198.51.100.{n}")
        ).status_code
        for n in range(8)
    ]
    assert statuses[:4] == [400] * 4
    assert statuses[4] == 403  # the fifth failure locks the account, and the answer says so
    assert set(statuses[5:]) == {429}
    other = client.post("/api/v1/auth/token/", {"username": "officer_a", "password": PASSWORD}, **_via_proxy("203.0.113.9"))
    assert other.status_code == 200  # another client is not throttled


@pytest.mark.django_db
def test_wrong_passwords_from_one_address_do_not_lock_the_leader_out_from_elsewhere(client, leader):
    leader.set_password(PASSWORD)
    leader.save()
    for _ in range(6):
        client.post(reverse("login"), {"username": leader.username, "password": "sai"}, **_via_proxy("203.0.113.66"))
    attacker = client.post(reverse("login"), {"username": leader.username, "password": PASSWORD}, **_via_proxy("203.0.113.66"))
    assert attacker.status_code in {403, 429}  # that address is locked for this username
    response = client.post(reverse("login"), {"username": leader.username, "password": PASSWORD}, **_via_proxy("198.51.100.20"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_spraying_thirty_usernames_from_one_address_is_throttled(client, settings, officer_a):
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    for n in range(30):
        client.post(reverse("login"), {"username": f"nguoi{n}", "password": "sai"}, **_via_proxy("203.0.113.77"))
    refused = client.post(reverse("login"), {"username": "officer_a", "password": PASSWORD}, **_via_proxy("203.0.113.77"))
    assert refused.status_code in {403, 429}
    assert "_auth_user_id" not in client.session
    elsewhere = client.post(reverse("login"), {"username": "officer_a", "password": PASSWORD}, **_via_proxy("198.51.100.30"))
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_throttles_let_requests_through_with_a_log_line_when_the_cache_is_down(client, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6394/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = client.get("/api/v1/plans/", **_via_proxy("203.0.113.5"))
    assert response.status_code == 200
    assert "the cache is unreachable" in caplog.text
    login = client.post(reverse("login"), {"username": "x", "password": "y"}, **_via_proxy("203.0.113.5"))
    assert login.status_code == 200  # the form again, with its error; no 500


@pytest.mark.django_db
def test_a_locked_account_asking_for_a_token_hears_it_is_locked_not_that_the_password_is_wrong(client, monkeypatch, officer_a):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "120/min", "token": "100/min"})
    for _ in range(6):
        client.post("/api/v1/auth/token/", {"username": "officer_a", "password": "sai"}, **_via_proxy("203.0.113.90"))
    response = client.post("/api/v1/auth/token/", {"username": "officer_a", "password": PASSWORD}, **_via_proxy("203.0.113.90"))
    assert response.status_code == 403
    message = response.json()["error"]["message"]
    assert "tạm khoá" in message and "15 phút" in message
    assert "không đúng" not in message
