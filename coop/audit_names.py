"""Pseudonyms for the audit log, so that anonymising a person never breaks the hash chain.

An audit entry's hashed text names people only as `[person:<pid>]`; the readable name lives
in `AuditName`, which anonymisation clears (`forget`). Apps say which of their models name
people with `register_people` (in `AppConfig.ready`); `pseudonymise` swaps those people's
names for their tokens before an entry is written, and `readable` swaps them back for display.
Entries written before pseudonyms existed are rewritten once by `reanchor` (see the README's
"Personal data" section)."""

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from .models import AuditEntry, AuditName

TOKEN = re.compile(r"\[person:([0-9a-f]{16})\]")
ANONYMISED = "an anonymised person"
SHORTEST_NAME = 3  # shorter strings would match inside ordinary words


@dataclass(frozen=True)
class Person:
    """Someone an audit entry may name: their login, and the strings that name them. The first
    name is the readable label; `label_wins` marks a name from the register, which replaces a
    label taken from the login's display name."""

    user_id: int
    names: tuple[str, ...]
    label_wins: bool = False


_PEOPLE: dict[str, Callable[[models.Model], Iterable[Person]]] = {}


def register_people(model_label: str, people: Callable[[models.Model], Iterable[Person]]):
    """Tell the audit log which people an object of this model names (in its str())."""
    _PEOPLE[model_label] = people


def person_of_user(user) -> Person:
    names = tuple(dict.fromkeys(n for n in (str(user), user.display_name, user.email) if n))
    return Person(user.pk, names)


def people_of(obj) -> list[Person]:
    people = _PEOPLE.get(obj._meta.label)
    return list(people(obj)) if people else []


def token(pid: str) -> str:
    return f"[person:{pid}]"


def pid_for(person: Person, society_id: int | None) -> str:
    """The person's stable pseudonymous id in this society, made on first use."""
    row = AuditName.objects.filter(user_id=person.user_id, society_id=society_id).first()
    label = person.names[0] if person.names else ""
    if row is None:
        row = AuditName.objects.create(pid=secrets.token_hex(8), user_id=person.user_id,
                                       society_id=society_id, label=label[:200])
    elif person.label_wins and row.anonymised_at is None and row.label != label[:200]:
        AuditName.objects.filter(pk=row.pk).update(label=label[:200])
    return row.pid


def _replace(text: str, pairs: list[tuple[str, str]]) -> str:
    for name, tok in pairs:
        text = text.replace(name, tok)
    return text


def _replace_in(data, pairs):
    if isinstance(data, dict):
        return {k: _replace_in(v, pairs) for k, v in data.items()}
    if isinstance(data, list):
        return [_replace_in(v, pairs) for v in data]
    return _replace(data, pairs) if isinstance(data, str) else data


@dataclass(frozen=True)
class Pseudonymised:
    actor_label: str
    object_repr: str
    data: dict


def _pairs(people: Iterable[tuple[Person, str]]) -> list[tuple[str, str]]:
    pairs = {name: tok for person, tok in people for name in person.names
             if len(name) >= SHORTEST_NAME}
    return sorted(pairs.items(), key=lambda p: -len(p[0]))  # "Alex Morgan" before "Alex"


def pseudonymise(*, society, actor, obj, data: dict) -> Pseudonymised:
    """An entry's text with every person it names replaced by their token."""
    society_id = society.pk if society is not None else None
    people: list[tuple[Person, str]] = []
    actor_label = "system" if actor is None else str(actor)
    if actor is not None and actor.pk is not None:
        person = person_of_user(actor)
        actor_label = token(pid_for(person, society_id))
        people.append((person, actor_label))
    if obj is not None:
        people += [(p, token(pid_for(p, society_id))) for p in people_of(obj)]
    pairs = _pairs(people)
    object_repr = _replace(str(obj), pairs)[:200] if obj is not None else ""
    return Pseudonymised(actor_label, object_repr, _replace_in(data, pairs))


def ref(person: Person, society) -> str:
    """A token to put in an entry's data where a person is named there ("elected": [...])."""
    return token(pid_for(person, society.pk if society is not None else None))


