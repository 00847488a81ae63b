"""Factories for tests. Societies get their three default classes through the service."""

import factory
from django.utils import timezone

from coop.models import Officer, Society, User
from coop.services import create_society
from membership.models import Application, Member
from membership.services import next_membership_number


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name", locale="en_GB")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Give the user a verified primary email address, as allauth expects."""
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


def make_society(name="Test Co-op", slug=None, **rules) -> Society:
    return create_society(name=name, slug=slug or "", **rules)


class SocietyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Society

    name = factory.Sequence(lambda n: f"Co-op {n}")
    slug = factory.Sequence(lambda n: f"coop-{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return create_society(**kwargs)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    society = factory.SubFactory(SocietyFactory)
    user = factory.SubFactory(UserFactory)
    member_class = factory.LazyAttribute(lambda o: o.society.member_classes.first())
    membership_number = factory.LazyAttribute(lambda o: next_membership_number(o.society))
    full_name = factory.Faker("name", locale="en_GB")
    address = factory.Faker("street_address", locale="en_GB")
    postcode = factory.Faker("postcode", locale="en_GB")
    email = factory.LazyAttribute(lambda o: o.user.email)
    admitted_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=30))
    shares_held = 1
    amount_paid = factory.LazyAttribute(lambda o: o.society.share_value)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    society = factory.SubFactory(SocietyFactory)
    user = factory.SubFactory(UserFactory)
    member_class = factory.LazyAttribute(lambda o: o.society.member_classes.first())
    full_name = factory.Faker("name", locale="en_GB")
    address = factory.Faker("street_address", locale="en_GB")
    postcode = factory.Faker("postcode", locale="en_GB")
    email = factory.LazyAttribute(lambda o: o.user.email)
    confirmed_eligible = True
    confirmed_not_in_other_class = True


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    society = factory.SubFactory(SocietyFactory)
    user = factory.SubFactory(UserFactory)
    role = "secretary"
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=365))
