"""The demo's calendar feed, read by a real iCalendar parser (the `icalendar` package from PyPI):
it must parse strictly, hold at least one event, and each event must carry what a calendar
application needs (a UID, a start before its end in UTC, a summary, a place).

Usage: calendar_judged.py URL_OF_THE_FEED"""
import sys
import urllib.request

import icalendar

url = sys.argv[1]
with urllib.request.urlopen(url) as response:
    content_type = response.headers.get("Content-Type", "")
    body = response.read()
assert content_type.startswith("text/calendar"), content_type
calendar = icalendar.Calendar.from_ical(body)
assert calendar.errors == [], calendar.errors
assert str(calendar["VERSION"]) == "2.0"
events = list(calendar.walk("VEVENT"))
assert events, "the demo's upcoming public meeting is in the feed"
uids = set()
for event in events:
    assert not event.errors, event.errors
    uid = str(event["UID"])
    assert uid not in uids, f"UID {uid} repeats"
    uids.add(uid)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start.tzinfo is not None and end.tzinfo is not None, "times are in UTC"
    assert start < end, f"{uid}: starts {start}, ends {end}"
    assert str(event["SUMMARY"]) and str(event["LOCATION"])
    print(f"{start.isoformat()}  {event['SUMMARY']}  @ {event['LOCATION']}")
print(f"{len(events)} events, parsed by icalendar {icalendar.__version__}")
