from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import hooks, permissions, selectors, services
from .api_auth import create_token, revoke_token
from .decorators import society_context, society_view
from .forms import SocietyRulesForm
from .models import ApiToken, Officer, Society
from .officer_forms import AppointOfficerForm, TokenForm

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
                          "trustee_term_years", "post_deemed_delivery_hours"]),
    ("Proxies", ["proxies_allowed", "max_proxies_per_holder", "proxy_deadline_unit",
                 "proxy_deadline_clear_days", "proxy_deadline_hours"]),
    ("Voting ahead of a meeting", ["allow_advance_votes", "advance_votes_close_hours"]),
    ("Voting", ["empty_class_policy", "conflict_policy", "class_breakdown_minimum",
                "max_voters_helped_per_ballot"]),
    ("Surplus", ["reserve_rule", "reserve_percent", "reserve_fixed", "not_cast_money",
                 "asset_lock"]),
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
    ending = hooks.answers(hooks.terms_ending, society=society)
    next_agm, retiring = ending[0] if ending else (None, set())
    for officer in officers:
        officer.retiring_at = next_agm if officer.pk in retiring else None
    return render(request, "coop/officers.html", society_context(
        request, society, officers=officers, form=form, can_manage=can_manage,
        next_agm=next_agm))


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