# --- reading --------------------------------------------------------------------------------

def labels(texts: Iterable[str]) -> dict[str, str]:
    """Readable names for every token in these texts, in one query."""
    pids = {pid for text in texts for pid in TOKEN.findall(text)}
    found = dict(AuditName.objects.filter(pid__in=pids).values_list("pid", "label"))
    return {pid: found.get(pid) or ANONYMISED for pid in pids}


def readable(text: str, names: dict[str, str]) -> str:
    return TOKEN.sub(lambda m: names.get(m.group(1), ANONYMISED), text)


def pids_of(user) -> list[str]:
    return list(AuditName.objects.filter(user=user).values_list("pid", flat=True))


# --- anonymising ----------------------------------------------------------------------------

def forget(user, society) -> int:
    """Clear the readable name of a person in one society; their entries now read
    "an anonymised person". The hashed text is untouched, so the chain still verifies."""
    return AuditName.objects.filter(user=user, society=society).update(
        label="", anonymised_at=timezone.now())


# --- re-anchoring entries written before pseudonyms -----------------------------------------

@dataclass(frozen=True)
class Reanchored:
    checked: int
    rewritten: int
    previous_head: str
    anchor_id: int | None


def reanchor(people_by_society: dict[int | None, list[Person]], *, lock, genesis: str,
             record: Callable[..., AuditEntry]) -> Reanchored:
    """Rewrite names in entries written before pseudonyms into tokens, rehash the chain from the
    first rewritten entry on, and append a `coop.audit.reanchored` entry recording the old
    head hash and the counts. Refuses (ValueError) if the chain is already broken, so tampering
    is never laundered by a rewrite. Running it again finds nothing and records nothing."""
    with transaction.atomic():
        lock()
        matchers = {sid: _matcher(people, sid) for sid, people in people_by_society.items()}
        previous, head, checked, rewritten = genesis, genesis, 0, 0
        for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
            if entry.prev_hash != head or entry.compute_hash() != entry.hash:
                raise ValueError(f"Audit entry {entry.id} is bad; fix the chain first.")
            head = entry.hash
            checked += 1
            changed = _rewrite_names(entry, matchers.get(entry.society_id))
            if changed or entry.prev_hash != previous:
                rewritten += changed
                entry.prev_hash = previous
                entry.hash = entry.compute_hash()
                models.QuerySet(AuditEntry).filter(pk=entry.pk).update(
                    actor_label=entry.actor_label, object_repr=entry.object_repr,
                    data=entry.data, prev_hash=entry.prev_hash, hash=entry.hash)
            previous = entry.hash
        if not rewritten:
            return Reanchored(checked, 0, head, None)
        anchor = record("coop.audit.reanchored", data={
            "previous_head": head, "entries_checked": checked, "entries_rewritten": rewritten})
        return Reanchored(checked, rewritten, head, anchor.pk)


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern
    people: dict[str, tuple[Person, int | None]]


def _matcher(people: list[Person], society_id: int | None) -> _Matcher | None:
    by_name = {name: (p, society_id) for p in people for name in p.names
               if len(name) >= SHORTEST_NAME}
    if not by_name:
        return None
    names = sorted(by_name, key=len, reverse=True)
    return _Matcher(re.compile("|".join(re.escape(n) for n in names)), by_name)


def _rewrite_names(entry: AuditEntry, matcher: _Matcher | None) -> bool:
    if matcher is None:
        return False

    def sub(text: str) -> str:
        return matcher.pattern.sub(
            lambda m: token(pid_for(*matcher.people[m.group(0)])), text)

    before = (entry.actor_label, entry.object_repr, entry.data)
    entry.actor_label = sub(entry.actor_label)
    entry.object_repr = sub(entry.object_repr)[:200]
    entry.data = _map_strings(entry.data, sub)
    return (entry.actor_label, entry.object_repr, entry.data) != before


def _map_strings(data, fn):
    if isinstance(data, dict):
        return {k: _map_strings(v, fn) for k, v in data.items()}
    if isinstance(data, list):
        return [_map_strings(v, fn) for v in data]
    return fn(data) if isinstance(data, str) else data
