"""Placeholder views, replaced as the pages are written."""

from django.http import Http404


def ballot_list(request, slug, pk=None):
    raise Http404


def ballot_detail(request, slug, pk=None):
    raise Http404


def ballot_vote(request, slug, pk=None):
    raise Http404


def ballot_confirm(request, slug, pk=None):
    raise Http404


def ballot_receipt(request, slug, pk=None):
    raise Http404


def receipt_check(request, slug, pk=None):
    raise Http404
