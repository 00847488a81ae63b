"""Pages of the register of interests: a person's own interests (declare, change, end, and an
officer's return), the board's register with its CSV download, and the list of topics.

Who sees what: a person sees their own declarations and the officers' current ones; the board
sees the whole register. Anyone else asking for a declaration gets "not found", so a page never
even says that a declaration exists."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from coop import permissions as coop_permissions
from coop.decorators import society_context, society_view

from ..models import Declaration, InterestTopic
from ..selectors import member_for
from . import exports, returns, selectors, services
from .forms import (
    AmendForm,
    DeclarationForm,
    EndForm,
    RegisterFilterForm,
    RetireForm,
    ReturnForm,
    TopicForm,
)
from .permissions import (
    can_declare_interests,
    can_manage_topics,
    can_see_declaration,
    can_view_interest_register,
)

REGISTER_PAGE_SIZE = 50


def _posted(request):
    """The form data of a POST, even an empty one (so it shows "required" errors), else None."""
    return request.POST if request.method == "POST" else None


def _context(request, society, **extra) -> dict:
    user = request.user
    return society_context(
        request, society, can_view_interest_register=can_view_interest_register(user, society),
        can_manage_topics=can_manage_topics(user, society), **extra)


@dataclass
class Chain:
    """One declaration: its latest version and the versions it replaced (newest first)."""

    latest: Declaration
    earlier: list[Declaration] = field(default_factory=list)


def _chains(versions) -> list[Chain]:
    """Group every version of a person's declarations into one chain per declaration, in
    Python, so the page's query count does not grow with the number of versions."""
    versions = list(versions)
    by_pk = {v.pk: v for v in versions}
    replaced = {v.previous_id for v in versions if v.previous_id}
    chains = []
    for version in versions:
        if version.pk in replaced:
            continue
        chain, step = Chain(version), version
        while step.previous_id in by_pk:
            step = by_pk[step.previous_id]
            chain.earlier.append(step)
        chains.append(chain)
    return chains


def _version_counts(society) -> dict[int, int]:
    """How many versions each declaration has, from one query of (id, previous id). A version
    is always created after the one it replaces, so walking in id order sees it first."""
    counts: dict[int, int] = {}
    for pk, previous_id in (Declaration.objects.filter(society=society).order_by("pk")
                            .values_list("pk", "previous_id")):
        counts[pk] = counts.get(previous_id, 0) + 1
    return counts


# --- a person's own interests -------------------------------------------------------------------

@society_view(can_declare_interests)
def my_interests(request, society):
    """Also where an officer makes their return (POST)."""
    user = request.user
    is_officer = coop_permissions.is_officer(user, society)
    if request.method == "POST" and not is_officer:
        raise PermissionDenied("Only officers make a return.")
    return_form = ReturnForm(_posted(request)) if is_officer else None
    if request.method == "POST" and return_form.is_valid():
        try:
            returns.make_return(society, user, nil=return_form.is_nil, by=user)
        except services.InterestError as error:
            return_form.add_service_error(error)
        else:
            messages.success(request, "Thank you. Your return has been recorded.")
            return redirect("my_interests", society.slug)
    chains = _chains(selectors.own_declarations(society, user))
    member = member_for(society, user)
    status = next((s for s in returns.officer_statuses(society) if s.person.pk == user.pk),
                  None) if is_officer else None
    return render(request, "membership/interests/my_interests.html", _context(
        request, society, member=member, return_form=return_form, status=status,
        current=[c for c in chains if not c.latest.is_ended],
        ended=[c for c in chains if c.latest.is_ended],
        deemed=(member.member_class.deemed_topics.filter(retired_on__isnull=True)
                if member and member.is_current else []),
        officers=selectors.officers_current(society)))


@society_view(can_declare_interests)
def declare_interest(request, society):
    form = DeclarationForm(_posted(request), society=society)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare(society, request.user, by=request.user, **form.values())
        except services.InterestError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Your interest has been added to the register.")
            return redirect("my_interests", society.slug)
    return render(request, "membership/interests/declare.html",
                  _context(request, society, form=form))


def _own_latest(request, society, pk):
    """The person's own declaration, if it can still be changed; else where to go instead.
    Someone else's declaration is "not found"."""
    declaration = get_object_or_404(Declaration.objects.prefetch_related("topics"), pk=pk,
                                    society=society, person=request.user)
    if Declaration.objects.filter(previous=declaration).exists():
        messages.error(request, "That version has already been changed or ended. These are "
                                "its latest details.")
        return declaration, redirect("interest_detail", society.slug, pk)
    if declaration.ended_on:
        messages.error(request, "This interest has ended, so it cannot be changed. If it has "
                                "started again, declare it again.")
        return declaration, redirect("interest_detail", society.slug, pk)
    return declaration, None


