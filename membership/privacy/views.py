"""Pages for personal data: the privacy notice (everyone; officers edit it), a member's consent
choices, an officer's subject access copy, and acting on an erasure request."""

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from coop import permissions
from coop.decorators import society_context, society_view

from .. import consent, selectors
from ..enums import ConsentMethod, ErasureOutcome
from ..models import Member
from ..services import MembershipError
from . import erasure, notice
from .forms import ConsentForm, ErasureDecisionForm, ErasureRequestForm, PrivacyNoticeForm


@society_view(login=False)
def privacy_notice(request, society):
    return render(request, "membership/privacy/notice.html", society_context(
        request, society, notice=notice.current_notice(society),
        versions=notice.versions(society),
        can_edit=permissions.can_manage_rules(request.user, society)))


@society_view(permissions.can_manage_rules)
def edit_privacy_notice(request, society):
    current = notice.current_notice(society)
    form = PrivacyNoticeForm(request.POST or None, initial={"text": current.text})
    if request.method == "POST" and form.is_valid():
        try:
            notice.publish(society, by=request.user, **form.cleaned_data)
        except MembershipError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The new version of the privacy notice is saved. Earlier "
                                      "versions are kept.")
            return redirect("privacy_notice", society.slug)
    status = 400 if form.errors else 200
    return render(request, "membership/privacy/notice_edit.html",
                  society_context(request, society, form=form), status=status)


def _current_member(user, society) -> bool:
    member = selectors.member_for(society, user)
    return member is not None and member.is_current


@society_view(_current_member)
def my_consents(request, society):
    member = selectors.member_for(society, request.user)
    form = ConsentForm(request.POST if request.method == "POST" else None,
                       current=consent.current_choices(member))
    if request.method == "POST" and form.is_valid():
        for purpose, given in form.cleaned_data.items():
            consent.record_consent(member, purpose=purpose, given=given,
                                   method=ConsentMethod.WEBSITE)
        messages.success(request, "Your choices are saved.")
        return redirect("my_consents", society.slug)
    return render(request, "membership/privacy/consents.html", society_context(
        request, society, form=form, member=member,
        history=member.consents.order_by("-at", "-id")))


@society_view(permissions.can_manage_register)
def subject_access_copy(request, society, number):
    """The copy an officer sends for a subject access request to this society."""
    member = get_object_or_404(Member, society=society, membership_number=number)
    data = selectors.personal_data(member.user, society)
    response = HttpResponse(json.dumps(data, cls=DjangoJSONEncoder, indent=2),
                            content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="{society.slug}-member-{number}-data.json"')
    return response


@society_view(permissions.can_manage_register)
def erasure_request(request, society, number):
    member = get_object_or_404(Member.objects.select_related("society"), society=society,
                               membership_number=number)
    pending = member.erasure_requests.filter(decided_at__isnull=True).first()
    record_form = ErasureRequestForm(request.POST if "record" in request.POST else None,
                                     prefix="record")
    decide_form = ErasureDecisionForm(request.POST if "decide" in request.POST else None,
                                      prefix="decide")
    try:
        if "record" in request.POST and record_form.is_valid():
            erasure.record_request(member, by=request.user, **record_form.cleaned_data)
            messages.success(request, "The request is recorded. Decide on it below.")
            return redirect("erasure_request", society.slug, number)
        if "decide" in request.POST and pending and decide_form.is_valid():
            done = erasure.decide(pending, by=request.user, **decide_form.cleaned_data)
            messages.success(request, "The decision is recorded: "
                             + ErasureOutcome(done.outcome).label + ".")
            return redirect("erasure_request", society.slug, number)
    except MembershipError as error:
        (decide_form if "decide" in request.POST else record_form).add_service_error(error)
    status = 400 if record_form.errors or decide_form.errors else 200
    return render(request, "membership/privacy/erasure.html", society_context(
        request, society, member=member, plan=erasure.erasure_plan(member), pending=pending,
        record_form=record_form, decide_form=decide_form,
        past=member.erasure_requests.filter(decided_at__isnull=False)), status=status)
