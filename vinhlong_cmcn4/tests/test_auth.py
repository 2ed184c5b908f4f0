import time

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese_and_lands_agency_users_on_their_tasks(client, officer_a):
    assert "Đăng nhập hệ thống" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("login"), {"username": "officer_a", "password": "Mật-khẩu-thử-2026"})
    assert response.url == reverse("reports:my_home")
    assert client.get(response.url).url == reverse("reports:agency_tasks")


def test_repeated_failed_logins_are_throttled(client, officer_a):
    for _ in range(5):
        client.post(reverse("login"), {"username": "officer_a", "password": "sai"})
    response = client.post(reverse("login"), {"username": "officer_a", "password": "Mật-khẩu-thử-2026"})
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()


def test_a_deactivated_user_is_signed_out_at_the_next_request(client, officer_a):
    client.force_login(officer_a)
    assert client.get(reverse("reports:agency_tasks")).status_code == 200
    officer_a.is_active = False
    officer_a.save()
    assert client.get(reverse("reports:agency_tasks")).status_code == 302


def test_logout_ends_the_session(client, officer_a):
    client.force_login(officer_a)
    client.post(reverse("logout"))
    assert client.get(reverse("reports:agency_tasks")).status_code == 302


def test_password_reset_sends_a_vietnamese_e_mail(client, officer_a):
    officer_a.email = "chuyenvien@example.vn"
    officer_a.save()
    client.post(reverse("password_reset"), {"email": "chuyenvien@example.vn"})
    assert len(mail.outbox) == 1 and "Kính gửi" in mail.outbox[0].body


def test_sessions_expire_when_idle(settings):
    assert not settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 8 * 60 * 60


def test_a_session_in_use_is_renewed_at_most_once_a_minute(client, officer_a, monkeypatch):
    """Idle expiry moves forward while the user works, without a session write on every page."""
    from django.contrib.sessions.models import Session

    from vinhlong_cmcn4.middleware import IdleSessionMiddleware

    client.force_login(officer_a)
    client.get(reverse("reports:agency_tasks"))
    session = Session.objects.get()
    first_expiry = session.expire_date
    clock = [time.time()]
    monkeypatch.setattr("vinhlong_cmcn4.middleware.time.time", lambda: clock[0])
    clock[0] += 30
    client.get(reverse("reports:agency_tasks"))
    assert Session.objects.get().expire_date == first_expiry  # within the minute: not written
    clock[0] += 31
    client.get(reverse("reports:agency_tasks"))
    renewed = Session.objects.get()
    assert renewed.expire_date > first_expiry and renewed.get_decoded()[IdleSessionMiddleware.KEY] == int(clock[0])


def test_an_anonymous_visit_makes_no_session(client):
    from django.contrib.sessions.models import Session

    client.get("/")
    assert not Session.objects.exists()
