"""Model instances built from a few columns already in hand (from `values_list()` or the
cache), or from one row of hand-written SQL, for the busiest requests: the columns given are
loaded and the others deferred, so reading one of them still works (with a query of its own)
instead of giving a wrong default."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, models
from django.db.models.sql import Query


def loaded(model: type[models.Model], **values) -> models.Model:
    """An instance of `model` as if read from the database with only these columns (attribute
    names, e.g. `society_id`)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    if len(names) != len(values):
        raise ValueError(f"Not columns of {model.__name__}: {set(values) - set(names)}")
    return model.from_db("default", names, [values[name] for name in names])


@dataclass(frozen=True)
class AlsoRead:
    """More columns read in the same statement as the signed-in user (who is `found`), by token
    (`coop.api_auth.token_user`) or session (`coop.sessions.session_user`): a LEFT JOIN and
    the columns it adds, so a busy request saves a round trip. PostgreSQL only: in SQLite's
    own process a round trip costs little, so there the caller reads on its own."""

    columns: str = ""  # e.g. ", r.id AS roll_id"
    join: str = ""  # e.g. " LEFT JOIN ... r ON r.user_id = found.id AND r.x = %s"
    params: tuple = ()
    keep: Callable | None = None  # keep(user, request): take the columns from the user

    def take(self, user, request) -> None:
        if self.keep is not None:
            self.keep(user, request)


NOTHING_MORE = AlsoRead()


def read_one(model: type[models.Model], sql: str, params) -> models.Model | None:
    """The first row of `sql` as an instance of `model`, or None. Columns named like the
    model's are loaded (converted as the ORM would, e.g. SQLite's text dates), any others
    (a joined table's) become plain attributes. What `Model.objects.raw()` does, less its
    per-query set-up: a vote spent a tenth of its time there (bench/cast_votes_http.py)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        reader = _READERS.get((model, sql)) or _reader(model, sql, cursor.description)
    return reader(row)


_READERS = {}


def _reader(model, sql, description):
    fields = {f.column: f for f in model._meta.concrete_fields}
    names = [column[0] for column in description]
    own = [i for i, name in enumerate(names) if name in fields]
    attnames = [fields[names[i]].attname for i in own]
    extras = [(i, name) for i, name in enumerate(names) if name not in fields]
    compiler = connection.ops.compiler("SQLCompiler")(Query(model), connection, None)
    converters = compiler.get_converters(
        [fields[names[i]].get_col(model._meta.db_table) for i in own])

    def read(row):
        values = next(compiler.apply_converters([[row[i] for i in own]], converters))
        instance = model.from_db(connection.alias, attnames, values)
        for i, name in extras:
            setattr(instance, name, row[i])
        return instance

    _READERS[(model, sql)] = read
    return read
