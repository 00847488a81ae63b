"""What a request that goes wrong gets back: the API answers in JSON wherever the failure
happens (an id the URL patterns refuse never reaches DRF), pages answer in the site's layout,
and a body nested too deep for Python's parser is a 400, not a crash."""

import json

from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

API_PREFIX = "/api/"
SERVER_ERROR = ("Sorry, something went wrong on our side. It has been logged. Check whether "
                "what you were doing was saved before trying again.")


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def page_not_found(request, exception):
    if is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Rendered without the request's context: whatever broke (the database, a context
    processor) must not break the error page too."""
    if is_api(request):
        return JsonResponse({"detail": SERVER_ERROR}, status=500)
    return HttpResponseServerError(loader.get_template("500.html").render())


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, with JSON nested deeper than Python can parse reported as bad
    input (json raises RecursionError, which DRF lets through as a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None


def loads(body: bytes | str):
    """json.loads that raises ValueError for too-deep nesting, as for any other bad JSON."""
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("The JSON is nested too deeply.") from None
