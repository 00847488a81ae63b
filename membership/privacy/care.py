"""Care data kept close: access needs are shown to the member and to officers whose office
carries the `sees_access_needs` flag, and every officer look is recorded."""

from coop import audit, permissions


def officer_may_see(user, society) -> bool:
    return permissions.can_see_care_data(user, society)


def log_view(record, *, by, where: str) -> None:
    """Record that an officer saw a member's or applicant's access needs. Nothing is written
    when there were none to see."""
    if record.access_needs:
        audit.record("membership.access_needs.viewed", society=record.society, actor=by,
                     obj=record, data={"where": where})


def officer_copy(data: dict, record, *, user, where: str) -> dict:
    """An API body for an officer: without access needs unless they may see them, and the look
    recorded when they do."""
    if not officer_may_see(user, record.society):
        return {k: v for k, v in data.items() if k != "access_needs"}
    log_view(record, by=user, where=where)
    return data
