"""Factories for tests. Societies get their three default classes through the service.

Members' shares agree with the share ledger: a member made here with shares has the ledger
line and the confirmed payment (made another way) that the register's shares column sums. To
go through the real flow (apply, approve, pay) use `join()`."""

from decimal import Decimal

import factory
from django.utils import timezone

from coop.models import Officer, Society, User
from coop.services import create_society
from membership.enums import PaymentMethod, ShareTransactionKind
from membership.models import Application, Member, Payment, ShareTransaction
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
    """A register entry admitted 30 days ago holding one share, with its ledger line and
    payment. `shares_held=0` makes an entry with no share and no ledger."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

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
    amount_paid = factory.LazyAttribute(lambda o: o.shares_held * o.society.share_value)

    @factory.post_generation
    def ledger(obj, create, extracted, **kwargs):
        """The payment and issue that the register's shares column sums (two inserts)."""
        if not create or obj.shares_held <= 0:
            return
        payment = Payment.objects.create(
            society=obj.society, member=obj, method=PaymentMethod.OTHER, amount=obj.amount_paid,
            reference=f"M{obj.membership_number}", received_on=obj.admitted_on,
            confirmed_at=timezone.now())
        ShareTransaction.objects.create(
            member=obj, kind=ShareTransactionKind.ISSUE, shares=obj.shares_held,
            amount=obj.amount_paid, on=obj.admitted_on, reason="Share bought on joining",
            payment=payment)


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

    class Params:
        # Approved and waiting for the share to be paid.
        approved = factory.Trait(approved_at=factory.LazyFunction(timezone.now))


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    society = factory.SubFactory(SocietyFactory)
    user = factory.SubFactory(UserFactory)
    role = "secretary"
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=365))


def join(society, *, by, user=None, member_class=None, amount: Decimal | None = None,
         method: str = PaymentMethod.CASH, received_on=None, **details) -> Member:
    """The whole way in, through the services: apply, approve, pay another way."""
    from membership.services import apply_for_membership, approve_application
    from membership.shares import record_offline_payment

    user = user or UserFactory()
    details = {"full_name": "Alex Morgan", "address": "1 Mill Lane\nSheffield",
               "postcode": "S1 2AB", "email": user.email, **details}
    application = apply_for_membership(
        society, user, member_class=member_class or society.member_classes.first(),
        confirmed_eligible=True, confirmed_not_in_other_class=True, **details)
    approve_application(application, by=by)
    payment = record_offline_payment(
        application=application, method=method, amount=amount or society.share_value,
        received_on=received_on or timezone.localdate(), by=by)
    return payment.member