@society_view(can_declare_interests)
def amend_interest(request, society, pk):
    declaration, elsewhere = _own_latest(request, society, pk)
    if elsewhere:
        return elsewhere
    form = AmendForm(_posted(request), society=society, declaration=declaration)
    if request.method == "POST" and form.is_valid():
        try:
            services.amend(declaration, by=request.user, note=form.cleaned_data["note"],
                           **form.changes())
        except services.InterestError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Your declaration has been changed. The earlier "
                                      "version is kept in its history.")
            return redirect("my_interests", society.slug)
    return render(request, "membership/interests/amend.html",
                  _context(request, society, form=form, declaration=declaration))


@society_view(can_declare_interests)
def end_interest(request, society, pk):
    declaration, elsewhere = _own_latest(request, society, pk)
    if elsewhere:
        return elsewhere
    form = EndForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.end(declaration, by=request.user, ended_on=form.cleaned_data["ended_on"],
                         note=form.cleaned_data["note"])
        except services.InterestError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The interest is recorded as ended. It stays in the "
                                      "register's history.")
            return redirect("my_interests", society.slug)
    return render(request, "membership/interests/end.html",
                  _context(request, society, form=form, declaration=declaration))


@require_GET
@society_view(can_declare_interests)
def interest_detail(request, society, pk):
    """A declaration's every version. Its owner and the board only; "not found" otherwise."""
    declaration = get_object_or_404(Declaration, pk=pk, society=society)
    if not can_see_declaration(request.user, society, declaration):
        raise Http404("No such declaration.")
    versions = selectors.history(declaration)
    latest = versions[-1]
    return render(request, "membership/interests/detail.html", _context(
        request, society, declaration=declaration, latest=latest,
        versions=list(reversed(versions)), own=declaration.person_id == request.user.pk,
        from_register=declaration.person_id != request.user.pk,
        can_change=(declaration.person_id == request.user.pk and not latest.ended_on)))


# --- the board's register ----------------------------------------------------------------------

def _register_filters(request, society):
    """The filter form and the declarations it selects (latest versions)."""
    names: dict[int, str] = {}
    for pk, name in (Declaration.objects.filter(society=society).latest_versions()
                     .order_by("person_name").values_list("person_id", "person_name")):
        names.setdefault(pk, name)
    form = RegisterFilterForm(request.GET or None, society=society,
                              people=sorted(names.items(), key=lambda p: p[1].lower()))
    filters = form.filters()
    declarations = selectors.register(
        society, topic=filters.get("topic"), person=filters.get("person"),
        interest_type=filters.get("interest_type", ""), status=filters["status"])
    if filters.get("q"):
        declarations = declarations.filter(person_name__icontains=filters["q"])
    return form, filters, declarations


@require_GET
@society_view(can_view_interest_register)
def interest_register(request, society):
    form, filters, declarations = _register_filters(request, society)
    page = Paginator(declarations, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    versions = _version_counts(society)
    for declaration in page.object_list:
        declaration.version_count = versions.get(declaration.pk, 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "membership/interests/register.html", _context(
        request, society, form=form, page=page, query=query.urlencode(),
        statuses=returns.officer_statuses(society)))


@require_GET
@society_view(can_view_interest_register)
def interest_register_export(request, society):
    _form, filters, declarations = _register_filters(request, society)
    return exports.register_response(society, declarations, _version_counts(society),
                                     by=request.user, filters=filters)


# --- topics ------------------------------------------------------------------------------------

def _topic(society, pk) -> InterestTopic:
    return get_object_or_404(InterestTopic.objects.prefetch_related("deemed_classes"), pk=pk,
                             society=society)


@society_view(can_manage_topics)
def interest_topics(request, society):
    form = TopicForm(_posted(request), society=society)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.add_topic(society, name=form.cleaned_data["name"],
                                       deemed_classes=form.cleaned_data["deemed_classes"],
                                       by=request.user)
        except services.InterestError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"The topic “{topic.name}” has been added.")
            return redirect("interest_topics", society.slug)
    all_topics = list(selectors.topics(society, include_retired=True))
    return render(request, "membership/interests/topics.html", _context(
        request, society, form=form,
        active=[t for t in all_topics if not t.retired_on],
        retired=[t for t in all_topics if t.retired_on]))


@society_view(can_manage_topics)
def edit_interest_topic(request, society, pk):
    topic = _topic(society, pk)
    form = TopicForm(_posted(request), society=society, topic=topic)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_topic(topic, name=form.cleaned_data["name"],
                                  deemed_classes=form.cleaned_data["deemed_classes"],
                                  by=request.user)
        except services.InterestError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"The topic “{topic.name}” has been saved.")
            return redirect("interest_topics", society.slug)
    return render(request, "membership/interests/topic_edit.html",
                  _context(request, society, form=form, topic=topic))


@society_view(can_manage_topics)
def retire_interest_topic(request, society, pk):
    topic = _topic(society, pk)
    if topic.retired_on:
        messages.info(request, f"The topic “{topic.name}” is already retired.")
        return redirect("interest_topics", society.slug)
    form = RetireForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.retire_topic(topic, by=request.user)
        except services.InterestError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"The topic “{topic.name}” is retired. Declarations "
                                      "and ballots that name it keep it.")
        return redirect("interest_topics", society.slug)
    return render(request, "membership/interests/topic_retire.html",
                  _context(request, society, form=form, topic=topic))
