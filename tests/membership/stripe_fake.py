"""A small fake of the Stripe HTTP API, for tests: the real `stripe` library talks to it over
HTTP on 127.0.0.1, so everything on our side of the wire is the real code.

It answers `POST /v1/checkout/sessions` and `POST /v1/refunds`, records every request (path,
form fields, Idempotency-Key and Stripe-Account headers) and, like Stripe, answers a repeated
idempotency key with the first answer. `fail_next()` makes the next request fail with a
Stripe error.

Connect: `POST /v1/accounts`, `GET /v1/accounts/<id>` and `POST /v1/account_links`. An account
link's URL is a page on this server (`GET /setup/<id>`) that, like finishing Stripe's
onboarding, makes the account ready and redirects to the link's return URL. A request with a
Stripe-Account header acts inside that account: its sessions are its own, and a refund of a
payment taken on another account is "No such payment_intent", as on Stripe.

Use the `fake_stripe` fixture: it points settings.STRIPE_API_BASE at the server and sets
STRIPE_SECRET_KEY to `sk_test_fake`."""

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
import stripe

SECRET_KEY = "sk_test_fake"
WEBHOOK_SECRET = "whsec_test_fake"
CONNECT_WEBHOOK_SECRET = "whsec_test_connect_fake"


@dataclass
class Request:
    method: str
    path: str
    form: dict[str, str]
    idempotency_key: str | None
    authorization: str | None
    stripe_account: str | None = None

    def metadata(self, prefix: str = "metadata") -> dict[str, str]:
        return nested(self.form, prefix)


def nested(form: dict[str, str], prefix: str) -> dict[str, str]:
    """The `prefix[...]` form fields as a dict (how Stripe encodes a flat nested dict)."""
    start = prefix + "["
    return {k[len(start):-1]: v for k, v in form.items()
            if k.startswith(start) and k.endswith("]") and "][" not in k[len(start):]}


@dataclass
class FakeStripe:
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    sessions: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    accounts: dict[str, dict] = field(default_factory=dict)
    # Where Checkout pages live. A browser test sets it to `url`: then `GET /c/pay/<id>` on
    # this server pays the session, calls `on_paid(session)` (to send Stripe's event) and
    # redirects to the session's success URL, as Stripe's page does.
    checkout_base: str = "https://checkout.stripe.test"
    on_paid: Callable[[dict], None] | None = None
    links: dict[str, dict] = field(default_factory=dict)
    _answers: dict[tuple[str, str], tuple[int, dict]] = field(default_factory=dict)
    _failures: list[tuple[int, dict]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, status: int = 500, *, kind: str = "api_error",
                  message: str = "Something went wrong on Stripe's end.") -> None:
        self._failures.append((status, {"error": {"type": kind, "message": message}}))

    def posts_to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    def add_account(self, account_id: str | None = None, *, ready: bool = True) -> str:
        """A connected account that exists already (e.g. onboarded before the test)."""
        account = self._account({}, account_id=account_id)
        if ready:
            self.finish_onboarding(account["id"])
        return account["id"]

    def finish_onboarding(self, account_id: str) -> dict:
        """The treasurer completes Stripe's onboarding: the account can take charges."""
        account = self.accounts[account_id]
        account.update(charges_enabled=True, details_submitted=True, payouts_enabled=True)
        return dict(account)

    def pay(self, session_id: str, *, payment_status: str = "paid") -> dict:
        """The person pays on the Checkout page: the session as Stripe then reports it."""
        session = self.sessions[session_id]
        session.update(status="complete", payment_status=payment_status,
                       payment_intent=session["payment_intent"]
                       or f"pi_test_{uuid.uuid4().hex[:24]}")
        return {k: v for k, v in session.items() if k != "_account"}

    # --- answering ------------------------------------------------------------------------

    def answer(self, method: str, path: str, form: dict, key: str | None,
               authorization: str | None, account: str | None = None) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(Request(method, path, form, key, authorization, account))
            if authorization != f"Bearer {SECRET_KEY}":
                return 401, {"error": {"type": "invalid_request_error",
                                       "message": "Invalid API Key provided."}}
            if self._failures:
                return self._failures.pop(0)
            if account is not None and account not in self.accounts:
                return 403, {"error": {"type": "invalid_request_error",
                                       "message": f"No such account: '{account}'"}}
            # Stripe scopes idempotency keys to the account the request acts as.
            if key and (path, key, account) in self._answers:
                return self._answers[(path, key, account)]
            answer = self._new(method, path, form, account)
            if key and answer[0] == 200:
                self._answers[(path, key, account)] = answer
            return answer

    def _new(self, method: str, path: str, form: dict,
             account: str | None) -> tuple[int, dict]:
        if (method, path) == ("POST", "/v1/checkout/sessions"):
            return 200, self._session(form, account)
        if (method, path) == ("POST", "/v1/refunds"):
            return self._refund(form, account)
        if (method, path) == ("POST", "/v1/accounts") and account is None:
            return 200, self._account(form)
        if (method, path) == ("POST", "/v1/account_links") and account is None:
            return self._link(form)
        if method == "GET" and path.startswith("/v1/accounts/") and account is None:
            found = self.accounts.get(path.rsplit("/", 1)[1])
            if found:
                return 200, dict(found)
        return 404, {"error": {"type": "invalid_request_error",
                               "message": f"Unrecognized request URL ({method}: {path})."}}

    def _session(self, form: dict, account: str | None) -> dict:
        session_id = f"cs_test_{uuid.uuid4().hex}"
        quantity = int(form.get("line_items[0][quantity]", "1"))
        session = {
            "id": session_id, "object": "checkout.session", "mode": form.get("mode"),
            "url": f"{self.checkout_base}/c/pay/{session_id}",
            "amount_total": int(form.get("line_items[0][price_data][unit_amount]", "0"))
            * quantity,
            "currency": form.get("line_items[0][price_data][currency]"),
            "client_reference_id": form.get("client_reference_id"),
            "customer_email": form.get("customer_email"),
            "metadata": nested(form, "metadata"),
            "payment_intent": None, "payment_status": "unpaid", "status": "open",
            "success_url": form.get("success_url"), "cancel_url": form.get("cancel_url"),
        }
        self.sessions[session_id] = {**session, "_account": account}
        return session

    def account_of_session(self, session_id: str) -> str | None:
        """The connected account a session was made on (None: the platform's own)."""
        return self.sessions[session_id]["_account"]

    def _refund(self, form: dict, account: str | None) -> tuple[int, dict]:
        intent = form.get("payment_intent")
        owners = [s["_account"] for s in self.sessions.values() if s["payment_intent"] == intent]
        if owners and owners[0] != account:
            return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                   "message": f"No such payment_intent: '{intent}'"}}
        refund_id = f"re_test_{uuid.uuid4().hex[:24]}"
        refund = {"id": refund_id, "object": "refund", "amount": int(form.get("amount", "0")),
                  "currency": "gbp", "payment_intent": form.get("payment_intent"),
                  "metadata": nested(form, "metadata"),
                  "status": "succeeded"}
        self.refunds[refund_id] = {**refund, "_account": account}
        return 200, refund

    def _account(self, form: dict, *, account_id: str | None = None) -> dict:
        account_id = account_id or f"acct_test_{uuid.uuid4().hex[:16]}"
        account = {"id": account_id, "object": "account", "type": form.get("type", "standard"),
                   "country": form.get("country", "GB"), "email": form.get("email"),
                   "metadata": nested(form, "metadata"), "charges_enabled": False,
                   "details_submitted": False, "payouts_enabled": False}
        self.accounts[account_id] = account
        return dict(account)

    def _link(self, form: dict) -> tuple[int, dict]:
        account_id = form.get("account", "")
        if account_id not in self.accounts:
            return 400, {"error": {"type": "invalid_request_error",
                                   "message": f"No such account: '{account_id}'"}}
        self.links[account_id] = {"return_url": form.get("return_url"),
                                  "refresh_url": form.get("refresh_url")}
        return 200, {"object": "account_link", "created": int(time.time()),
                     "expires_at": int(time.time()) + 300,
                     "url": f"{self.url}/setup/{account_id}"}

    def checkout_page(self, path: str) -> str | None:
        """`GET /c/pay/<id>`: the person pays; Stripe sends its event; back to the site."""
        session_id = path.rsplit("/", 1)[1]
        if session_id not in self.sessions:
            return None
        session = self.pay(session_id)
        if self.on_paid:
            self.on_paid(session)
        return session["success_url"]

    def onboarding_page(self, path: str) -> str | None:
        """`GET /setup/<id>`: finish onboarding and say where Stripe sends the person back."""
        account_id = path.rsplit("/", 1)[1]
        with self._lock:
            if account_id not in self.links:
                return None
            self.finish_onboarding(account_id)
            return self.links[account_id]["return_url"]


