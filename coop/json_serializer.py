"""`dumpdata`/`loaddata`'s JSON format, keeping timestamps to the microsecond. Django's own
drops microseconds beyond the millisecond; audit entries written before the canonical hash
(coop/models.py `canonical`) cover microseconds, so a dump made with Django's format no
longer verifies once loaded. Registered as "json" in SERIALIZATION_MODULES."""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder

Deserializer = django_json.Deserializer


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder
