from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import permissions, selectors, services
from .api_auth import create_token, revoke_token
from .decorators import society_context, society_view
from .forms import SocietyRulesForm
from .models import ApiToken, Officer, Society
from .officer_forms import AppointOfficerForm, TokenForm


def home(request):
    """Signed in: each membership and office at a glance. Otherwise: what this is, how to join."""
    if not request.user.is_authenticated:
        return render(request, "coop/landing.html",
                      {"societies": Society.objects.order_by("name")})
    from membership.selectors import home_summary
    from voting.selectors import open_ballots_for

    from .meetings.selectors import upcoming_meetings_for

    summary = home_summary(request.user)
    current = [i["member"] for i in summary if i["member"] and i["member"].is_current]
    ballots = open_ballots_for(current)
    meetings = upcoming_meetings_for(current)
    for item in summary:
        item["ballots"] = ballots.get(item["society"].pk, [])
        item["meetings"] = meetings.get(item["society"].pk, [])
    return render(request, "coop/home.html", {
        "summary": summary,
        "other_societies": Society.objects.exclude(
            pk__in=[s.pk for s in selectors.societies_for_user(request.user)]),
    })


@society_view(permissions.is_officer)
def officer_dashboard(request, society):
    from membership.selectors import pending_applications, pending_class_changes

    can_record_payments = permissions.can_record_payments(request.user, society)
    return render(request, "coop/officer_dashboard.html", society_context(
        request, society,
        roles=sorted(permissions.current_roles(request.user, society)),
        pending_count=pending_applications(society).count(),
        class_change_count=pending_class_changes(society).count(),
        can_manage_rules=permissions.can_manage_rules(request.user, society),
        can_view_audit=permissions.can_view_audit_log(request.user, society),
        can_record_payments=can_record_payments,
        **(_money_counts(society) if can_record_payments else {}),
        **_meeting_duties(request.user, society),
    ))


def _meeting_duties(user, society) -> dict:
    """What general meetings ask of the officers: the AGM falling due, requisitions that
    have enough support and no meeting yet, and meetings happening now."""
    from meetings import permissions as meeting_permissions
    from meetings import selectors as meetings
    from meetings.models import AgendaItem

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


def _money_counts(society) -> dict:
    """What waits for the treasurer: applicants to pay, share money to pay back."""
    from membership.reports import withdrawals_owed
    from membership.shares import payments_awaited

    return {"awaiting_payment_count": payments_awaited(society).count(),
            "owed_count": withdrawals_owed(society).count()}


# The rules page in sections, so that the share rules sit together and apart from meetings.
RULE_SECTIONS = [
    ("About the society", ["name", "registration_number", "address", "contact_email"]),
    ("Financial year", ["financial_year_end_day", "financial_year_end_month"]),
    ("Shares", ["share_value", "multiple_shares_allowed", "max_holding", "payment_instructions"]),
    ("When a member leaves", ["shares_withdrawable", "withdrawal_notice_days",
                              "withdrawals_suspended"]),
    ("General meetings", ["notice_clear_days", "quorum_minimum", "quorum_percent",
                          "quorum_counts_proxies", "special_resolution_percent",
                          "online_meetings_allowed", "hybrid_meetings_allowed",
                          "agm_months_after_year_end", "agm_max_months_between",
                          "requisition_percent", "requisition_maximum",
                          "trustee_term_years"]),
    ("Proxies", ["proxies_allowed", "max_proxies_per_holder", "proxy_deadline_clear_days"]),
    ("Voting", ["empty_class_policy", "conflict_policy", "class_breakdown_minimum"]),
    ("Surplus", ["reserve_rule", "reserve_percent", "reserve_fixed", "asset_lock"]),
    ("Keeping personal data", ["register_retention_years", "contact_retention_years",
                               "declaration_retention_years", "proxy_retention_years",
                               "attendance_retention_years", "nomination_retention_years",
                               "ballot_challenge_days"]),
]


def rule_sections(form) -> list[tuple[str, list]]:
    """(legend, bound fields) for each section; a field no section names goes in "Other"."""
    named = {name for _, names in RULE_SECTIONS for name in names}
    sections = [(legend, [form[n] for n in names if n in form.fields])
                for legend, names in RULE_SECTIONS]
    others = [form[n] for n in form.fields if n not in named]
    return [s for s in sections + [("Other rules", others)] if s[1]]


@society_view(permissions.can_manage_rules)
def society_rules(request, society):
    form = SocietyRulesForm(request.POST or None, instance=Society.objects.get(pk=society.pk))
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            services.update_rules(society, by=request.user, **changes)
        except services.CoopError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The society's rules have been saved.")
            return redirect("society_rules", society.slug)
    return render(request, "coop/rules.html", society_context(
        request, society, form=form, sections=rule_sections(form)))


@society_view(permissions.is_officer)
def officers_register(request, society):
    can_manage = permissions.can_manage_officers(request.user, society)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied("Only the chair and the secretary can change the officers.")
    form = AppointOfficerForm(request.POST or None) if can_manage else None
    if request.method == "POST" and can_manage and form.is_valid():
        try:
            services.appoint_officer(society, user=form.cleaned_data["user"],
                                     role=form.cleaned_data["role"],
                                     started_on=form.cleaned_data["started_on"],
                                     by=request.user,
                                     sees_access_needs=form.cleaned_data["sees_access_needs"])
        except services.CoopError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The officer has been added to the register.")
            return redirect("officers_register", society.slug)
    officers = list(selectors.officers_register(society))
    next_agm, retiring = _retiring_at_next_agm(society)
    for officer in officers:
        officer.retiring_at = next_agm if officer.pk in retiring else None
    return render(request, "coop/officers.html", society_context(
        request, society, officers=officers, form=form, can_manage=can_manage,
        next_agm=next_agm))


def _retiring_at_next_agm(society):
    """The next AGM whose notice has gone out, and the trustees whose term ends by it."""
    from meetings.elections import retiring_trustees
    from meetings.selectors import next_agm

    meeting = next_agm(society)
    if meeting is None:
        return None, set()
    return meeting, set(retiring_trustees(meeting).values_list("pk", flat=True))


@require_POST
@society_view(permissions.can_manage_officers)
def end_office(request, society, officer_id):
    officer = get_object_or_404(Officer, pk=officer_id, society=society)
    try:
        services.end_office(officer, by=request.user)
    except services.CoopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{officer.user}'s term as {officer.get_role_display().lower()} "
                                  "has ended.")
    return redirect("officers_register", society.slug)


@society_view(permissions.can_view_audit_log)
def audit_log(request, society):
    page = Paginator(selectors.audit_log(society), 50).get_page(request.GET.get("page"))
    return render(request, "coop/audit_log.html", society_context(
        request, society, page=page, entries=selectors.readable_entries(page.object_list)))


@login_required
def account_settings(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _, new_key = create_token(request.user, form.cleaned_data["name"])
        form = TokenForm()
    return render(request, "coop/account.html", {
        "form": form, "new_key": new_key,
        "tokens": request.user.api_tokens.all(),
    })


@require_POST
@login_required
def revoke_api_token(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    revoke_token(token, by=request.user)
    messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("account_settings")
