"""A consumer's scenario, written against the Python client generated from the committed contract.

.ci/run generates `implication_client` with openapi-python-client from openapi/openapi.json, starts
the demo server, then runs this script (`python scenario.py BASE_URL`) and type-checks it with
mypy: a contract that types a public operation as needing a token, a filter as a plain string, or
a header the client cannot read fails here. The script uses the generated package alone (its
clients, operations and models), never raw HTTP: if the scenario needs something the contract does
not describe, it cannot be written.

Each step asserts what a consumer relies on, and the script exits non-zero at the first failure.
"""

from __future__ import annotations

import sys
import uuid
from typing import Any
from urllib.parse import parse_qs

from implication_client import AuthenticatedClient, Client
from implication_client.api.auth import create_token
from implication_client.api.qualification import get_request_qualification, put_request_qualification
from implication_client.api.requests import (
    create_request,
    get_request,
    get_tracking,
    list_request_history,
    list_requests,
    transition_request,
)
from implication_client.models import (
    Problem,
    QualificationDocument,
    QualificationView,
    RequesterInput,
    RequesterKind,
    RequesterRequestView,
    RequestEventKind,
    RequestInput,
    RequestKind,
    RequestPage,
    RequestReceipt,
    RequestStatus,
    RequestView,
    TokenForm,
    TokenResponse,
    TransitionInput,
)

TOWN = "loos-en-gohelle"
AGENT = "agent@loos-en-gohelle.demo"
PASSWORD = "implication-demo"


def step(name: str) -> None:
    print(f"  - {name}", flush=True)


def main(base_url: str) -> None:
    sent: list[Any] = []  # the requests the client sent (httpx's, through its `httpx_args`)
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)

    step("a token: the password grant, form-encoded, without a token")
    token = create_token.sync(
        client=anonymous, body=TokenForm(grant_type="password", username=AGENT, password=PASSWORD)
    )
    assert isinstance(token, TokenResponse), token
    assert token.token_type.lower() == "bearer", token.token_type
    agent = AuthenticatedClient(
        base_url=base_url,
        token=token.access_token,
        raise_on_unexpected_status=True,
        httpx_args={"event_hooks": {"request": [sent.append]}},
    )

    step("an anonymous submission with an Idempotency-Key, and its retry")
    key = str(uuid.uuid4())
    submission = RequestInput(
        kind=RequestKind.COMPLAINT,
        title="Lampadaire éteint rue Bayard",
        description="Le lampadaire devant le numéro 12 ne s'allume plus depuis une semaine.",
        requester=RequesterInput(kind=RequesterKind.INDIVIDUAL, name="Camille Dupont", email="camille@example.org"),
        personal_data_consent=True,
    )
    # The operation takes a token when there is one (staff give the channel), so the contract says
    # `security: [{}, {bearer: []}]`; openapi-python-client 0.29 types any non-empty `security` as
    # needing an AuthenticatedClient (its issue #1372), whereas `{}` means "or none".
    submitted = create_request.sync_detailed(
        TOWN, client=anonymous, body=submission, idempotency_key=key  # type: ignore[arg-type]
    )
    assert submitted.status_code == 201, submitted
    receipt = submitted.parsed
    assert isinstance(receipt, RequestReceipt), receipt
    assert submitted.headers["location"].endswith(f"/requests/{receipt.id}"), submitted.headers
    retried = create_request.sync(TOWN, client=anonymous, body=submission, idempotency_key=key)  # type: ignore[arg-type]
    assert isinstance(retried, RequestReceipt) and retried.id == receipt.id, "a retry creates nothing"

    step("tracking, anonymously, with the code shown once")
    tracked = get_tracking.sync(TOWN, receipt.tracking_code, client=anonymous)
    assert isinstance(tracked, RequesterRequestView), tracked
    assert (tracked.id, tracked.status) == (receipt.id, RequestStatus.RECEIVED), tracked

    step("the staff list, filtered on two statuses")
    wanted = [RequestStatus.RECEIVED, RequestStatus.QUALIFYING]
    page = list_requests.sync(TOWN, client=agent, status=wanted, limit=200)
    assert isinstance(page, RequestPage), page
    query = sent[-1].url.query.decode()
    print(f"    sent ?{query}")
    # The contract says `style: form, explode: false` (`status=received,qualifying`); this
    # generator sends lists exploded whatever the contract says (its issue #197), and the API reads
    # both forms alike.
    statuses = [code for value in parse_qs(query)["status"] for code in value.split(",")]
    assert statuses == [s.value for s in wanted], statuses
    listed = [item for item in page.items if isinstance(item, RequestView)]
    assert len(listed) == len(page.items), "staff get the staff view of every item"
    assert {item.status for item in listed} == set(wanted), "both statuses are listed, and only they"
    assert receipt.id in {item.id for item in listed}, "the new request is listed"

    step("a transition, with the ETag read from the response headers")
    got = get_request.sync_detailed(TOWN, receipt.id, client=agent)
    assert isinstance(got.parsed, RequestView), got
    etag = got.headers["etag"]
    assert RequestStatus.QUALIFYING in got.parsed.allowed_transitions, got.parsed.allowed_transitions
    moved = transition_request.sync_detailed(
        TOWN, receipt.id, client=agent, body=TransitionInput(to=RequestStatus.QUALIFYING), if_match=etag
    )
    assert isinstance(moved.parsed, RequestView) and moved.parsed.status == RequestStatus.QUALIFYING, moved
    assert moved.headers["etag"] != etag, "a transition moves the version"
    stale = transition_request.sync_detailed(
        TOWN, receipt.id, client=agent, body=TransitionInput(to=RequestStatus.QUALIFIED), if_match=etag
    )
    assert stale.status_code == 412 and isinstance(stale.parsed, Problem), stale
    assert stale.parsed.status == 412, stale.parsed

    step("the qualification: GET, then PUT with If-Match")
    read = get_request_qualification.sync_detailed(TOWN, receipt.id, client=agent)
    assert isinstance(read.parsed, QualificationView) and not read.parsed.recorded, read
    assert read.headers["etag"] == moved.headers["etag"], "the qualification shares its request's ETag"
    need = "Rallumer l'éclairage public rue Bayard."
    put = put_request_qualification.sync_detailed(
        TOWN,
        receipt.id,
        client=agent,
        body=QualificationDocument(restated_need=need),
        if_match=read.headers["etag"],
    )
    assert isinstance(put.parsed, QualificationView), put
    assert put.parsed.recorded and put.parsed.document.restated_need == need, put.parsed
    assert "competence" in put.parsed.missing, put.parsed.missing

    step("the history")
    history = list_request_history.sync(TOWN, receipt.id, client=agent)
    assert history is not None and not isinstance(history, Problem), history
    kinds = [event.kind for event in history.items]
    for kind in (RequestEventKind.CREATED, RequestEventKind.TRANSITIONED, RequestEventKind.QUALIFICATION):
        assert kind in kinds, (kind, kinds)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scenario.py BASE_URL")
    main(sys.argv[1])
    print("the generated client's scenario passed")
