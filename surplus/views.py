"""Placeholder views, replaced as the pages are written."""

from django.http import Http404


def surplus_home(request, slug, pk=None, **kwargs):
    raise Http404


def proposal_detail(request, slug, pk=None, **kwargs):
    raise Http404


def proposal_outcome(request, slug, pk=None, **kwargs):
    raise Http404


def history(request, slug, pk=None, **kwargs):
    raise Http404


def history_export(request, slug, pk=None, **kwargs):
    raise Http404
