"""The schema says what the API does (schemathesis found answers that disagreed with it)."""

from tests.api.meeting_setup import client_for, draft


def schema(client):
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_interest_topics_are_one_list_and_the_schema_says_so(society, member):
    client = client_for(member.user)
    described = schema(client)["paths"]["/api/v1/societies/{slug}/interest-topics/"]["get"]

    response = client.get("/api/v1/societies/mutual/interest-topics/")

    assert isinstance(response.json(), list)
    body = described["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"


def test_a_meeting_in_a_room_has_an_empty_online_link_and_the_schema_allows_it(society,
                                                                               secretary):
    meeting = draft(society, secretary, place="Community Hall")
    client = client_for(secretary)

    listed = client.get("/api/v1/societies/mutual/meetings/").json()["results"]
    meeting_schema = schema(client)["components"]["schemas"]["Meeting"]

    assert [m["online_link"] for m in listed if m["id"] == meeting.pk] == [""]
    assert meeting_schema["properties"]["online_link"].get("format") != "uri"
