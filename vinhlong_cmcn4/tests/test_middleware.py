"""Hostile requests refused before any view: oversized bodies, NUL bytes, impossible dates; caching and CSP headers."""

import io

import pytest
from django.test import RequestFactory

from vinhlong_cmcn4.middleware import RequestBodyLimitMiddleware


def test_a_body_declared_larger_than_the_limit_is_refused_with_413_before_anything_reads_it(client, settings):
    settings.REQUEST_MAX_BYTES = 1000
    stream = io.BytesIO(b"x" * 10)
    response = client.generic("POST", "/dang-nhap/", data=b"", CONTENT_LENGTH="5000000", **{"wsgi.input": stream})
    assert response.status_code == 413
    assert response["Connection"] == "close"
    assert "không được nhận" in response.content.decode()
    assert stream.tell() == 0


def test_the_api_refuses_an_oversized_body_in_its_json_error_shape(client, settings):
    settings.REQUEST_MAX_BYTES = 1000
    response = client.post("/api/v1/auth/token/", data=b"u" * 5000, content_type="application/octet-stream")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


@pytest.mark.django_db
def test_a_signed_in_user_gets_the_same_cap(client, settings, officer_a):
    settings.REQUEST_MAX_BYTES = 1000
    client.force_login(officer_a)
    response = client.post("/don-vi/nhiem-vu/", data=b"u" * 5000, content_type="application/octet-stream")
    assert response.status_code == 413


def _chunked_request(body: bytes):
    request = RequestFactory().post("/api/v1/auth/token/", data=b"-", content_type="application/x-www-form-urlencoded")
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request.META.pop("CONTENT_LENGTH", None)
    request.META["wsgi.input"] = io.BytesIO(body)
    return request


def test_a_chunked_body_is_cut_off_as_soon_as_it_passes_the_limit(settings):
    settings.REQUEST_MAX_BYTES = 100 * 1024
    body = io.BytesIO(b"a" * (10 * 1024 * 1024))
    request = _chunked_request(b"")
    request.META["wsgi.input"] = body
    response = RequestBodyLimitMiddleware(lambda request: pytest.fail("the view must not run"))(request)
    assert response.status_code == 413
    assert body.tell() <= 200 * 1024  # read no further than the limit and one chunk


def test_a_chunked_body_within_the_limit_reaches_the_view_whole(settings):
    settings.REQUEST_MAX_BYTES = 100 * 1024
    seen = {}

    def view(request):
        seen["username"] = request.POST["username"]
        return "ok"

    assert RequestBodyLimitMiddleware(view)(_chunked_request(b"username=lanhdao&password=x")) == "ok"
    assert seen == {"username": "lanhdao"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/ke-hoach/?q=%00", "/api/v1/plans/?q=%00", "/api/v1/tasks/?q=a%00b", "/?q=%00"])
def test_a_nul_byte_in_a_search_box_is_a_clean_400_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "%00" in response.content.decode()
    if url.startswith("/api/"):
        assert response.json()["error"]["code"] == "malformed"


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["99999999999999999999", "9999", "0"])
def test_an_impossible_year_in_the_admin_date_hierarchy_is_no_500(client, sysadmin, year):
    client.force_login(sysadmin)
    for url in ("/admin/plans/plan/", "/admin/plans/directive/"):
        response = client.get(f"{url}?issued_on__year={year}")
        assert response.status_code in {200, 302}, url


@pytest.mark.django_db
def test_pages_for_signed_in_users_are_never_stored_and_public_pages_may_be(client, officer_a):
    public = client.get("/ke-hoach/")
    assert "no-store" not in public.get("Cache-Control", "")
    client.force_login(officer_a)
    private = client.get("/don-vi/nhiem-vu/")
    assert private.status_code == 200
    assert "no-store" in private["Cache-Control"]
    assert "no-store" in client.get("/ke-hoach/")["Cache-Control"]


@pytest.mark.django_db
def test_an_api_call_with_a_token_is_never_stored(client, officer_a):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=officer_a)
    response = client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/ke-hoach/", "/dang-nhap/", "/api/docs/"])
def test_every_page_carries_a_content_security_policy_without_inline_scripts(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    if response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        assert "<script>" not in html and 'onclick="' not in html and 'onchange="' not in html
