import json
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from coop import permissions
from coop.decorators import society_context, society_view

from . import exports, selectors, services, stripe_payments
from .enums import CessationReason
from .forms import (
    ApplicationForm,
    ApproveForm,
    CessationForm,
    ClassChangeForm,
    DecideClassChangeForm,
    MemberClassFormSet,
    MemberDetailsForm,
    NewMemberClassForm,
    RegisterFilterForm,
    RejectForm,
    ResignForm,
)
from .models import Application, ClassChangeRequest, Member
from .permissions import is_current_member, is_member
from .privacy import care
from .privacy.notice import current_notice

REGISTER_PAGE_SIZE = 50


# --- public and member pages ------------------------------------------------------------------

def _awaiting_payment(society, user) -> bool:
    return user.is_authenticated and selectors.payments_awaited(society).filter(user=user).exists()


@society_view(login=False)
def society_page(request, society):
    return render(request, "membership/society.html", society_context(
        request, society, member=selectors.member_for(society, request.user),
        classes=society.member_classes.all(),
        awaiting_payment=_awaiting_payment(society, request.user)))


@society_view()
def apply(request, society):
    if services.current_membership(society, request.user):
        messages.info(request, f"You are already a member of {society.name}.")
        return redirect("my_membership", society.slug)
    if _awaiting_payment(society, request.user):
        messages.info(request, "Your application has been approved. The last step is to pay "
                               "for your share.")
        return redirect("pay", society.slug)
    initial = {"email": request.user.email}
    form = ApplicationForm(request.POST or None, society=society, initial=initial)
    if request.method == "POST" and form.is_valid():
        details = {f: form.cleaned_data[f] for f in
                   ["full_name", "address", "postcode", "email", "phone", "access_needs"]}
        try:
            services.apply_for_membership(
                society, request.user, member_class=form.cleaned_data["member_class"],
                confirmed_eligible=form.cleaned_data["confirmed_eligible"],
                confirmed_not_in_other_class=form.cleaned_data["confirmed_not_in_other_class"],
                **details, **form.preference_values())
        except services.MembershipError as error:
            form.add_service_error(error)
        else:
            return redirect("application_sent", society.slug)
    return render(request, "membership/apply.html", society_context(
        request, society, form=form, card_payments=stripe_payments.card_payments_enabled(society),
        privacy_notice=current_notice(society)))


@society_view()
def application_sent(request, society):
    application = (Application.objects.filter(society=society, user=request.user)
                   .order_by("-submitted_at").first())
    if application is None:
        raise Http404
    return render(request, "membership/application_sent.html",
                  society_context(request, society, application=application))


@society_view(is_member)
def my_membership(request, society):
    member = selectors.member_for(society, request.user)
    return render(request, "membership/my_membership.html", society_context(
        request, society, member=member, history=selectors.member_history(member)[:20],
        class_requests=member.class_requests.select_related("to_class")[:5],
        account=selectors.share_account(member)))


@society_view(is_member)
def edit_details(request, society):
    member = selectors.member_for(society, request.user)
    if not member.is_current:
        messages.error(request, "Your membership has ended, so your details cannot be changed.")
        return redirect("my_membership", society.slug)
    form = MemberDetailsForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_member_details(member, by=request.user, **form.changes())
        except services.MembershipError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Your details have been updated." if changed
                             else "Nothing was changed.")
            return redirect("my_membership", society.slug)
    return render(request, "membership/edit_details.html",
                  society_context(request, society, form=form, member=member))


@society_view(is_member)
def change_class(request, society):
    member = selectors.member_for(society, request.user)
    if not member.is_current:
        messages.error(request, "Your membership has ended, so your class cannot be changed.")
        return redirect("my_membership", society.slug)
    form = ClassChangeForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_class_change(member, to_class=form.cleaned_data["to_class"],
                                          reason=form.cleaned_data["reason"])
        except services.MembershipError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Your request has been sent. The trustees will decide.")
            return redirect("my_membership", society.slug)
    return render(request, "membership/change_class.html",
                  society_context(request, society, form=form, member=member))


