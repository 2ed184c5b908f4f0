"""Walk hwalk8: the error pages a user meets on a deadline day speak Vietnamese too (DEBUG off)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_form_sent_after_its_session_lapsed_is_refused_in_vietnamese(settings):
    # A form left open past the session (or a second tab's logout) fails the CSRF check: Django's own page read
    # "Forbidden (403) CSRF verification failed. Request aborted." in English.
    settings.DEBUG = False
    refused = Client(enforce_csrf_checks=True).post("/dang-nhap/", {"username": "x", "password": "y"})
    page = refused.content.decode()
    assert refused.status_code == 403
    assert "CSRF verification failed" not in page and "Forbidden" not in page
    assert 'lang="vi"' in page and "Phiên làm việc đã hết hạn" in page


def test_a_bad_request_is_refused_in_vietnamese(settings, client):
    # Django's 400 page read "Bad Request (400)" in English (a form with too many fields, a malformed upload).
    settings.DEBUG = False
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    refused = client.post("/xac-thuc/", {"a": "1", "b": "2", "c": "3"})
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Bad Request" not in page and "Yêu cầu không hợp lệ" in page


def test_a_wrong_password_is_told_in_a_sentence_without_a_capital_mid_way(client, officer_a):
    # Walk: "Sai Tên đăng nhập hoặc mật khẩu." — the field's label, capitalised, put in the middle of the sentence.
    page = client.post("/dang-nhap/", {"username": "officer_a", "password": "sai-mat-khau"}).content.decode()
    assert "Sai tên đăng nhập hoặc mật khẩu." in page
