"""Placeholder views, replaced as the pages are written."""

from django.http import Http404


def ballot_new(request, slug, pk=None):
    raise Http404


def ballot_edit(request, slug, pk=None):
    raise Http404


def ballot_manage(request, slug, pk=None):
    raise Http404


def ballot_open(request, slug, pk=None):
    raise Http404


def ballot_schedule(request, slug, pk=None):
    raise Http404


def ballot_close(request, slug, pk=None):
    raise Http404


def ballot_publish(request, slug, pk=None):
    raise Http404


def post_list(request, slug, pk=None):
    raise Http404


def papers_pdf(request, slug, pk=None):
    raise Http404


def paper_entry(request, slug, pk=None):
    raise Http404


def ballot_certify(request, slug, pk=None):
    raise Http404
