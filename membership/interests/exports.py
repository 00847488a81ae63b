"""The register of interests as a pandas frame and a CSV download. The rows are the page's
rows (latest versions, same filters), so what an officer downloads is what they saw."""

import pandas as pd

from coop import audit
from membership.exports import csv_response

COLUMNS = ["Name", "Topics", "Kind of interest", "Who else is involved", "Description",
           "Began", "Ended", "Declared or last changed", "Versions", "Last change note"]


def register_frame(declarations, versions: dict[int, int]) -> pd.DataFrame:
    """One row per declaration (its latest version). `versions` maps a declaration's id to how
    many versions it has. Topics must be prefetched (the register selector does)."""
    rows = [(d.person_name, "; ".join(t.name for t in d.topics.all()),
             d.get_interest_type_display(), d.other_party, d.description,
             d.began_on, d.ended_on, d.declared_at.date(), versions.get(d.pk, 1),
             d.change_note) for d in declarations]
    frame = pd.DataFrame.from_records(rows, columns=COLUMNS)
    for column in ("Began", "Ended", "Declared or last changed"):
        frame[column] = frame[column].map(lambda day: day.isoformat() if day else "")
    return frame


def register_response(society, declarations, versions, *, by, filters: dict):
    """The CSV download, recorded in the audit log (who took a copy of the register)."""
    frame = register_frame(declarations, versions)
    audit.record("membership.interest.register_exported", society=society, actor=by,
                 data={"format": "csv", "rows": len(frame),
                       "filters": {k: str(v) for k, v in filters.items()}})
    return csv_response(frame, f"{society.slug}-register-of-interests.csv")
