"""Pages that put the apps together: the home page and the officers' dashboard.

Part of the composition root (with coop/urls.py, coop/api_urls.py and coop/demo.py): the only
modules of `coop` allowed to import the apps built on it (see .importlinter).
"""

from django.shortcuts import render

from meetings import permissions as meeting_permissions
from meetings import selectors as meetings
from meetings.models import AgendaItem
from meetings.selectors import upcoming_meetings_for
from membership.reports import withdrawals_owed
from membership.selectors import (
    home_summary,
    payments_awaited,
    pending_applications,
    pending_class_changes,
)
from voting.selectors import open_ballots_for

from . import permissions, selectors
from .decorators import society_context, society_view
from .models import Society


def home(request):
    """Signed in: each membership and office at a glance. Otherwise: what this is, how to join."""
    if not request.user.is_authenticated:
        return render(request, "coop/landing.html",
                      {"societies": Society.objects.order_by("name")})

    summary = home_summary(request.user)
    current = [i["member"] for i in summary if i["member"] and i["member"].is_current]
    ballots = open_ballots_for(current)
    upcoming = upcoming_meetings_for(current)
    for item in summary:
        item["ballots"] = ballots.get(item["society"].pk, [])
        item["meetings"] = upcoming.get(item["society"].pk, [])
    return render(request, "coop/home.html", {
        "summary": summary,
        "other_societies": Society.objects.exclude(
            pk__in=[s.pk for s in selectors.societies_for_user(request.user)]),
    })


@society_view(permissions.is_officer)
def officer_dashboard(request, society):
    can_record_payments = permissions.can_record_payments(request.user, society)
    return render(request, "coop/officer_dashboard.html", society_context(
        request, society,
        roles=sorted(permissions.current_roles(request.user, society)),
        pending_count=pending_applications(society).count(),
        class_change_count=pending_class_changes(society).count(),
        can_manage_rules=permissions.can_manage_rules(request.user, society),
        can_view_audit=permissions.can_view_audit_log(request.user, society),
        can_record_payments=can_record_payments,
        can_manage_card_account=permissions.can_manage_card_account(request.user, society),
        **(money_counts(society) if can_record_payments else {}),
        **meeting_duties(request.user, society),
    ))


def meeting_duties(user, society) -> dict:
    """What general meetings ask of the officers: the AGM falling due, requisitions that
    have enough support and no meeting yet, and meetings happening now."""
    live = list(meetings.live_meetings(society).order_by("starts_at"))
    counting = bool(live) and meeting_permissions.can_count_hands(user, society)
    return {
        "agm_warning": meetings.agm_warning(society),
        "requisitions_reached": list(meetings.open_requisitions(society)
                                     .filter(reached_at__isnull=False)),
        "live_meetings": live,
        # Tellers who are not the chair reach the count from here.
        "votes_to_count": list(AgendaItem.objects.filter(
            meeting__in=live, ballot__opened_at__isnull=False, ballot__closed_at__isnull=True,
            withdrawn_at__isnull=True).order_by("position")) if counting else [],
        "can_manage_meetings": meeting_permissions.can_manage_meetings(user, society),
        "can_chair": meeting_permissions.can_chair(user, society),
    }


def money_counts(society) -> dict:
    """What waits for the treasurer: applicants to pay, share money to pay back."""
    return {"awaiting_payment_count": payments_awaited(society).count(),
            "owed_count": withdrawals_owed(society).count()}
