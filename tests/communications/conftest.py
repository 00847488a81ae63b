"""A real SMTP server for the messages tests (aiosmtpd on a free local port), and a society
whose members want their messages in different ways."""

import asyncio
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from communications import consent
from tests.factories import MemberFactory


class Inbox:
    """What the test SMTP server received; addresses in `refuse` are refused at RCPT."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content,
                                                      policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Django sends through a real SMTP server that this test runs."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            loop=asyncio.new_event_loop())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


@pytest.fixture
def classes(society):
    return {c.name: c for c in society.member_classes.all()}


@pytest.fixture
def people(society, classes):
    """Carers who want email, post, large print by post, easy read by email, both; a service
    user by email. Everyone but `quiet` agreed to get news."""
    carer, user_class = classes["Carer"], classes["Service user"]
    made = {
        "email": MemberFactory(society=society, member_class=carer, full_name="Eve Email"),
        "post": MemberFactory(society=society, member_class=carer, full_name="Pat Post",
                              contact_by_email=False, contact_by_post=True),
        "large": MemberFactory(society=society, member_class=carer, full_name="Lee Large",
                               contact_by_email=False, contact_by_post=True,
                               large_print=True),
        "easy": MemberFactory(society=society, member_class=carer, full_name="Ezra Easy",
                              easy_read=True),
        "both": MemberFactory(society=society, member_class=carer, full_name="Bo Both",
                              contact_by_post=True),
        "quiet": MemberFactory(society=society, member_class=carer, full_name="Quinn Quiet"),
        "user": MemberFactory(society=society, member_class=user_class,
                              full_name="Uma User"),
    }
    for key, member in made.items():
        if key != "quiet":
            consent.give(member, how="website")
    return made
