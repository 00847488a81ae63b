"""When something breaks: a page in the site's layout that says so plainly and offers a way
back; the API answers in JSON, even for addresses its URL patterns refuse."""

import pytest
from django.test import Client
from django.urls import path

from coop.urls import urlpatterns as site_patterns


def broken(request):
    raise RuntimeError("the database went away")


urlpatterns = [path("broken/", broken), path("api/broken/", broken), *site_patterns]
handler404 = "coop.errors.page_not_found"
handler500 = "coop.errors.server_error"


@pytest.fixture
def client_seeing_errors(settings, db):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def test_a_page_that_breaks_shows_the_sites_layout_plain_words_and_a_way_back(
        client_seeing_errors):
    response = client_seeing_errors.get("/broken/")

    assert response.status_code == 500
    body = response.content.decode()
    assert 'class="skip-link"' in body and "<header" in body  # the site's layout
    assert "something went wrong" in body and "on our side" in body
    assert '<a href="/">Go to the home page</a>' in body


def test_the_api_breaking_answers_in_json(client_seeing_errors):
    response = client_seeing_errors.get("/api/broken/")

    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/json"
    assert "went wrong" in response.json()["detail"]


def test_an_unknown_page_is_still_the_sites_404_page(client_seeing_errors):
    response = client_seeing_errors.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
