"""Writing, scheduling and sending messages; the print run; bounces. One function per change:
it checks, writes inside one transaction, records it in the audit log and queues the email
after commit. `tasks` imports this module; this module names its tasks by dotted path."""

from datetime import datetime

from django.db import connection, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from coop import audit
from coop.notify import emails_are_muted
from coop.services import CoopError

from . import selectors
from .enums import Audience, DeliveryStatus, Method
from .models import AddressProblem, Delivery, Message

SEND_EMAIL = "communications.tasks.send_email"
SEND_WHEN_DUE = "communications.tasks.send_when_due"
FIELDS = ("kind", "subject", "body", "easy_read_body", "audience", "ballot", "meeting",
          "joined_since", "preference")


def _task(path: str) -> Task:
    return import_string(path)


def _check_audience(society, fields: dict, classes) -> None:
    audience = fields.get("audience")
    if audience == Audience.CLASSES and not classes:
        raise CoopError("Choose at least one class.", field="classes")
    if audience == Audience.NOT_VOTED and fields.get("ballot") is None:
        raise CoopError("Choose the vote.", field="ballot")
    if audience == Audience.MEETING and fields.get("meeting") is None:
        raise CoopError("Choose the meeting.", field="meeting")
    for name in ("ballot", "meeting"):
        if fields.get(name) is not None and fields[name].society_id != society.pk:
            raise CoopError("Choose one of this co-op's.", field=name)
    if any(c.society_id != society.pk for c in classes):
        raise CoopError("Choose this co-op's classes.", field="classes")


def _clean(fields: dict) -> dict:
    """Keep only what the audience uses, so a draft never holds a stale choice."""
    fields = {k: v for k, v in fields.items() if k in FIELDS}
    if fields.get("audience") != Audience.NOT_VOTED:
        fields["ballot"] = None
    if fields.get("audience") != Audience.MEETING:
        fields["meeting"] = None
    fields["preference"] = fields.get("preference") or ""
    return fields


def create_draft(society, *, by, classes=(), **fields) -> Message:
    """Keep a new draft. Audited."""
    classes = list(classes)
    _check_audience(society, fields, classes)
    with transaction.atomic():
        message = Message.objects.create(society=society, created_by=by, **_clean(fields))
        if fields.get("audience") == Audience.CLASSES:
            message.classes.set(classes)
        audit.record("communications.message.drafted", society=society, actor=by, obj=message,
                     data={"subject": message.subject, "kind": message.kind})
    return message


def _locked(message: Message) -> Message:
    return Message.objects.select_for_update().get(pk=message.pk)


def update_draft(message: Message, *, by, classes=(), **fields) -> Message:
    """Change a draft (or a scheduled message, which goes back to being a draft). Audited."""
    classes = list(classes)
    _check_audience(message.society, fields, classes)
    with transaction.atomic():
        locked = _locked(message)
        if locked.queued_at:
            raise CoopError("This message has been sent, so it cannot change.")
        for name, value in _clean(fields).items():
            setattr(locked, name, value)
        locked.send_at, locked.updated_at = None, timezone.now()
        locked.save()
        locked.classes.set(classes if locked.audience == Audience.CLASSES else [])
        audit.record("communications.message.edited", society=locked.society, actor=by,
                     obj=locked, data={"subject": locked.subject})
    return locked


def schedule(message: Message, *, by, at: datetime) -> Message:
    """Send the message at `at`. The worker sends it then (or `run_messages_due` does, where
    the task backend cannot wait); the audience is worked out when it goes. Audited."""
    if at <= timezone.now():
        raise CoopError("Choose a time in the future.", field="send_at")
    with transaction.atomic():
        locked = _locked(message)
        if locked.queued_at:
            raise CoopError("This message has already been sent.")
        locked.send_at = at
        locked.save(update_fields=["send_at"])
        audit.record("communications.message.scheduled", society=locked.society, actor=by,
                     obj=locked, data={"send_at": at})
        later = _task(SEND_WHEN_DUE)
        if later.get_backend().supports_defer:
            transaction.on_commit(lambda: later.using(run_after=at).enqueue(locked.pk))
    return locked


def send_now(message: Message, *, by) -> int:
    """Send the message now: one delivery per copy, emails queued for the worker, letters
    on the print run. Sending again sends nothing. Returns the number of copies made."""
    with transaction.atomic():
        locked = _locked(message)
        if locked.queued_at:
            raise CoopError("This message has already been sent.")
        made = _queue(locked, by=by)
    message.refresh_from_db()
    return made


