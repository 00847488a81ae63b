"""The officers' pages: messages, compose, preview in each format with the counts, send now or
at a set time, the print run and its posting, and the delivery report. Each view is:
permission, form, one service call, a refusal shown as an error."""

from django.contrib import messages as flash
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coop.decorators import society_context, society_view
from coop.services import CoopError

from . import selectors, sending, services
from .forms import MessageForm, ScheduleForm
from .models import Message
from .permissions import can_send_messages

T = "communications/officer/"
FORMATS = {"email": "Email", "easy_read": "Easy read", "letter": "Letter",
           "large_print": "Large print letter"}


def _message(society, pk) -> Message:
    return get_object_or_404(Message.objects.select_related("society"), pk=pk, society=society)


def _form_problems(form) -> list[tuple[str, str]]:
    found = [("", e) for e in form.non_field_errors()]
    for bound in form:
        anchor = bound.id_for_label or f"{bound.auto_id}_0"
        found += [(f"#{anchor}", e) for e in bound.errors]
    return found


@society_view(can_send_messages)
def message_list(request, society):
    rows = list(selectors.officer_messages(society)[:200])
    return render(request, T + "list.html", society_context(request, society, rows=rows))


def _compose(request, society, message=None):
    form = MessageForm(request.POST if request.method == "POST" else None, instance=message,
                       society=society)
    if request.method == "POST" and form.is_valid():
        try:
            if message is None:
                message = services.create_draft(society, by=request.user,
                                                **form.service_fields())
            else:
                message = services.update_draft(message, by=request.user,
                                                **form.service_fields())
        except CoopError as exc:
            form.add_error(exc.field, exc.message)
        else:
            flash.success(request, "Draft saved. Check the preview and the numbers, then "
                                   "send it.")
            return redirect("message_detail", society.slug, message.pk)
    status = 400 if form.errors else 200
    return render(request, T + "compose.html", society_context(
        request, society, form=form, message=message, problems=_form_problems(form)),
        status=status)


@society_view(can_send_messages)
def message_new(request, society):
    return _compose(request, society)


@society_view(can_send_messages)
def message_edit(request, society, pk):
    message = _message(society, pk)
    if message.queued_at:
        flash.error(request, "This message has been sent, so it cannot change.")
        return redirect("message_detail", society.slug, pk)
    return _compose(request, society, message)


def _detail(request, society, message, *, schedule_form=None, error="", status=200):
    shown = request.GET.get("format", "email")
    shown = shown if shown in FORMATS else "email"
    context = sending.message_context(
        message, name="(the member's name)", easy_read=shown == "easy_read",
        large_print=shown == "large_print")
    return render(request, T + "detail.html", society_context(
        request, society, message=message, preview=context, shown=shown,
        formats=FORMATS.items(), counts=selectors.counts(message),
        progress=selectors.progress(message) if message.queued_at else None,
        failures=selectors.failures(message) if message.queued_at else [],
        schedule_form=schedule_form or ScheduleForm(), error=error,
        problems=_form_problems(schedule_form) if schedule_form else []), status=status)


@society_view(can_send_messages)
def message_detail(request, society, pk):
    return _detail(request, society, _message(society, pk))


@require_POST
@society_view(can_send_messages)
def message_send(request, society, pk):
    message = _message(society, pk)
    try:
        made = services.send_now(message, by=request.user)
    except CoopError as exc:
        return _detail(request, society, message, error=exc.message, status=400)
    flash.success(request, f"Sent: {made} {'copy' if made == 1 else 'copies'} made. Emails "
                           "are going out now; letters are on the print run.")
    return redirect("message_detail", society.slug, pk)


@require_POST
@society_view(can_send_messages)
def message_schedule(request, society, pk):
    message = _message(society, pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.schedule(message, by=request.user, at=form.cleaned_data["send_at"])
        except CoopError as exc:
            form.add_error("send_at" if exc.field else None, exc.message)
        else:
            flash.success(request, "The message will be sent at the time you chose.")
            return redirect("message_detail", society.slug, pk)
    return _detail(request, society, message, schedule_form=form, status=400)


@require_POST
@society_view(can_send_messages)
def message_posted(request, society, pk):
    message = _message(society, pk)
    try:
        count = services.mark_posted(message, by=request.user)
    except CoopError as exc:
        return _detail(request, society, message, error=exc.message, status=400)
    flash.success(request, f"{count} letter{'s' if count != 1 else ''} marked as posted.")
    return redirect("message_detail", society.slug, pk)


@society_view(can_send_messages)
def message_letters(request, society, pk):
    """The print run: one PDF, a letter per member on the post list."""
    message = _message(society, pk)
    letters = sending.print_run(message) if message.queued_at else []
    if not letters:
        return _detail(request, society, message, status=404,
                       error="There are no letters to print: the message has not been sent, "
                             "or nobody on it gets post.")
    response = HttpResponse(sending.letters_pdf(message, sending.letters_for(letters)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letters-{message.pk}.pdf"'
    return response


@society_view(can_send_messages)
def message_sample_letter(request, society, pk):
    """A preview letter, addressed to nobody, as large print or not."""
    message = _message(society, pk)
    sample = sending.Letter("(the member's name)", "(their address)",
                            large_print=request.GET.get("large") == "1",
                            easy_read=request.GET.get("easy_read") == "1")
    response = HttpResponse(sending.letters_pdf(message, [sample]),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sample-letter-{message.pk}.pdf"'
    return response
