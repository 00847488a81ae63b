"""Clients signed in as a given person, for the voting tests' pages and API."""

from rest_framework.test import APIClient

from tests.pages import PageCheckingClient


def signed_in(user) -> PageCheckingClient:
    client = PageCheckingClient()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client
