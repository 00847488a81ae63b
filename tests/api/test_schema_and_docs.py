import io
from html.parser import HTMLParser

from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS


class AssetParser(HTMLParser):
    """Collects each script (its src and any inline body) and each stylesheet/icon link."""

    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.links: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append({"src": attrs.get("src"), "body": ""})
            self._in_script = True
        elif tag == "link":
            self.links.append(attrs.get("href"))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1]["body"] += data


def test_schema_generates_without_warnings(tmp_path):
    GENERATOR_STATS.reset()
    out = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out),
                 stderr=io.StringIO())

    text = out.read_text()
    for path in ["/api/v1/me/", "/api/v1/societies/{slug}/members/",
                 "/api/v1/societies/{slug}/members/me/",
                 "/api/v1/societies/{slug}/members/me/shares/",
                 "/api/v1/societies/{slug}/applications/{id}/approve/",
                 "/api/v1/societies/{slug}/payments/"]:
        assert f"{path}:" in text


def test_schema_is_served(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    reject = schema["paths"]["/api/v1/societies/{slug}/applications/{id}/reject/"]["post"]
    assert set(reject["responses"]) == {"200", "400", "401", "403", "404"}
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_documents_payments_and_the_new_approval(api, db):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths, components = schema["paths"], schema["components"]["schemas"]

    approve = paths["/api/v1/societies/{slug}/applications/{id}/approve/"]["post"]
    assert approve["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Application"}
    payments = paths["/api/v1/societies/{slug}/payments/"]
    assert set(payments) == {"get", "post"}
    assert set(payments["post"]["responses"]) == {"201", "400", "401", "403", "404"}
    assert {p["name"] for p in payments["get"]["parameters"]} >= {"method", "state", "limit"}
    applications = paths["/api/v1/societies/{slug}/applications/"]["get"]
    state = next(p for p in applications["parameters"] if p["name"] == "state")
    assert sorted(state["schema"]["enum"]) == ["approved", "open", "pending"]
    assert state["schema"]["default"] == "pending"
    assert components["PaymentStateEnum"]["enum"] == [
        "pending", "held", "confirmed", "failed", "refunded"]
    assert set(components["RecordPaymentRequest"]["required"]) == {
        "amount", "method", "received_on"}


def test_docs_page_uses_local_assets_and_no_inline_script(api, db):
    response = api.get("/api/docs/")

    assert response.status_code == 200
    page = AssetParser()
    page.feed(response.content.decode())
    assert len(page.scripts) == 3
    assert all(s["src"] and not s["body"].strip() for s in page.scripts)
    assets = [s["src"] for s in page.scripts[:2]] + page.links
    assert all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a static file"
    assert page.scripts[2]["src"].startswith("/api/docs/?")
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_docs_init_script_is_served_as_javascript(api, db):
    page = AssetParser()
    page.feed(api.get("/api/docs/").content.decode())

    response = api.get(page.scripts[2]["src"])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()