@society_view(is_member)
def resign(request, society):
    member = selectors.member_for(society, request.user)
    if not member.is_current:
        messages.info(request, "Your membership has already ended.")
        return redirect("my_membership", society.slug)
    form = ResignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cease_membership(member, by=request.user, reason=CessationReason.RESIGNED)
        except services.MembershipError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "You have resigned. Your name stays on the register as a "
                                      "former member, as the law requires.")
            return redirect("my_membership", society.slug)
    # When the share money would be due back if they resigned today (the society's rules).
    repay_on = timezone.localdate() + timedelta(days=society.withdrawal_notice_days)
    return render(request, "membership/resign.html", society_context(
        request, society, form=form, member=member, repay_on=repay_on))


@society_view(is_current_member)
def inspection_copy(request, society):
    """The copy of the register any current member may inspect: no shares, no class, no care
    data. Former members (an expelled one, say) no longer see other members' addresses."""
    services.log_inspection_request(society, by=request.user)
    rows = exports.inspection_rows(society)
    if request.GET.get("format") == "csv":
        return exports.csv_response(exports.inspection_frame(rows),
                                    f"{society.slug}-register-inspection.csv")
    return render(request, "membership/inspection.html",
                  society_context(request, society, rows=rows))


@login_required
def my_data(request):
    data = selectors.personal_data(request.user)
    response = HttpResponse(json.dumps(data, cls=DjangoJSONEncoder, indent=2),
                            content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


# --- officers -------------------------------------------------------------------------------

@society_view(permissions.can_manage_register)
def applications(request, society):
    return render(request, "membership/applications.html", society_context(
        request, society, applications=selectors.pending_applications(society)))


@society_view(permissions.can_manage_register)
def application_detail(request, society, application_id):
    application = get_object_or_404(Application.objects.select_related("member_class", "user"),
                                    pk=application_id, society=society)
    approve_form = ApproveForm(prefix="approve")
    reject_form = RejectForm(prefix="reject")
    if request.method == "POST" and application.state == "pending":
        try:
            if "approve" in request.POST:
                approve_form = ApproveForm(request.POST, prefix="approve")
                if approve_form.is_valid():
                    services.approve_application(application, by=request.user)
                    messages.success(request, f"{application.full_name}'s application is "
                                              "approved. They have been asked to pay for their "
                                              "share; they become a member when it is paid.")
                    return redirect("application_detail", society.slug, application.pk)
            else:
                reject_form = RejectForm(request.POST, prefix="reject")
                if reject_form.is_valid():
                    services.reject_application(application, by=request.user,
                                                reason=reject_form.cleaned_data["reason"])
                    messages.success(request, f"{application.full_name}'s application was not "
                                              "approved. They have been told why.")
                    return redirect("applications", society.slug)
        except services.MembershipError as error:
            messages.error(request, error.message)
    sees_care = care.officer_may_see(request.user, society)
    if sees_care:
        care.log_view(application, by=request.user, where="application")
    return render(request, "membership/application_detail.html", society_context(
        request, society, application=application, approve_form=approve_form,
        reject_form=reject_form, can_see_care_data=sees_care,
        can_record_payments=permissions.can_record_payments(request.user, society)))


def _valid_filters(form) -> dict:
    """The filters that are valid; a bad one is dropped (and shown) rather than ignoring all."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


@society_view(permissions.can_view_register)
def register(request, society):
    form = RegisterFilterForm(request.GET or None, society=society)
    filters = _valid_filters(form)
    members = selectors.register(society, q=filters.get("q", ""),
                                 member_class=filters.get("member_class"),
                                 status=filters.get("status") or "current")
    page = Paginator(members, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "membership/register.html", society_context(
        request, society, form=form, page=page, query=query.urlencode()))


@society_view(permissions.can_view_register)
def register_export(request, society, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404("Exports come as .csv or .xlsx")
    form = RegisterFilterForm(request.GET or None, society=society)
    filters = _valid_filters(form)
    members = selectors.register(society, q=filters.get("q", ""),
                                 member_class=filters.get("member_class"),
                                 status=filters.get("status") or "all")
    frame = exports.register_frame(members)
    services.log_register_export(society, by=request.user, fmt=fmt, rows=len(frame))
    name = f"{society.slug}-register-of-members"
    if fmt == "xlsx":
        return exports.xlsx_response(frame, f"{name}.xlsx", sheet="Register of members")
    return exports.csv_response(frame, f"{name}.csv")


@society_view(permissions.can_view_register)
def member_detail(request, society, number):
    member = get_object_or_404(Member.objects.select_related("member_class"), society=society,
                               membership_number=number)
    can_manage = permissions.can_manage_register(request.user, society)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied("Only the secretary and trustees can end a membership.")
    can_record_death = permissions.can_record_death_or_expulsion(request.user, society)
    form = CessationForm(request.POST or None) if can_manage else None
    if form is not None and not can_record_death:
        form.fields["reason"].choices = [(CessationReason.RESIGNED.value, "Resigned")]
    if request.method == "POST" and can_manage and form.is_valid():
        try:
            services.cease_membership(member, by=request.user, **form.cleaned_data)
        except services.MembershipError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"{member.full_name}'s membership has ended. "
                                      "They stay on the register as a former member.")
            return redirect("member_detail", society.slug, number)
    sees_care = care.officer_may_see(request.user, society)
    if sees_care:
        care.log_view(member, by=request.user, where="register entry")
    return render(request, "membership/member_detail.html", society_context(
        request, society, member=member,
        history=selectors.member_history(member, with_care_data=sees_care),
        form=form, can_manage=can_manage,
        can_record_payments=permissions.can_record_payments(request.user, society),
        can_see_care_data=sees_care,
        account=selectors.share_account(member)))


@society_view(permissions.can_manage_register)
def class_changes(request, society):
    return render(request, "membership/class_changes.html", society_context(
        request, society, requests=selectors.pending_class_changes(society)))


@society_view(permissions.can_manage_register)
def decide_class_change(request, society, request_id):
    change = get_object_or_404(ClassChangeRequest.objects.select_related(
        "member", "from_class", "to_class"), pk=request_id, member__society=society)
    form = DecideClassChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_class_change(change, by=request.user,
                                         approve=form.cleaned_data["decision"] == "approve",
                                         note=form.cleaned_data["note"])
        except services.MembershipError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The decision has been recorded and the member told.")
            return redirect("class_changes", society.slug)
    return render(request, "membership/decide_class_change.html",
                  society_context(request, society, change=change, form=form))


@society_view(permissions.can_manage_rules)
def member_classes(request, society):
    queryset = society.member_classes.all()
    formset = MemberClassFormSet(request.POST if "save" in request.POST else None,
                                 queryset=queryset, prefix="classes")
    new_form = NewMemberClassForm(request.POST if "add" in request.POST else None, prefix="new")
    if request.method == "POST":
        try:
            if "save" in request.POST and formset.is_valid():
                # The formset's own "id" is the instance; the service wants the key.
                rows = [{**f.cleaned_data, "id": f.instance.pk} for f in formset.forms]
                services.save_member_classes(society, rows, by=request.user)
                messages.success(request, "The member classes have been saved.")
                return redirect("member_classes", society.slug)
            if "add" in request.POST and new_form.is_valid():
                rows = [{"id": c.pk, "name": c.name, "description": c.description,
                         "eligibility": c.eligibility, "votes": c.votes, "weight": c.weight,
                         "board_seats": c.board_seats}
                        for c in queryset]
                rows.append({"id": None, "weight": 0, **new_form.cleaned_data})
                services.save_member_classes(society, rows, by=request.user)
                messages.success(request, f"The class “{new_form.cleaned_data['name']}” "
                                          "has been added with no weight (0 parts).")
                return redirect("member_classes", society.slug)
        except services.MembershipError as error:
            messages.error(request, error.message)
    return render(request, "membership/classes.html", society_context(
        request, society, formset=formset, new_form=new_form))