def _handler(fake: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def _respond(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            path, _, query = self.path.partition("?")
            form = dict(parse_qsl(body or query, keep_blank_values=True))
            if method == "GET" and path.startswith("/setup/"):
                return self._redirect(fake.onboarding_page(path))
            if method == "GET" and path.startswith("/c/pay/"):
                return self._redirect(fake.checkout_page(path))
            status, answer = fake.answer(method, path, form, self.headers.get("Idempotency-Key"),
                                         self.headers.get("Authorization"),
                                         self.headers.get("Stripe-Account"))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{uuid.uuid4().hex[:14]}")
            self.end_headers()
            self.wfile.write(data)

        def _redirect(self, back: str | None) -> None:
            self.send_response(302 if back else 404)
            if back:
                self.send_header("Location", back)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self):  # noqa: N802 (the name http.server calls)
            self._respond("POST")

        def do_GET(self):  # noqa: N802
            self._respond("GET")

        def log_message(self, format, *args):  # quiet
            pass

    return Handler


@pytest.fixture
def fake_stripe(settings):
    fake = FakeStripe()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_API_BASE = fake.url
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- webhook events -----------------------------------------------------------------------------

def event(type: str, obj: dict, *, event_id: str | None = None,
          account: str | None = None) -> dict:
    """An event as Stripe sends it; with `account`, one from a connected account (the
    Connect endpoint's events carry it)."""
    extra = {"account": account} if account else {}
    return {**extra, "id": event_id or f"evt_test_{uuid.uuid4().hex[:24]}", "object": "event",
            "api_version": "2026-01-28.clover", "created": int(time.time()), "livemode": False,
            "type": type, "data": {"object": obj}, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None}}


def charge(payment_intent: str, *, amount: int = 100, refunded: bool = True) -> dict:
    return {"id": f"ch_test_{uuid.uuid4().hex[:24]}", "object": "charge", "amount": amount,
            "amount_refunded": amount if refunded else amount // 2, "currency": "gbp",
            "payment_intent": payment_intent, "refunded": refunded}


def signed(body: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> dict:
    """The Stripe-Signature header Stripe would send with `body`."""
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
    return {"Stripe-Signature": header}


@pytest.fixture
def connect_webhook_secret(settings):
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = CONNECT_WEBHOOK_SECRET
    return CONNECT_WEBHOOK_SECRET


@pytest.fixture
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return WEBHOOK_SECRET
