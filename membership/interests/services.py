"""Writes for the register of interests. A declaration is never changed: amending or ending
it adds a new version. Every step is in the audit log."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from coop import audit
from coop.services import CoopError

from ..enums import DEFAULT_DEEMED, DEFAULT_TOPICS, InterestType
from ..models import Declaration, InterestTopic, MemberClass


class InterestError(CoopError):
    """A rule of the register of interests was broken."""


# --- topics -----------------------------------------------------------------------------------

def seed_topics(society) -> list[InterestTopic]:
    """The starting topics, and PAs deemed interested in PA pay."""
    topics = [InterestTopic.objects.create(society=society, name=name, position=i)
              for i, name in enumerate(DEFAULT_TOPICS)]
    by_name = {t.name: t for t in topics}
    classes = {c.name: c for c in MemberClass.objects.filter(society=society)}
    for class_name, topic_name in DEFAULT_DEEMED:
        if class_name in classes and topic_name in by_name:
            by_name[topic_name].deemed_classes.add(classes[class_name])
    return topics


def _clean_name(society, name: str, *, exclude=None) -> str:
    name = (name or "").strip()
    if not name:
        raise InterestError("Enter a name for the topic.", field="name")
    clash = InterestTopic.objects.filter(society=society, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise InterestError(f"There is already a topic called “{name}”.", field="name")
    return name


def add_topic(society, *, name: str, deemed_classes=(), by) -> InterestTopic:
    name = _clean_name(society, name)
    with transaction.atomic():
        position = InterestTopic.objects.filter(society=society).count()
        topic = InterestTopic.objects.create(society=society, name=name, position=position)
        topic.deemed_classes.set(_own_classes(society, deemed_classes))
        audit.record("membership.topic.added", society=society, actor=by, obj=topic,
                     data={"name": name, "deemed": [c.name for c in topic.deemed_classes.all()]})
    return topic


def _own_classes(society, classes) -> list[MemberClass]:
    classes = list(classes)
    if any(c.society_id != society.pk for c in classes):
        raise InterestError("Choose this society's classes.", field="deemed_classes")
    return classes


def update_topic(topic: InterestTopic, *, name: str, deemed_classes, by) -> InterestTopic:
    """Rename a topic and set which classes are deemed to hold an interest in it."""
    name = _clean_name(topic.society, name, exclude=topic)
    classes = _own_classes(topic.society, deemed_classes)
    with transaction.atomic():
        before = {"name": topic.name,
                  "deemed": sorted(c.name for c in topic.deemed_classes.all())}
        topic.name = name
        topic.save(update_fields=["name"])
        topic.deemed_classes.set(classes)
        after = {"name": name, "deemed": sorted(c.name for c in classes)}
        audit.record("membership.topic.changed", society=topic.society, actor=by, obj=topic,
                     data={"before": before, "after": after})
    return topic


def retire_topic(topic: InterestTopic, *, by) -> InterestTopic:
    """A retired topic stays on old declarations and ballots but is not offered any more."""
    if topic.retired_on:
        raise InterestError("This topic is already retired.")
    with transaction.atomic():
        topic.retired_on = timezone.localdate()
        topic.save(update_fields=["retired_on"])
        audit.record("membership.topic.retired", society=topic.society, actor=by, obj=topic)
    return topic


# --- declarations ------------------------------------------------------------------------------

def _check(society, *, topics, interest_type, description, began_on, ended_on=None):
    if interest_type not in InterestType.values:
        raise InterestError("Choose the kind of interest.", field="interest_type")
    if not (description or "").strip():
        raise InterestError("Describe the interest in a sentence or two.", field="description")
    topics = list(topics)
    if not topics:
        raise InterestError("Choose at least one topic the interest is about.", field="topics")
    if any(t.society_id != society.pk for t in topics):
        raise InterestError("Choose this society's topics.", field="topics")
    today = timezone.localdate()
    if began_on and began_on > today:
        raise InterestError("The date it began cannot be in the future.", field="began_on")
    if ended_on and began_on and ended_on < began_on:
        raise InterestError("It cannot end before it began.", field="ended_on")
    return topics


def _person_name(society, user) -> str:
    from ..selectors import member_for

    member = member_for(society, user)
    return member.full_name if member else (user.display_name or user.email)


def declare(society, person, *, by, topics, interest_type: str, description: str,
            other_party: str = "", began_on: date | None = None) -> Declaration:
    """Add a declaration to the register. Side effects: audit entry."""
    topics = _check(society, topics=topics, interest_type=interest_type,
                    description=description, began_on=began_on)
    with transaction.atomic():
        declaration = Declaration.objects.create(
            society=society, person=person, person_name=_person_name(society, person),
            interest_type=interest_type, description=description.strip(),
            other_party=other_party.strip(), began_on=began_on, declared_by=by)
        declaration.topics.set(topics)
        audit.record("membership.interest.declared", society=society, actor=by,
                     obj=declaration, data={"topics": [t.name for t in topics],
                                            "type": interest_type})
    return declaration


def _latest(declaration: Declaration) -> Declaration:
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if Declaration.objects.filter(previous=declaration).exists():
        raise InterestError("This declaration has already been amended or ended. Change the "
                            "latest version instead.")
    return declaration


def amend(declaration: Declaration, *, by, note: str = "", **changes) -> Declaration:
    """Replace a declaration with a new version; the old one stays in the register."""
    with transaction.atomic():
        old = _latest(declaration)
        if old.ended_on:
            raise InterestError("This interest has ended. Declare a new one instead.")
        fields = {"topics": list(old.topics.all()), "interest_type": old.interest_type,
                  "description": old.description, "other_party": old.other_party,
                  "began_on": old.began_on} | changes
        fields["topics"] = _check(old.society, **{k: fields[k] for k in (
            "topics", "interest_type", "description", "began_on")})
        new = _new_version(old, by=by, note=note, **fields)
        audit.record("membership.interest.amended", society=old.society, actor=by, obj=new,
                     data={"previous": old.pk, "changed": sorted(changes), "note": note})
    return new


def end(declaration: Declaration, *, by, ended_on: date | None = None,
        note: str = "") -> Declaration:
    """Record that an interest has ended (a new version with the end date)."""
    ended_on = ended_on or timezone.localdate()
    with transaction.atomic():
        old = _latest(declaration)
        if old.ended_on:
            raise InterestError("This interest has already ended.")
        if old.began_on and ended_on < old.began_on:
            raise InterestError("It cannot end before it began.", field="ended_on")
        if ended_on > timezone.localdate():
            raise InterestError("The end date cannot be in the future.", field="ended_on")
        new = _new_version(old, by=by, note=note, topics=list(old.topics.all()),
                           interest_type=old.interest_type, description=old.description,
                           other_party=old.other_party, began_on=old.began_on,
                           ended_on=ended_on)
        audit.record("membership.interest.ended", society=old.society, actor=by, obj=new,
                     data={"previous": old.pk, "ended_on": ended_on, "note": note})
    return new


def _new_version(old: Declaration, *, by, note, topics, **fields) -> Declaration:
    new = Declaration.objects.create(
        society=old.society, person=old.person, person_name=old.person_name, previous=old,
        declared_by=by, change_note=note.strip(), **{
            k: v.strip() if isinstance(v, str) else v for k, v in fields.items()})
    new.topics.set(topics)
    return new