def send_if_due(message_id: int) -> int:
    """The scheduled send: queue it if its time has come and nobody has sent it yet. If
    nobody would get it now, it goes back to being a draft (audited with the reason), so
    that it is not tried again and again."""
    try:
        with transaction.atomic():
            message = Message.objects.select_for_update().filter(pk=message_id).first()
            if message is None or message.queued_at or not message.send_at \
                    or message.send_at > timezone.now():
                return 0
            return _queue(message, by=None)
    except CoopError as exc:
        with transaction.atomic():
            Message.objects.filter(pk=message_id, queued_at__isnull=True).update(send_at=None)
            audit.record("communications.message.not_sent", society=message.society,
                         obj=message, data={"reason": exc.message})
        return 0


def _queue(message: Message, *, by) -> int:
    """Inside the caller's transaction, with the message locked."""
    chosen, methods = selectors.by_method(message)
    made = {method: _insert_copies(message, method, members)
            for method, members in methods.items()}
    if not sum(made.values()):
        raise CoopError("Nobody would get this message. Choose other members, or (for news) "
                        "wait until members agree to get news.")
    message.queued_at, message.queued_by = timezone.now(), by
    message.save(update_fields=["queued_at", "queued_by"])
    audit.record("communications.message.sent", society=message.society, actor=by,
                 obj=message, data={**made, "chosen": chosen.count(),
                                    "scheduled": by is None})
    if made[Method.EMAIL] and not emails_are_muted():
        transaction.on_commit(lambda: _task(SEND_EMAIL).enqueue(message.pk))
    return sum(made.values())


def _insert_copies(message: Message, method: str, members) -> int:
    """One delivery row per member, in one INSERT ... SELECT: queueing to 100,000 members
    must take seconds, and building 100,000 objects in Python does not."""
    address = F("email") if method == Method.EMAIL else \
        Concat("address", Value("\n"), "postcode", output_field=CharField())
    columns = {"message_id": Value(message.pk), "member_id": F("pk"),
               "method": Value(method), "address": address, "large_print": F("large_print"),
               "easy_read": F("easy_read"), "status": Value(DeliveryStatus.QUEUED),
               "reason": Value("")}
    names = {f"copy_{name}": expression for name, expression in columns.items()}
    select = members.order_by().annotate(**names).values_list(*names)
    sql, params = select.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {Delivery._meta.db_table} ({', '.join(columns)}) {sql}",
                       params)
        return cursor.rowcount


def resend_email(message: Message, *, by) -> None:
    """Ask the worker to send any email still queued (after a worker stopped). Safe: only
    queued deliveries go, so nothing is sent twice. Audited."""
    with transaction.atomic():
        audit.record("communications.message.resend", society=message.society, actor=by,
                     obj=message)
        transaction.on_commit(lambda: _task(SEND_EMAIL).enqueue(message.pk))


def mark_posted(message: Message, *, by) -> int:
    """The officer has posted the print run: its letters count as sent. Audited."""
    with transaction.atomic():
        locked = _locked(message)
        if not locked.queued_at:
            raise CoopError("Send the message before marking its letters posted.")
        if locked.posted_at:
            raise CoopError("The letters were already marked as posted.")
        now = timezone.now()
        letters = Delivery.objects.filter(message=locked, method=Method.POST,
                                          status=DeliveryStatus.QUEUED)
        count = letters.update(status=DeliveryStatus.SENT, sent_at=now)
        if not count:
            raise CoopError("This message has no letters to post.")
        locked.posted_at, locked.posted_by = now, by
        locked.save(update_fields=["posted_at", "posted_by"])
        audit.record("communications.letters.posted", society=locked.society, actor=by,
                     obj=locked, data={"letters": count})
    return count


def record_address_problem(address: str, *, kind: str, detail: str = "") -> bool:
    """The provider says mail to `address` bounced or was marked as spam. Later messages to
    it go by post or not at all. Returns False if it was known already."""
    address = address.strip().lower()
    if not address:
        return False
    with transaction.atomic():
        _, created = AddressProblem.objects.get_or_create(
            address=address, defaults={"kind": kind, "detail": detail[:1000]})
        if created:
            audit.record("communications.address.problem", data={"kind": kind,
                                                                  "detail": detail[:200]})
    return created


def send_due() -> int:
    """Send every scheduled message whose time has come; returns how many went."""
    return sum(bool(send_if_due(pk))
               for pk in selectors.due_messages().values_list("pk", flat=True))
