"""The member's Messages page (every message sent to them, so a lost email is not a lost
message), their news choice, and the unsubscribe link that works without signing in."""

from django.contrib import messages as flash
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from coop.decorators import society_context, society_view
from membership.enums import ConsentMethod
from membership.models import Member

from . import consent, selectors
from .forms import NewsChoiceForm
from .models import Delivery
from .permissions import can_send_messages
from .render import to_html
from .tokens import member_id_from

T = "communications/member/"


def _member(request, society) -> Member | None:
    return (Member.objects.filter(society=society, user=request.user)
            .order_by("ceased_on").first())


@society_view()
def my_messages(request, society):
    member = _member(request, society)
    if member is None and not can_send_messages(request.user, society):
        raise Http404("You are not a member of this co-op.")
    form = NewsChoiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and member is not None:
        if form.is_valid():
            if form.cleaned_data["news"]:
                consent.give(member, how=ConsentMethod.WEBSITE)
                flash.success(request, "Thank you. We will send you news.")
            else:
                consent.withdraw(member, how=ConsentMethod.WEBSITE)
                flash.success(request, "We will not send you news. You will still get notices "
                                       "the law says we must send.")
            return redirect("my_messages", society.slug)
    rows = list(selectors.member_messages(member)[:200]) if member else []
    return render(request, T + "list.html", society_context(
        request, society, member=member, rows=rows, form=form,
        gets_news=bool(member) and consent.may_send_news(member),
        can_send=can_send_messages(request.user, society)),
        status=400 if form.errors else 200)


@society_view()
def my_message(request, society, pk):
    member = _member(request, society)
    delivery = get_object_or_404(
        Delivery.objects.select_related("message"), message__pk=pk, member=member,
        message__society=society, message__queued_at__isnull=False) \
        if member else None
    if delivery is None:
        raise Http404("No such message.")
    message = delivery.message
    return render(request, T + "detail.html", society_context(
        request, society, message=message, body_html=to_html(message.body),
        easy_read_html=to_html(message.easy_read_body) if member.easy_read else ""))


@csrf_exempt  # RFC 8058: the mail program POSTs without a session; the signed token is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows a button (link scanners only GET, so they unsubscribe nobody); POST, from
    that button or a mail program's one-click, withdraws consent to news."""
    member_id = member_id_from(token)
    member = Member.objects.select_related("society").filter(pk=member_id).first() \
        if member_id else None
    if member is None:
        return render(request, T + "unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        consent.withdraw(member, how=ConsentMethod.EMAIL)
        done = True
    return render(request, T + "unsubscribe.html", {
        "member_society": member.society, "done": done or not consent.may_send_news(member),
        "token": token})
