"""Reads for the register of interests, shared by pages, the API, ballots and meetings."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from coop.models import Officer

from ..models import Declaration, InterestTopic, Member


@dataclass(frozen=True)
class Match:
    """One reason a person has an interest in a topic: their declaration, or their class."""

    topic: InterestTopic
    declaration: Declaration | None = None
    member_class: object = None

    @property
    def deemed(self) -> bool:
        return self.declaration is None

    def __str__(self):
        if self.deemed:
            return (f"{self.topic.name}: every {self.member_class.name.lower()} is treated as "
                    "having an interest")
        return f"{self.topic.name}: {self.declaration.description}"


def topics(society, *, include_retired: bool = False):
    qs = InterestTopic.objects.filter(society=society).prefetch_related("deemed_classes")
    return qs if include_retired else qs.filter(retired_on__isnull=True)


def _declarations(society):
    return (Declaration.objects.filter(society=society)
            .prefetch_related(Prefetch("topics", queryset=InterestTopic.objects.order_by(
                "position", "id"))))


def matching_interests_for_people(society, user_ids, topic_ids, on=None) -> dict[int, list]:
    """For each person: their current declared and deemed interests in any of `topic_ids`.
    Four queries whatever the number of people (used for the roll and for meetings)."""
    topic_ids = set(topic_ids)
    user_ids = set(user_ids)
    found: dict[int, list[Match]] = {}
    if not topic_ids or not user_ids:
        return found
    on = on or timezone.localdate()
    for declaration in _declarations(society).current(on).filter(
            person_id__in=user_ids, topics__in=topic_ids).distinct():
        for topic in declaration.topics.all():
            if topic.pk in topic_ids:
                found.setdefault(declaration.person_id, []).append(
                    Match(topic, declaration=declaration))
    deemed = {}
    for link in InterestTopic.deemed_classes.through.objects.filter(
            interesttopic_id__in=topic_ids).select_related("interesttopic", "memberclass"):
        deemed.setdefault(link.memberclass_id, []).append((link.interesttopic, link.memberclass))
    if deemed:
        members = Member.objects.current(on).filter(
            society=society, user_id__in=user_ids, member_class_id__in=deemed)
        for user_id, class_id in members.values_list("user_id", "member_class_id"):
            for topic, cls in deemed[class_id]:
                found.setdefault(user_id, []).append(Match(topic, member_class=cls))
    return found


def matching_interests(society, user, topic_ids, on=None) -> list[Match]:
    return matching_interests_for_people(society, [user.pk], topic_ids, on).get(user.pk, [])


def officer_ids(society, on=None) -> set[int]:
    on = on or timezone.localdate()
    return set(Officer.objects.filter(society=society, started_on__lte=on).exclude(
        ended_on__lt=on).values_list("user_id", flat=True))


def register(society, *, topic=None, person=None, interest_type: str = "",
             status: str = "current"):
    """The officers' view: latest versions, filtered. status: current, ended or all."""
    qs = _declarations(society).latest_versions().select_related("person")
    today = timezone.localdate()
    if status == "current":
        qs = qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
    elif status == "ended":
        qs = qs.filter(ended_on__lte=today)
    if topic is not None:
        qs = qs.filter(topics=topic)
    if person is not None:
        qs = qs.filter(person=person)
    if interest_type:
        qs = qs.filter(interest_type=interest_type)
    return qs.order_by("person_name", "-declared_at").distinct()


def own_declarations(society, user):
    """Every version of the person's own declarations, newest first."""
    return _declarations(society).filter(person=user).select_related("previous")


def officers_current(society):
    """Officers' current declarations: every member may see these (transparency)."""
    return _declarations(society).current().filter(person_id__in=officer_ids(society)).order_by(
        "person_name", "-declared_at")


def history(declaration: Declaration) -> list[Declaration]:
    """All versions of a declaration, oldest first."""
    versions = [declaration]
    while versions[0].previous_id:
        versions.insert(0, Declaration.objects.get(pk=versions[0].previous_id))
    successor = Declaration.objects.filter(previous=versions[-1]).first()
    while successor is not None:
        versions.append(successor)
        successor = Declaration.objects.filter(previous=successor).first()
    return versions
