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


@pytest.mark.parametrize(
    "address",
    ["/api/v2/reports/", "/api/v1/bao-cao/", "/api/v1/reports/1/duyet/", "/api/v1/reports/1.json"],
)
def test_an_api_address_that_names_no_endpoint_is_refused_in_the_apis_shape_and_says_where_its_addresses_are(api_client, address):
    """A program asking for a version the API does not have, or a step it does not know, read a web page ('Không tìm thấy
    trang', in HTML) where every other refusal of the API is its JSON with a code and a message."""
    response = api_client.get(address, HTTP_ACCEPT="application/json")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "not_found" and address in error["message"] and "/api/v1/" in error["message"]
    assert "API không có địa chỉ" in error["message"]


def test_an_api_address_without_its_final_slash_is_still_sent_to_it(api_client):
    response = api_client.get("/api/v1/plans")
    assert response.status_code == 301 and response["Location"] == "/api/v1/plans/"


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
