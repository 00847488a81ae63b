"""Membership's answers to the ground's hooks (coop/hooks.py), connected in its AppConfig."""

from django.db.models import Exists, OuterRef
from django.dispatch import receiver

from coop import hooks
from coop.easy_read import reading_choice

from .interests.services import seed_topics
from .models import Member
from .selectors import member_for
from .services import create_default_classes


@receiver(hooks.society_created, dispatch_uid="membership.society_created")
def set_up_new_society(*, society, **kwargs):
    """A new society starts with the three default classes and the standard interest topics."""
    create_default_classes(society)
    seed_topics(society)


@receiver(hooks.belonging, dispatch_uid="membership.belonging")
def current_member_of(*, user, **kwargs):
    return Exists(Member.objects.filter(society=OuterRef("pk"), user=user,
                                        ceased_on__isnull=True))


@receiver(hooks.society_page_context, dispatch_uid="membership.society_page_context")
def membership_context(*, request, society, **kwargs) -> dict:
    member = member_for(society, request.user)
    return {"is_member_here": member is not None,
            "is_current_member_here": member is not None and member.is_current,
            **reading_choice(request, prefers_easy_read=bool(member and member.easy_read))}
