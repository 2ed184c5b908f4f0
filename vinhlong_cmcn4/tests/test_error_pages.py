"""Error pages speak Vietnamese, in the portal's layout, also with DEBUG off."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_missing_page_and_a_forbidden_one_say_so_in_vietnamese(client, settings, officer_a):
    settings.DEBUG = False
    missing = client.get("/khong-co-trang-nay/")
    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.content.decode()
    client.force_login(officer_a)
    forbidden = client.get("/dieu-hanh/")
    assert forbidden.status_code == 403 and "Bạn không được mở trang này" in forbidden.content.decode()


def test_the_server_error_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    assert "Đã có lỗi ở phía hệ thống" in render_to_string("500.html")


def test_the_browsers_favicon_request_finds_the_emblem(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/emblem.svg")
