"""Demo register of interests: a trustee with a family link to a supplier whose annual
return is due within a month (and has been reminded), another trustee's recent nil return, a
carer's declared interest, and the secretary's overdue return."""

from datetime import timedelta

from django.utils import timezone

from ..models import InterestTopic, OfficerReturn
from . import returns, services


def seed(society, *, users: dict) -> None:
    topics = {t.name: t for t in InterestTopic.objects.filter(society=society)}
    today = timezone.localdate()
    chair = users["trustee1@demo.coop"]
    services.declare(
        society, chair, by=chair, topics=[topics["Contracts and suppliers"]],
        interest_type="family", other_party="Caring Hands Ltd",
        description="My sister is a director of Caring Hands Ltd, which supplies the co-op's "
                    "out-of-hours cover.", began_on=today - timedelta(days=900))
    last_year = returns.make_return(society, chair, nil=False, by=chair)
    OfficerReturn.objects.filter(pk=last_year.pk).update(
        made_at=timezone.now() - timedelta(days=350))
    trustee2 = users["trustee2@demo.coop"]
    returns.make_return(society, trustee2, nil=True, by=trustee2)
    carer = users["carer@demo.coop"]
    services.declare(
        society, carer, by=carer, topics=[topics["New services for carers"]],
        interest_type="personal", description="I would use a carers' respite service myself.",
        began_on=today - timedelta(days=200))
    returns.send_return_reminders(society, today)  # the chair's is due soon; the secretary's late
