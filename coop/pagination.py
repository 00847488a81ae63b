from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=`, with a ceiling: an unbounded limit reaches the database as a number
    too big for it (a 500)."""

    max_limit = 1000
