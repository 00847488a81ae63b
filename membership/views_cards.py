"""Pages for card payments beyond the joining share: the society's own Stripe account
(Connect onboarding and its status), a member buying extra shares by card, and the letters
telling payers about held payments that the officers post. Each view: permission, form, one
service call."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coop import permissions
from coop.decorators import society_context, society_view

from . import payer_notices, selectors, services, stripe_payments
from .enums import PaymentMethod
from .forms import ExtraSharesForm
from .models import PayerNotice, StripeAccount
from .permissions import is_member

# --- the society's own Stripe account -----------------------------------------------------------


@society_view(permissions.can_manage_card_account)
def card_account(request, society):
    account = StripeAccount.objects.filter(society=society).first()
    return render(request, "membership/card_account.html", society_context(
        request, society, account=account, connect=stripe_payments.connect_available(),
        ready=stripe_payments.card_payments_enabled(society)))


@require_POST
@society_view(permissions.can_manage_card_account)
def connect_card_account(request, society):
    """Send the treasurer to Stripe's onboarding pages for the society's account."""
    def back(name):
        return request.build_absolute_uri(reverse(name, args=[society.slug]))
    try:
        url = stripe_payments.start_onboarding(
            society, by=request.user, return_url=back("card_account_return"),
            refresh_url=back("card_account_refresh"))
    except services.MembershipError as error:
        messages.error(request, error.message)
        return redirect("card_account", society.slug)
    return redirect(url)


@society_view(permissions.can_manage_card_account)
def card_account_return(request, society):
    """Where Stripe sends the treasurer back: read the account's readiness from Stripe."""
    account = stripe_payments.refresh_account(society, by=request.user)
    if account is not None and account.charges_enabled:
        messages.success(request, "Your Stripe account is connected. Card payments are ready.")
    elif account is not None:
        messages.warning(request, "Stripe has not finished checking your account yet, so card "
                                  "payments are not ready. Continue setting it up, or look "
                                  "again later.")
    return redirect("card_account", society.slug)


@society_view(permissions.can_manage_card_account)
def card_account_refresh(request, society):
    """Where Stripe sends the treasurer when the onboarding link has expired."""
    messages.info(request, "The link to Stripe had expired. Continue setting up your account.")
    return redirect("card_account", society.slug)


# --- a member buys more shares by card ----------------------------------------------------------

def _current_member(society, user):
    member = services.current_membership(society, user)
    if member is None:
        raise Http404("You are not a current member of this co-op.")
    return member


@society_view(is_member)
def buy_shares(request, society):
    member = _current_member(society, request.user)
    form = ExtraSharesForm(request.POST or None, society=society)
    can_buy = society.multiple_shares_allowed and stripe_payments.card_payments_enabled(society)
    if request.method == "POST" and can_buy and form.is_valid():
        try:
            url = stripe_payments.start_extra_shares_checkout(
                member, shares=form.cleaned_data["shares"],
                success_url=request.build_absolute_uri(
                    reverse("buy_shares_done", args=[society.slug])),
                cancel_url=request.build_absolute_uri(
                    reverse("buy_shares", args=[society.slug]) + "?cancelled=1"))
        except services.MembershipError as error:
            form.add_service_error(error)
        else:
            return redirect(url)
    status = 400 if request.method == "POST" else 200
    return render(request, "membership/buy_shares.html", society_context(
        request, society, member=member, form=form, can_buy=can_buy,
        cancelled=request.GET.get("cancelled") == "1"), status=status)


@society_view(is_member)
def buy_shares_done(request, society):
    """Where Checkout sends the member who paid. The shares are theirs once the webhook has
    confirmed the payment; until then the page says it is waiting."""
    member = selectors.member_for(society, request.user)
    payment = (member.payments.filter(method=PaymentMethod.CARD, application__isnull=True)
               .order_by("-created_at").first())
    if payment is None:
        raise Http404("You have not started paying for more shares.")
    return render(request, "membership/buy_shares_done.html", society_context(
        request, society, member=member, payment=payment))


# --- letters to payers --------------------------------------------------------------------------

@society_view(permissions.can_record_payments)
def payer_letters(request, society):
    return render(request, "membership/payer_letters.html", society_context(
        request, society, letters=payer_notices.letters_to_post(society)))


@require_POST
@society_view(permissions.can_record_payments)
def payer_letter_posted(request, society, notice_id):
    notice = get_object_or_404(PayerNotice, pk=notice_id, payment__society=society)
    try:
        payer_notices.mark_letter_posted(notice, by=request.user)
    except services.MembershipError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The letter to {notice.name} is marked as posted.")
    return redirect("payer_letters", society.slug)
