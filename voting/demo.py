"""Demo ballots: one open resolution and one open choice (the demo logins have not voted in
either), a published resolution, a published class election counted by STV, and a draft."""

import io
import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from membership.models import InterestTopic

from . import conflicts, services
from .conflicts import InterestAnswer
from .enums import BallotKind, Weighting
from .models import Ballot


def _boat() -> ContentFile:
    """A small drawing of a narrowboat, made here so the demo ships no binary file: an
    officer's own picture for one option, as officers add through the ballot page."""
    picture = Image.new("RGB", (240, 160), "#d2e2f1")
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, 110, 240, 160], fill="#1d70b8")
    draw.polygon([(20, 85), (220, 85), (200, 115), (40, 115)], fill="#00703c",
                 outline="#0b0c0c", width=3)
    draw.rectangle([60, 60, 180, 85], fill="#d4351c", outline="#0b0c0c", width=3)
    for x in (75, 105, 135, 160):
        draw.rectangle([x, 66, x + 12, 78], fill="#ffdd00")
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="boat.png")


def _vote_randomly(ballot, members, rng, leaning: dict[str, float]):
    options = list(ballot.options.all())
    for member in members:
        if rng.random() < 0.2:
            continue  # not everyone votes
        if ballot.kind == BallotKind.RANKED:
            order = sorted(options, key=lambda o: rng.random() - leaning.get(o.label, 0))
            choices = {o.pk: rank for rank, o in enumerate(order[:rng.randint(1, 3)], 1)}
        else:
            weights = [1 + leaning.get(o.label, 0) for o in options]
            choices = {rng.choices(options, weights)[0].pk: 1}
        prompt = conflicts.prompt_for(ballot, member)
        answer = InterestAnswer(confirmed=prompt.has_interest,
                                none_to_declare=not prompt.has_interest)
        services.cast_vote(ballot, member, choices, interest=answer)


def finish(ballot, *, secretary, scrutineer, days_ago: int):
    """Move a ballot into the past, then close, certify and publish it through the
    services (only its dates are shortcuts). Public, so other apps' demos can use it."""
    now = timezone.now()
    opened = now - timedelta(days=days_ago + 14)
    Ballot.objects.filter(pk=ballot.pk).update(
        opened_at=opened, opens_at=opened, closes_at=now - timedelta(days=days_ago),
        created_at=now - timedelta(days=days_ago + 20))
    ballot = services.record_closing(Ballot.objects.get(pk=ballot.pk))
    services.certify_ballot(ballot, by=scrutineer, note="Counted online and paper returns.")
    return services.publish_ballot(ballot, by=secretary)


def seed(society, *, secretary, scrutineer, spare_emails: set[str]) -> None:
    rng = random.Random(4)
    in_week = timezone.now() + timedelta(days=7)
    voters = [m for m in society.members.current().select_related("user")
              if m.user.email not in spare_emails]

    past = services.create_ballot(
        society, by=secretary, title="Accept last year's accounts",
        summary="The trustees ask members to accept the accounts for the year to 31 March.",
        easy_read_summary="We spent money last year. We wrote down how. Do you agree it is "
                          "right?")
    past = services.open_ballot(past, by=secretary, closes_at=in_week)
    _vote_randomly(past, voters, rng, {"For": 4})
    finish(past, secretary=secretary, scrutineer=scrutineer, days_ago=60)

    pas = society.member_classes.order_by("position")[2]
    election = services.create_ballot(
        society, by=secretary, title="Elect two trustees for personal assistants",
        summary="Personal assistants elect two trustees to the board for three years.",
        kind=BallotKind.RANKED, weighting=Weighting.ONE_MEMBER_ONE_VOTE, seats=2,
        only_class=pas, options=["Kim Ahmed", "Lee Brown", "Mo Clarke", "Nia Davies"])
    election = services.open_ballot(election, by=secretary, closes_at=in_week)
    _vote_randomly(election, [m for m in voters if m.member_class_id == pas.pk], rng,
                   {"Kim Ahmed": 0.5, "Mo Clarke": 0.3})
    finish(election, secretary=secretary, scrutineer=scrutineer, days_ago=30)

    pa_pay = InterestTopic.objects.get(society=society, name="PA pay and conditions")
    past_pay = services.create_ballot(
        society, by=secretary, title="Give PAs a one-off £200 winter payment",
        summary="Use £4,000 of last year's surplus for a one-off payment of £200 to each "
                "personal assistant.",
        easy_read_summary="Should each PA get £200 extra this winter? It costs £4,000.",
        topics=[pa_pay])
    past_pay = services.open_ballot(past_pay, by=secretary, closes_at=in_week)
    _vote_randomly(past_pay, voters, rng, {"For": 1.2})
    finish(past_pay, secretary=secretary, scrutineer=scrutineer, days_ago=90)

    pay_rise = services.create_ballot(
        society, by=secretary, title="Raise PA pay by 3% from April",
        summary="Raise every personal assistant's hourly pay by 3% from 1 April. It would cost "
                "about £9,000 a year.",
        easy_read_summary="Should PAs get 3% more pay for each hour? It costs about £9,000 "
                          "a year.", topics=[pa_pay])
    pay_rise = services.open_ballot(pay_rise, by=secretary, closes_at=in_week)
    _vote_randomly(pay_rise, voters, rng, {"For": 1})

    training = services.create_ballot(
        society, by=secretary, title="Pay for PA training from co-op funds",
        summary="Should the co-op pay for first-aid and moving-and-handling training for "
                "every personal assistant, up to £3,000 a year?",
        easy_read_summary="Should the co-op pay for training for PAs? It costs up to £3,000 "
                          "a year.", allow_vote_changes=True)
    training = services.open_ballot(training, by=secretary, closes_at=in_week)
    _vote_randomly(training, voters, rng, {"For": 2})

    social = services.create_ballot(
        society, by=secretary, title="Where should the summer social be?",
        summary="Pick one place for this year's summer get-together. All three are "
                "step-free and have accessible toilets.", kind=BallotKind.CHOICE,
        options=["Botanical Gardens", "Community hall", "Canal boat trip"])
    services.set_option_picture(social.options.get(label="Canal boat trip"), image=_boat(),
                                alt_text="Drawing of a narrowboat on the canal",
                                by=secretary)
    services.open_ballot(social, by=secretary, closes_at=in_week + timedelta(days=3))

    services.create_ballot(
        society, by=secretary, title="Change the rules on proxy votes",
        summary="Draft: let members appoint a proxy up to one day before a meeting.",
        resolution_kind="special")
