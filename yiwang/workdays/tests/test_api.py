"""The public calendar API over HTTP, including every kind of bad input."""

import pytest

from yiwang.workdays.tests.factories import enter_2027

pytestmark = pytest.mark.django_db

DUE = "/api/v1/calendar/due-date"


def test_due_date_in_working_days(client):
    response = client.get(DUE, {"start": "2026-09-30", "days": 1, "unit": "working"})
    assert response.status_code == 200
    assert response.json() == {"start": "2026-09-30", "days": 1, "unit": "working", "due_date": "2026-10-08",
                               "provisional": False}


def test_unit_defaults_to_working_days_and_zero_is_the_same_day(client):
    assert client.get(DUE, {"start": "2026-10-03", "days": 0}).json()["due_date"] == "2026-10-03"
    assert client.get(DUE, {"start": "2026-02-13", "days": 1}).json()["due_date"] == "2026-02-14"


def test_natural_days_do_not_move_on_a_holiday(client):
    body = client.get(DUE, {"start": "2026-09-30", "days": 1, "unit": "natural"}).json()
    assert (body["due_date"], body["unit"], body["provisional"]) == ("2026-10-01", "natural", False)


def test_a_date_in_2027_is_provisional_until_2027_is_entered(client, administrator):
    params = {"start": "2027-02-01", "days": 5}
    assert client.get(DUE, params).json() == {"start": "2027-02-01", "days": 5, "unit": "working",
                                              "due_date": "2027-02-08", "provisional": True}
    enter_2027(administrator)
    body = client.get(DUE, params).json()
    assert (body["due_date"], body["provisional"]) == ("2027-02-15", False)


@pytest.mark.parametrize(("params", "code", "field"), [
    ({}, "invalid_input", "start"),
    ({"start": "2026-01-05"}, "invalid_input", "days"),
    ({"days": 3}, "invalid_input", "start"),
    ({"start": "2026-13-01", "days": 3}, "invalid_input", "start"),
    ({"start": "5.1.2026", "days": 3}, "invalid_input", "start"),
    ({"start": "2026-01-05", "days": "three"}, "invalid_input", "days"),
    ({"start": "2026-01-05", "days": 3, "unit": "foo"}, "invalid_input", "unit"),
    ({"start": "2026-01-05", "days": -1}, "calendar_days_negative", "days"),
    ({"start": "2026-01-05", "days": 3651}, "calendar_days_too_large", "days"),
    ({"start": "2026-01-05", "days": 10**30}, "calendar_days_too_large", "days"),
    ({"start": "1999-01-04", "days": 3}, "calendar_date_out_of_range", "start"),
    ({"start": "2101-01-03", "days": 3}, "calendar_date_out_of_range", "start"),
])
def test_bad_parameters_give_400_with_a_code_and_the_field(client, params, code, field):
    response = client.get(DUE, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert field in [d["field"] for d in body["detail"]]
    assert field in body["message"]


def test_year_2026_lists_holidays_and_makeup_days(client):
    body = client.get("/api/v1/calendar/2026").json()
    assert body["status"] == "official" and body["provisional"] is False and body["source"] == "package"
    assert {"first_day": "2026-02-15", "last_day": "2026-02-23", "name": "春节"} in body["holidays"]
    assert {"first_day": "2026-10-01", "last_day": "2026-10-07", "name": "国庆节"} in body["holidays"]
    assert [m["day"] for m in body["makeup_days"]] == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                                                       "2026-09-20", "2026-10-10"]
    assert body["working_day_count"] > 240


def test_year_2027_is_provisional_with_the_fixed_date_holidays(client):
    body = client.get("/api/v1/calendar/2027").json()
    assert body["status"] == "provisional" and body["provisional"] is True
    assert body["holidays"] == [
        {"first_day": "2027-01-01", "last_day": "2027-01-01", "name": "元旦"},
        {"first_day": "2027-05-01", "last_day": "2027-05-02", "name": "劳动节"},
        {"first_day": "2027-10-01", "last_day": "2027-10-03", "name": "国庆节"},
    ]
    assert body["makeup_days"] == []


@pytest.mark.parametrize("year", ["1999", "2101", "0"])
def test_a_year_outside_the_calendar_is_404_with_a_code(client, year):
    response = client.get(f"/api/v1/calendar/{year}")
    assert response.status_code == 404
    assert response.json()["code"] == "calendar_year_out_of_range"


def test_a_year_that_is_not_a_number_is_400(client):
    response = client.get("/api/v1/calendar/next")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_no_authentication_is_needed_and_the_schema_documents_the_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/calendar/due-date" in schema["paths"]
    assert "/api/v1/calendar/{year}" in schema["paths"]
