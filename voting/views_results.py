"""Placeholder views, replaced as the pages are written."""

from django.http import Http404


def ballot_results(request, slug, pk=None):
    raise Http404


def results_csv(request, slug, pk=None):
    raise Http404


def certificate(request, slug, pk=None):
    raise Http404


def certificate_pdf(request, slug, pk=None):
    raise Http404


def ballots_blt(request, slug, pk=None):
    raise Http404
