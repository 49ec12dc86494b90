"""Open311 clients nobody here wrote, from PyPI, against the demo server (argv[1]).

georeport reads — the services, the service requests and one of them — in JSON and in XML (it
parses the XML with xmltodict, so the documents must have the spec's element names); civicbot,
which can post, files a report with the demo partner's API key, and reads it back once the town
published it. (Of the clients on PyPI, these two take a base address: boston311 and the like are
bound to one city's endpoint, and open311 1.1 and three 0.8 no longer import on Python 3.)
"""

import json
import sys
import urllib.request

from civicbot.open311 import CONFIRM_TOKEN, Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport

server = sys.argv[1].rstrip("/")
base = f"{server}/open311/v2"
town = "loos-en-gohelle"


def check(condition, what):
    if not condition:
        sys.exit(f"open311 client check failed: {what}")
    print(f"ok: {what}")


for fmt in ("json", "xml"):
    client = GeoReport(base, jurisdiction=town, output_format=fmt)
    services = client.get_service_list()
    codes = [s["service_code"] for s in services]
    check("roads-and-traffic" in codes and len(codes) >= 5, f"georeport lists the services ({fmt}): {codes}")
    definition = client.get_service_definition("roads-and-traffic")
    check(definition["service_code"] == "roads-and-traffic", f"georeport reads a service definition ({fmt})")
    listed = client.get_service_requests(status="open,closed")
    listed = listed if isinstance(listed, list) else [listed]  # xmltodict: one element is no list
    check(len(listed) >= 1, f"georeport lists {len(listed)} published service requests ({fmt})")
    first = listed[0]
    one = client.get_service_request(first["service_request_id"])
    check(one["service_request_id"] == first["service_request_id"] and one["status"] in ("open", "closed"),
          f"georeport reads one service request ({fmt})")

endpoint = Endpoint(id="implication-demo", name="Implication (demo)", base_url=base, write=True)
poster = Open311Client(endpoint, jurisdiction_id=town, fmt="json")
check(any(s["service_code"] == "culture" for s in poster.list_services()), "civicbot lists the services")
sent = poster.create_request(
    "waste-and-cleanliness", dry_run=False, confirm=CONFIRM_TOKEN, api_key="implication-demo-secret",
    validate_remote=True, lat=50.4581, lng=2.7936, description="Dépôt sauvage derrière la salle des sports.",
    first_name="Louis", last_name="Caron", email="louis@example.org")
created = sent.response[0] if isinstance(sent.response, list) else sent.response
report = created["service_request_id"]
check("Code de suivi" in created["service_notice"], f"civicbot posts a report: {report}")

# Staff publish it (the JSON API), then anyone reads it with either client, without the name.
def call(method, path, token=None, body=None, headers=None):
    data = None if body is None else (json.dumps(body) if isinstance(body, dict) else body).encode()
    request = urllib.request.Request(f"{server}{path}", data=data, method=method)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as answer:
        return answer.headers, answer.read()

_, body = call("POST", "/v1/auth/token", body="grant_type=password&username=agent@loos-en-gohelle.demo"
               "&password=implication-demo", headers={"Content-Type": "application/x-www-form-urlencoded"})
agent = json.loads(body)["access_token"]
path = f"/v1/municipalities/{town}/requests/{report}"
headers, body = call("GET", path, agent)
check(json.loads(body)["channel"] == "partner_tool", "the report is a request from the partner's tool")
call("POST", f"{path}/publish", agent, headers={"If-Match": headers["ETag"]})
read = poster.get_request(report)
check(read["service_request_id"] == report and read["status"] == "open", "civicbot reads it back, open")
xml = GeoReport(base, jurisdiction=town, output_format="xml").get_service_request(report)
check(xml["service_code"] == "waste-and-cleanliness" and "Caron" not in json.dumps(xml),
      "georeport reads it in XML, without the reporter's name")
