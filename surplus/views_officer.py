"""Placeholder views, replaced as the pages are written."""

from django.http import Http404


def year_list(request, slug, pk=None, **kwargs):
    raise Http404


def year_new(request, slug, pk=None, **kwargs):
    raise Http404


def year_detail(request, slug, pk=None, **kwargs):
    raise Http404


def year_edit(request, slug, pk=None, **kwargs):
    raise Http404


def year_lock(request, slug, pk=None, **kwargs):
    raise Http404


def year_accounts(request, slug, pk=None, **kwargs):
    raise Http404


def proposal_new(request, slug, pk=None, **kwargs):
    raise Http404


def proposal_edit(request, slug, pk=None, **kwargs):
    raise Http404


def option_new(request, slug, pk=None, **kwargs):
    raise Http404


def option_edit(request, slug, pk=None, **kwargs):
    raise Http404


def option_remove(request, slug, pk=None, **kwargs):
    raise Http404


def proposal_put_to_vote(request, slug, pk=None, **kwargs):
    raise Http404


def proposal_decide(request, slug, pk=None, **kwargs):
    raise Http404
