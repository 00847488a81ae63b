"""A small fake of the Stripe HTTP API, for tests: the real `stripe` library talks to it over
HTTP on 127.0.0.1, so everything on our side of the wire is the real code.

It answers `POST /v1/checkout/sessions` and `POST /v1/refunds`, records every request (path,
form fields, Idempotency-Key header) and, like Stripe, answers a repeated idempotency key with
the first answer. `fail_next()` makes the next request fail with a Stripe error.

Use the `fake_stripe` fixture: it points settings.STRIPE_API_BASE at the server and sets
STRIPE_SECRET_KEY to `sk_test_fake`."""

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
import stripe

SECRET_KEY = "sk_test_fake"
WEBHOOK_SECRET = "whsec_test_fake"


@dataclass
class Request:
    method: str
    path: str
    form: dict[str, str]
    idempotency_key: str | None
    authorization: str | None

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
    _answers: dict[tuple[str, str], tuple[int, dict]] = field(default_factory=dict)
    _failures: list[tuple[int, dict]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, status: int = 500, *, kind: str = "api_error",
                  message: str = "Something went wrong on Stripe's end.") -> None:
        self._failures.append((status, {"error": {"type": kind, "message": message}}))

    def posts_to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    def pay(self, session_id: str, *, payment_status: str = "paid") -> dict:
        """The person pays on the Checkout page: the session as Stripe then reports it."""
        session = self.sessions[session_id]
        session.update(status="complete", payment_status=payment_status,
                       payment_intent=session["payment_intent"]
                       or f"pi_test_{uuid.uuid4().hex[:24]}")
        return dict(session)

    # --- answering ------------------------------------------------------------------------

    def answer(self, method: str, path: str, form: dict, key: str | None,
               authorization: str | None) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(Request(method, path, form, key, authorization))
            if authorization != f"Bearer {SECRET_KEY}":
                return 401, {"error": {"type": "invalid_request_error",
                                       "message": "Invalid API Key provided."}}
            if self._failures:
                return self._failures.pop(0)
            if key and (path, key) in self._answers:
                return self._answers[(path, key)]
            answer = self._new(method, path, form)
            if key and answer[0] == 200:
                self._answers[(path, key)] = answer
            return answer

    def _new(self, method: str, path: str, form: dict) -> tuple[int, dict]:
        if (method, path) == ("POST", "/v1/checkout/sessions"):
            return 200, self._session(form)
        if (method, path) == ("POST", "/v1/refunds"):
            return 200, self._refund(form)
        return 404, {"error": {"type": "invalid_request_error",
                               "message": f"Unrecognized request URL ({method}: {path})."}}

    def _session(self, form: dict) -> dict:
        session_id = f"cs_test_{uuid.uuid4().hex}"
        quantity = int(form.get("line_items[0][quantity]", "1"))
        session = {
            "id": session_id, "object": "checkout.session", "mode": form.get("mode"),
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "amount_total": int(form.get("line_items[0][price_data][unit_amount]", "0"))
            * quantity,
            "currency": form.get("line_items[0][price_data][currency]"),
            "client_reference_id": form.get("client_reference_id"),
            "customer_email": form.get("customer_email"),
            "metadata": nested(form, "metadata"),
            "payment_intent": None, "payment_status": "unpaid", "status": "open",
            "success_url": form.get("success_url"), "cancel_url": form.get("cancel_url"),
        }
        self.sessions[session_id] = session
        return session

    def _refund(self, form: dict) -> dict:
        refund_id = f"re_test_{uuid.uuid4().hex[:24]}"
        refund = {"id": refund_id, "object": "refund", "amount": int(form.get("amount", "0")),
                  "currency": "gbp", "payment_intent": form.get("payment_intent"),
                  "metadata": nested(form, "metadata"),
                  "status": "succeeded"}
        self.refunds[refund_id] = refund
        return refund


def _handler(fake: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def _respond(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            path, _, query = self.path.partition("?")
            form = dict(parse_qsl(body or query, keep_blank_values=True))
            status, answer = fake.answer(method, path, form, self.headers.get("Idempotency-Key"),
                                         self.headers.get("Authorization"))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{uuid.uuid4().hex[:14]}")
            self.end_headers()
            self.wfile.write(data)

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

def event(type: str, obj: dict, *, event_id: str | None = None) -> dict:
    return {"id": event_id or f"evt_test_{uuid.uuid4().hex[:24]}", "object": "event",
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
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return WEBHOOK_SECRET
