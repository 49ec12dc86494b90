//! The authorization matrix: every endpoint × every kind of caller → the expected status.
//! Writes are sent so that they cannot change anything once allowed (a stale `If-Match`, an
//! empty body), so the rows do not depend on each other: an allowed caller gets 412 or 422.

use crate::helpers::{TestApp, json, spawn_demo_app};
use implication_api::demo::{CLIENT_ID, CLIENT_SECRET, PARTY_CLIENT_ID, PARTY_CLIENT_SECRET};
use reqwest::Method;
use serde_json::json;

const CALLERS: [&str; 10] = [
    "anonymous",
    "inhabitant",
    "agent",
    "elected",
    "admin",
    "platform",
    "grenay_admin",
    "client_scoped",
    "client_unscoped",
    "client_party",
];

/// What a row sends.
enum Body {
    None,
    Json(serde_json::Value),
    Form(&'static [(&'static str, &'static str)]),
}

struct Row {
    method: Method,
    path: String,
    body: Body,
    if_match: bool,
    /// Expected status for each caller, in the order of `CALLERS`.
    expected: [u16; 10],
}

fn row(method: Method, path: &str, expected: [u16; 10]) -> Row {
    Row { method, path: path.to_owned(), body: Body::None, if_match: false, expected }
}

fn write(method: Method, path: &str, if_match: bool, expected: [u16; 10]) -> Row {
    Row { method, path: path.to_owned(), body: Body::Json(json!({})), if_match, expected }
}

fn with_body(method: Method, path: &str, body: Body, if_match: bool, expected: [u16; 10]) -> Row {
    Row { method, path: path.to_owned(), body, if_match, expected }
}

/// The ids the rows' paths name.
struct Ids {
    agent: String,
    client: String,
    /// A client created for the secret rotation row (rotating it changes nothing the other rows use).
    rotated_client: String,
    request: String,
    tracking_code: String,
    /// A process opened to the public.
    process: String,
    /// A meeting of a process opened to the public.
    meeting: String,
    /// A notice out, of a process opened to the public.
    notice: String,
    /// A closed survey of a process opened to the public.
    survey: String,
    /// A step ahead of a process opened to the public.
    step: String,
    /// A promise about a process opened to the public.
    promise: String,
    /// A standing body, one of its meetings, and a draw by lot.
    body: String,
    body_meeting: String,
    draw: String,
    /// A fifty-fifty project that is public.
    project: String,
    /// Its convention, signed, and one of its parties.
    convention: String,
    party: String,
    /// An organisation of the directory, listed publicly.
    organisation: String,
    /// A published narrative (written on its author's behalf).
    narrative: String,
    /// A participant recorded by staff.
    participant: String,
    /// A concluded evaluation round.
    round: String,
    /// A webhook subscription of the town (not of a partner's tool).
    webhook: String,
}

/// The matrix. Writes are sent so that they cannot change anything once allowed (a stale
/// `If-Match`, an empty or invalid body), except the secret rotation, which only touches a client
/// of its own.
fn rows(ids: &Ids) -> Vec<Row> {
    let loos = "/v1/municipalities/loos-en-gohelle";
    let Ids {
        agent: agent_id,
        client: client_id,
        rotated_client,
        request: request_id,
        tracking_code,
        process,
        meeting,
        notice,
        survey,
        step,
        promise,
        body,
        body_meeting,
        draw,
        project,
        convention,
        party,
        organisation,
        narrative,
        participant,
        round,
        webhook,
    } = ids;
    let request = format!("{loos}/requests/{request_id}");
    let process = format!("{loos}/processes/{process}");
    let meeting = format!("{loos}/meetings/{meeting}");

    //                                      anon inh  agent elect admin platf grenay cl+  cl-  party
    let public = [200, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    let admin_only = [401, 403, 403, 403, 200, 200, 404, 403, 403, 403];
    let staff_only = [401, 403, 200, 200, 200, 200, 404, 403, 403, 403];
    let admin_write = [401, 403, 403, 403, 422, 422, 404, 403, 403, 403];
    let admin_stale = [401, 403, 403, 403, 412, 412, 404, 403, 403, 403];
    let staff_stale = [401, 403, 412, 412, 412, 412, 404, 403, 403, 403];
    let staff_write = [401, 403, 422, 422, 422, 422, 404, 403, 403, 403];
    let staff_or_nothing = [404, 404, 200, 200, 200, 200, 404, 404, 404, 404];
    let elected_stale = [401, 403, 403, 412, 412, 412, 404, 403, 403, 403];
    let webhook_owner = [401, 403, 403, 403, 200, 200, 404, 404, 403, 403];
    let webhook_stale = [401, 403, 403, 403, 412, 412, 404, 404, 403, 403];
    let no_delivery = [401, 403, 403, 403, 404, 404, 404, 404, 403, 403];
    vec![
        // Operations and the token endpoints answer everyone alike (a bearer token is not looked at).
        row(Method::GET, "/", public),
        row(Method::GET, "/health/live", public),
        row(Method::GET, "/health/ready", public),
        row(Method::GET, "/metrics", public),
        with_body(Method::POST, "/v1/auth/token", Body::Form(&[("grant_type", "implicit")]), false, [400; 10]),
        with_body(Method::POST, "/v1/auth/revoke", Body::Form(&[("token", "never-issued")]), false, [200; 10]),
        // Anyone may register; an empty registration is invalid whoever sends it.
        write(Method::POST, "/v1/registrations", false, [422; 10]),
        // A person with a wrong current password: 422; a machine client has no password: 403.
        with_body(
            Method::POST,
            "/v1/me/password",
            Body::Json(json!({ "current_password": "not it", "new_password": "a brand new password" })),
            false,
            [401, 422, 422, 422, 422, 422, 422, 403, 403, 403],
        ),
        row(Method::GET, "/v1/municipalities", public),
        row(Method::GET, loos, public),
        row(Method::GET, &format!("{loos}/neighbourhoods"), public),
        // The admin manages neighbourhoods (and their populations); anyone reads them.
        write(Method::POST, &format!("{loos}/neighbourhoods"), false, admin_write),
        row(Method::GET, &format!("{loos}/neighbourhoods/centre-ville"), public),
        // Indicators: anyone reads them (staff's count every request).
        row(Method::GET, &format!("{loos}/indicators"), public),
        // The services' workload names agents: staff only.
        row(Method::GET, &format!("{loos}/workload"), staff_only),
        // Participants: staff list and record them; a member records themselves (an empty record
        // has no consent) and reads and changes their own; anyone reads the contributors.
        row(Method::GET, &format!("{loos}/participants"), staff_only),
        write(Method::POST, &format!("{loos}/participants"), false, [401, 422, 422, 422, 422, 422, 404, 403, 403, 403]),
        row(
            Method::GET,
            &format!("{loos}/participants/{participant}"),
            [401, 404, 200, 200, 200, 200, 404, 403, 403, 403],
        ),
        write(
            Method::PATCH,
            &format!("{loos}/participants/{participant}"),
            true,
            [401, 404, 412, 412, 412, 412, 404, 403, 403, 403],
        ),
        write(Method::POST, &format!("{loos}/participants/{participant}/participations"), false, staff_write),
        // No such participant: erasing changes nothing the other rows use.
        row(
            Method::DELETE,
            &format!("{loos}/participants/0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e"),
            [401, 404, 404, 404, 404, 404, 404, 403, 403, 403],
        ),
        row(Method::GET, &format!("{loos}/contributors"), public),
        // Open data: anyone downloads it.
        row(Method::GET, &format!("{loos}/exports/requests.csv"), public),
        // Evaluation rounds: anyone reads the concluded ones; staff run them (a concluded round
        // changes no more: 409 once the version matches, a stale one first).
        row(Method::GET, &format!("{loos}/evaluation-rounds"), public),
        write(Method::POST, &format!("{loos}/evaluation-rounds"), false, staff_write),
        row(Method::GET, &format!("{loos}/evaluation-rounds/{round}"), public),
        write(Method::PATCH, &format!("{loos}/evaluation-rounds/{round}"), true, staff_stale),
        write(Method::POST, &format!("{loos}/evaluation-rounds/{round}/transitions"), true, staff_stale),
        // Narratives: anyone reads the published ones; members write (an empty one is invalid);
        // staff publish; the author or staff withdraw (another inhabitant may not).
        row(Method::GET, &format!("{loos}/narratives"), public),
        write(Method::POST, &format!("{loos}/narratives"), false, [401, 422, 422, 422, 422, 422, 404, 403, 403, 403]),
        row(Method::GET, &format!("{loos}/narratives/{narrative}"), public),
        write(Method::POST, &format!("{loos}/narratives/{narrative}/publish"), true, staff_stale),
        write(
            Method::POST,
            &format!("{loos}/narratives/{narrative}/withdraw"),
            true,
            [401, 403, 412, 412, 412, 412, 404, 403, 403, 403],
        ),
        write(Method::PATCH, &format!("{loos}/neighbourhoods/centre-ville"), true, admin_stale),
        row(Method::GET, "/v1/vocabulary", public),
        row(Method::GET, "/.well-known/jwks.json", public),
        row(Method::GET, "/v1/me", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        // Personal data: a person's own (a machine client has none); a requester's by tracking code
        // (a token is not looked at); a person's, by the town's admin. Erasures need a body that
        // confirms them or names someone: `{}` is refused once allowed.
        row(Method::GET, "/v1/me/personal-data", [401, 200, 200, 200, 200, 200, 200, 403, 403, 403]),
        write(Method::POST, "/v1/me/personal-data/erasure", false, [401, 422, 422, 422, 422, 422, 422, 403, 403, 403]),
        row(Method::GET, &format!("{loos}/tracking/{tracking_code}/personal-data"), public),
        write(Method::POST, &format!("{loos}/tracking/{tracking_code}/personal-data/erasure"), false, [422; 10]),
        write(Method::POST, &format!("{loos}/personal-data/exports"), false, admin_write),
        write(Method::POST, &format!("{loos}/personal-data/erasures"), false, admin_write),
        row(Method::GET, &format!("{loos}/personal-data/erasures"), admin_only),
        row(
            Method::GET,
            &format!("{loos}/personal-data/erasures/0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01"),
            [401, 403, 403, 403, 404, 404, 404, 403, 403, 403],
        ),
        write(Method::POST, "/v1/municipalities", false, [401, 403, 403, 403, 403, 422, 403, 403, 403, 403]),
        write(Method::PATCH, loos, true, admin_stale),
        row(Method::GET, &format!("{loos}/accounts"), admin_only),
        write(Method::POST, &format!("{loos}/accounts"), false, admin_write),
        row(Method::GET, &format!("{loos}/accounts/{agent_id}"), admin_only),
        write(Method::PATCH, &format!("{loos}/accounts/{agent_id}"), true, admin_stale),
        row(Method::GET, &format!("{loos}/services"), staff_only),
        write(Method::POST, &format!("{loos}/services"), false, admin_write),
        row(Method::GET, &format!("{loos}/services/services-techniques"), staff_only),
        with_body(
            Method::PATCH,
            &format!("{loos}/services/services-techniques"),
            Body::Json(json!({ "name": "Services techniques" })),
            true,
            admin_stale,
        ),
        row(Method::GET, &format!("{loos}/delegations"), staff_only),
        write(Method::POST, &format!("{loos}/delegations"), false, admin_write),
        row(Method::GET, &format!("{loos}/delegations/travaux-et-urbanisme"), staff_only),
        write(Method::PATCH, &format!("{loos}/delegations/travaux-et-urbanisme"), true, admin_stale),
        row(Method::GET, &format!("{loos}/clients"), admin_only),
        write(Method::POST, &format!("{loos}/clients"), false, admin_write),
        row(Method::GET, &format!("{loos}/clients/{client_id}"), admin_only),
        write(Method::PATCH, &format!("{loos}/clients/{client_id}"), true, admin_stale),
        // Rotation needs no If-Match: an allowed caller gets the new secret.
        with_body(Method::POST, &format!("{loos}/clients/{rotated_client}/secret"), Body::None, false, admin_only),
        // Webhooks: the town's admin manages every subscription; a partner's tool with
        // `webhooks:manage` (cl+) only its own, so the town's is none of its business (404).
        // Staff hand a redirected request over (the empty body names no body: 422).
        write(Method::POST, &format!("{request}/handover"), true, staff_write),
        // A partner's tool lists its association's requests; staff list them all elsewhere (403).
        row(Method::GET, &format!("{loos}/association/requests"), [401, 403, 403, 403, 403, 403, 404, 200, 403, 403]),
        row(Method::GET, &format!("{loos}/webhooks"), [401, 403, 403, 403, 200, 200, 404, 200, 403, 403]),
        write(Method::POST, &format!("{loos}/webhooks"), false, [401, 403, 403, 403, 422, 422, 404, 422, 403, 403]),
        row(Method::GET, &format!("{loos}/webhooks/{webhook}"), webhook_owner),
        write(Method::PATCH, &format!("{loos}/webhooks/{webhook}"), true, webhook_stale),
        write(Method::DELETE, &format!("{loos}/webhooks/{webhook}"), true, webhook_stale),
        with_body(Method::POST, &format!("{loos}/webhooks/{webhook}/secret"), Body::None, false, webhook_owner),
        // The receiver is not listening: the ping answers what happened (200, `succeeded: false`).
        with_body(Method::POST, &format!("{loos}/webhooks/{webhook}/ping"), Body::None, false, webhook_owner),
        row(Method::GET, &format!("{loos}/webhooks/{webhook}/deliveries"), webhook_owner),
        row(Method::GET, &format!("{loos}/webhooks/{webhook}/deliveries/{NO_DELIVERY}"), no_delivery),
        with_body(
            Method::POST,
            &format!("{loos}/webhooks/{webhook}/deliveries/{NO_DELIVERY}/redeliver"),
            Body::None,
            false,
            no_delivery,
        ),
        row(Method::GET, &format!("{loos}/themes"), public),
        write(Method::POST, &format!("{loos}/themes"), false, admin_write),
        row(Method::GET, &format!("{loos}/themes/culture"), public),
        with_body(
            Method::PATCH,
            &format!("{loos}/themes/culture"),
            Body::Json(json!({ "name": "Culture" })),
            true,
            admin_stale,
        ),
        row(Method::GET, &format!("{loos}/requests"), public),
        // Anyone may submit, except a partner's tool without `requests:write`.
        write(Method::POST, &format!("{loos}/requests"), false, [422, 422, 422, 422, 422, 422, 422, 422, 403, 403]),
        row(Method::GET, &request, staff_or_nothing),
        write(Method::PATCH, &request, true, staff_stale),
        write(Method::POST, &format!("{request}/transitions"), true, staff_stale),
        with_body(Method::POST, &format!("{request}/publish"), Body::None, true, staff_stale),
        with_body(Method::POST, &format!("{request}/unpublish"), Body::None, true, staff_stale),
        row(Method::GET, &format!("{request}/history"), staff_only),
        row(Method::GET, &format!("{request}/answers"), staff_or_nothing),
        write(Method::POST, &format!("{request}/answers"), false, staff_write),
        row(Method::GET, &format!("{loos}/tracking/{tracking_code}"), public),
        // Open311: a token is not looked at; a report needs a client's secret as `api_key`.
        row(Method::GET, "/open311/v2/discovery.json", public),
        row(Method::GET, "/open311/v2/services.xml?jurisdiction_id=loos-en-gohelle", public),
        row(Method::GET, "/open311/v2/services/roads-and-traffic.json?jurisdiction_id=loos-en-gohelle", public),
        row(Method::GET, "/open311/v2/requests.json?jurisdiction_id=loos-en-gohelle", public),
        row(Method::GET, &format!("/open311/v2/requests/{request_id}.json?jurisdiction_id=loos-en-gohelle"), [404; 10]),
        with_body(
            Method::POST,
            "/open311/v2/requests.json",
            Body::Form(&[("jurisdiction_id", "loos-en-gohelle")]),
            false,
            [403; 10],
        ),
        // Qualification and routing: the town's staff only.
        row(Method::GET, &format!("{request}/qualification"), staff_only),
        write(Method::PUT, &format!("{request}/qualification"), true, staff_stale),
        row(Method::GET, &format!("{request}/suggestions"), staff_only),
        row(
            Method::GET,
            &format!("{loos}/requests?assigned_to=me"),
            [401, 403, 200, 200, 200, 200, 403, 403, 403, 403],
        ),
        row(Method::GET, &format!("/v1/municipalities/grenay/tracking/{tracking_code}"), [404; 10]),
        // Participation: anyone reads an opened process; staff run it; elected officials decide.
        row(Method::GET, &format!("{loos}/processes"), public),
        write(Method::POST, &format!("{loos}/processes"), false, staff_write),
        row(Method::GET, &process, public),
        row(Method::GET, &format!("{process}/history"), public),
        write(Method::POST, &format!("{process}/transitions"), true, staff_stale),
        write(Method::POST, &format!("{process}/level"), true, staff_stale),
        write(Method::POST, &format!("{process}/requests"), true, staff_stale),
        write(Method::PUT, &format!("{process}/decision"), true, elected_stale),
        write(Method::POST, &format!("{process}/meetings"), false, staff_write),
        row(Method::GET, &format!("{loos}/meetings"), public),
        row(Method::GET, &format!("{loos}/meetings.ics"), public),
        row(Method::GET, &meeting, public),
        write(Method::PATCH, &meeting, true, staff_stale),
        write(Method::PUT, &format!("{meeting}/minutes"), true, staff_stale),
        // The meeting named has no minutes yet: nothing to deliver, nor to react to.
        write(
            Method::POST,
            &format!("{meeting}/deliveries"),
            false,
            [401, 403, 409, 409, 409, 409, 404, 403, 403, 403],
        ),
        write(Method::POST, &format!("{meeting}/reactions"), false, [409; 10]),
        row(Method::GET, &format!("{meeting}/reactions"), staff_only),
        write(Method::POST, &format!("{process}/notices"), false, staff_write),
        row(Method::GET, &format!("{loos}/notices"), public),
        row(Method::GET, &format!("{loos}/notices/{notice}"), public),
        write(Method::POST, &format!("{process}/surveys"), false, staff_write),
        row(Method::GET, &format!("{loos}/surveys"), public),
        row(Method::GET, &format!("{loos}/surveys/{survey}"), public),
        // Anyone may answer (an empty ballot is invalid whoever sends it).
        write(Method::POST, &format!("{loos}/surveys/{survey}/ballots"), false, [422; 10]),
        write(Method::POST, &format!("{loos}/surveys/{survey}/codes"), false, staff_write),
        write(Method::POST, &format!("{loos}/surveys/{survey}/paper-ballots"), false, staff_write),
        // The demo's survey is closed already.
        with_body(
            Method::POST,
            &format!("{loos}/surveys/{survey}/close"),
            Body::None,
            false,
            [401, 403, 409, 409, 409, 409, 404, 403, 403, 403],
        ),
        // Steps ahead and promises: staff record and follow them; anyone reads those of public things.
        row(Method::GET, &format!("{loos}/steps"), public),
        write(Method::POST, &format!("{loos}/steps"), false, staff_write),
        row(Method::GET, &format!("{loos}/steps/{step}"), public),
        write(Method::PATCH, &format!("{loos}/steps/{step}"), true, staff_stale),
        row(Method::GET, &format!("{loos}/promises"), public),
        write(Method::POST, &format!("{loos}/promises"), false, staff_write),
        row(Method::GET, &format!("{loos}/promises/{promise}"), public),
        write(Method::POST, &format!("{loos}/promises/{promise}/kept"), true, staff_stale),
        write(Method::POST, &format!("{loos}/promises/{promise}/withdrawal"), true, staff_stale),
        // Standing bodies: anyone reads a body and its meetings; only staff know its members.
        row(Method::GET, &format!("{loos}/bodies"), public),
        write(Method::POST, &format!("{loos}/bodies"), false, staff_write),
        row(Method::GET, &format!("{loos}/bodies/{body}"), public),
        row(Method::GET, &format!("{loos}/bodies/{body}/members"), staff_only),
        write(Method::POST, &format!("{loos}/bodies/{body}/members"), false, staff_write),
        // No such member: the staff's 404 (erasing changes nothing the other rows use).
        row(
            Method::DELETE,
            &format!("{loos}/bodies/{body}/members/0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e"),
            [401, 403, 404, 404, 404, 404, 404, 403, 403, 403],
        ),
        row(Method::GET, &format!("{loos}/bodies/{body}/meetings"), public),
        row(Method::GET, &format!("{loos}/bodies/{body}/meetings/{body_meeting}"), public),
        write(Method::POST, &format!("{loos}/bodies/{body}/meetings"), false, staff_write),
        write(Method::PUT, &format!("{loos}/bodies/{body}/meetings/{body_meeting}/minutes"), true, staff_stale),
        // Draws by lot are public acts; staff make them.
        row(Method::GET, &format!("{loos}/draws"), public),
        write(Method::POST, &format!("{loos}/draws"), false, staff_write),
        row(Method::GET, &format!("{loos}/draws/{draw}"), public),
        // Fifty-fifty projects: staff start, diagnose and move them; anyone reads the public ones.
        row(Method::GET, &format!("{loos}/projects"), public),
        write(Method::POST, &format!("{loos}/projects"), false, staff_write),
        row(Method::GET, &format!("{loos}/projects/{project}"), public),
        write(Method::PUT, &format!("{loos}/projects/{project}/diagnostic"), true, staff_stale),
        write(Method::POST, &format!("{loos}/projects/{project}/transitions"), true, staff_stale),
        row(Method::GET, &format!("{loos}/projects/{project}/history"), staff_only),
        // Conventions: staff draft, attest and open them; anyone reads the signed ones; the
        // signatures come from the parties (by their own account) and from staff (paper originals).
        row(Method::GET, &format!("{loos}/conventions"), public),
        // The directory of organisations: anyone reads those listed publicly; staff keep it.
        row(Method::GET, &format!("{loos}/organisations"), public),
        write(Method::POST, &format!("{loos}/organisations"), false, staff_write),
        row(Method::GET, &format!("{loos}/organisations/{organisation}"), public),
        write(Method::PATCH, &format!("{loos}/organisations/{organisation}"), true, staff_stale),
        // The clauses new conventions start with: public; the admin writes them.
        row(Method::GET, &format!("{loos}/clause-templates"), public),
        write(Method::PUT, &format!("{loos}/clause-templates"), true, admin_write),
        write(Method::POST, &format!("{loos}/projects/{project}/convention"), true, staff_stale),
        row(Method::GET, &format!("{loos}/conventions/{convention}"), public),
        row(Method::GET, &format!("{loos}/conventions/{convention}/versions/1"), public),
        row(Method::GET, &format!("{loos}/conventions/{convention}/document"), public),
        write(
            Method::PUT,
            &format!("{loos}/conventions/{convention}/commitments/0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e/fulfilment"),
            true,
            // Staff, and a party's tool with `projects:write` (its own commitments: the use case decides).
            [401, 403, 412, 412, 412, 412, 404, 403, 403, 412],
        ),
        write(Method::PUT, &format!("{loos}/conventions/{convention}/participants"), true, staff_stale),
        write(Method::PUT, &format!("{loos}/conventions/{convention}/costs"), true, staff_stale),
        // The demo's flower boxes are not completed: renewing them is refused to staff.
        write(
            Method::POST,
            &format!("{loos}/conventions/{convention}/renewal"),
            false,
            [401, 403, 409, 409, 409, 409, 404, 403, 403, 403],
        ),
        row(Method::GET, &format!("{loos}/projects/{project}/series"), public),
        write(Method::PUT, &format!("{loos}/conventions/{convention}"), true, staff_stale),
        write(Method::POST, &format!("{loos}/conventions/{convention}/transitions"), true, staff_stale),
        write(
            Method::PUT,
            &format!("{loos}/conventions/{convention}/parties/{party}/insurance"),
            true,
            // A party's own account attests its own (this public convention's parties have none).
            [401, 403, 412, 412, 412, 412, 404, 403, 403, 403],
        ),
        write(Method::PUT, &format!("{loos}/conventions/{convention}/volunteers-cover"), true, staff_stale),
        write(
            Method::POST,
            &format!("{loos}/conventions/{convention}/signatures"),
            true,
            // An inhabitant who is not a party learns nothing of it.
            [401, 404, 412, 412, 412, 412, 404, 403, 403, 403],
        ),
    ]
}

/// What a security review expects of this answer, every one of the matrix's: no content sniffing,
/// and no cache may keep an answer that can carry personal data or a secret (anything answered
/// to a token, every write's answer, a tracking page).
fn security_header_problems(row: &Row, authenticated: bool, response: &reqwest::Response, caller: &str) -> Vec<String> {
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut problems = Vec::new();
    if header("x-content-type-options") != "nosniff" {
        problems.push(format!("{} {} as {caller}: no X-Content-Type-Options: nosniff", row.method, row.path));
    }
    // The published keys and the calendar feed are the same for everyone (a token is not looked
    // at): cacheable.
    let same_for_everyone = row.path.starts_with("/.well-known/") || row.path.ends_with("/meetings.ics");
    let tracking = row.path.contains("/tracking/") && response.status().is_success();
    let personal = (authenticated && !same_for_everyone) || row.method != Method::GET || tracking;
    if personal && !header("cache-control").contains("no-store") {
        problems.push(format!("{} {} as {caller}: no Cache-Control: no-store", row.method, row.path));
    }
    problems
}

/// The committed contract.
fn committed_contract() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("the committed contract")).expect("JSON")
}

/// The operations of the committed contract, as `METHOD /template`.
fn contract_operations() -> Vec<(String, String)> {
    let contract = committed_contract();
    let mut operations = Vec::new();
    for (template, item) in contract["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("a path item").keys() {
            operations.push((method.to_uppercase(), template.clone()));
        }
    }
    assert!(!operations.is_empty(), "the contract has operations");
    operations
}

/// The contract's template for a concrete path: same segments, `{…}` matching any one; of
/// several, the one with the most literal segments.
fn template_of<'a>(templates: impl IntoIterator<Item = &'a String>, path: &str) -> Option<&'a String> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    templates
        .into_iter()
        .filter(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len() && parts.iter().zip(&segments).all(|(part, segment)| fits(part, segment))
        })
        .max_by_key(|template| template.split('/').filter(|part| !part.starts_with('{')).count())
}

/// Whether a path segment fits a template's: the same text outside its parameters (Open311's
/// `services.{format}`, `{service_request_id}.{format}`), each parameter standing for anything.
fn fits(part: &str, segment: &str) -> bool {
    let literals: Vec<&str> = part
        .split('{')
        .enumerate()
        .map(|(i, piece)| if i == 0 { piece } else { piece.split_once('}').map_or("", |(_, after)| after) })
        .collect();
    let Some(rest) = segment.strip_prefix(literals[0]) else { return false };
    if literals.len() == 1 {
        return rest.is_empty();
    }
    let last = literals[literals.len() - 1];
    let Some(mut rest) = rest.strip_suffix(last) else { return false };
    for literal in &literals[1..literals.len() - 1] {
        match rest.find(literal) {
            Some(at) => rest = &rest[at + literal.len()..],
            None => return false,
        }
    }
    true
}

#[test]
fn concrete_paths_map_back_to_their_contract_templates() {
    let templates: Vec<String> =
        ["/v1/me", "/v1/municipalities/{municipality}", "/v1/municipalities/{municipality}/requests/{request}"]
            .map(String::from)
            .to_vec();
    assert_eq!(template_of(&templates, "/v1/municipalities/loos/requests/42?x=1"), Some(&templates[2]));
    assert_eq!(template_of(&templates, "/v1/municipalities/loos"), Some(&templates[1]));
    assert_eq!(template_of(&templates, "/v1/me"), Some(&templates[0]));
    assert_eq!(template_of(&templates, "/v1/municipalities/loos/requests"), None);
    assert_eq!(template_of(&templates, "/v1/you"), None);
    let open311: Vec<String> = ["/open311/v2/services.{format}", "/open311/v2/requests/{service_request_id}.{format}"]
        .map(String::from)
        .to_vec();
    assert_eq!(template_of(&open311, "/open311/v2/services.json"), Some(&open311[0]));
    assert_eq!(template_of(&open311, "/open311/v2/requests/42.xml?jurisdiction_id=loos"), Some(&open311[1]));
    assert_eq!(template_of(&open311, "/open311/v2/services"), None);
    assert_eq!(template_of(&open311, "/open311/v2/requests/42"), None);
}

#[test]
fn every_operation_of_the_contract_has_a_row_in_the_matrix() {
    let operations = contract_operations();
    let templates: Vec<String> = operations.iter().map(|(_, template)| template.clone()).collect();
    let placeholder = "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e".to_owned();
    let ids = Ids {
        agent: placeholder.clone(),
        client: placeholder.clone(),
        rotated_client: placeholder.clone(),
        request: placeholder.clone(),
        tracking_code: "A".repeat(26),
        process: placeholder.clone(),
        meeting: placeholder.clone(),
        notice: placeholder.clone(),
        survey: placeholder.clone(),
        step: placeholder.clone(),
        promise: placeholder.clone(),
        body: placeholder.clone(),
        body_meeting: placeholder.clone(),
        draw: placeholder.clone(),
        project: placeholder.clone(),
        convention: placeholder.clone(),
        party: placeholder.clone(),
        organisation: placeholder.clone(),
        narrative: placeholder.clone(),
        participant: placeholder.clone(),
        round: placeholder.clone(),
        webhook: placeholder,
    };
    let mut covered = Vec::new();
    let mut strays = Vec::new();
    for row in rows(&ids) {
        let operation =
            template_of(&templates, &row.path).map(|template| (row.method.as_str().to_owned(), template.clone()));
        match operation {
            Some(operation) if operations.contains(&operation) => covered.push(operation),
            _ => strays.push(format!("{} {}", row.method, row.path)),
        }
    }
    let missing: Vec<String> = operations
        .iter()
        .filter(|operation| !covered.contains(operation))
        .map(|(method, template)| format!("{method} {template}"))
        .collect();
    assert!(missing.is_empty(), "operations of the contract with no row in the matrix:\n{}", missing.join("\n"));
    assert!(strays.is_empty(), "rows that are no operation of the contract:\n{}", strays.join("\n"));
}

/// A token per caller (`None` for anonymous).
async fn tokens(app: &TestApp) -> Vec<Option<String>> {
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    // A second client of Loos with a scope that grants nothing on these endpoints.
    let created = app
        .authed(Method::POST, "/v1/municipalities/loos-en-gohelle/clients", &admin)
        .json(&json!({ "name": "Lecteur de projets", "association": "Les Bâtisseurs", "scopes": ["projects:read"] }))
        .send()
        .await
        .unwrap();
    let created = json(created).await;
    let unscoped =
        app.client_login(created["client_id"].as_str().unwrap(), created["client_secret"].as_str().unwrap()).await;
    vec![
        None,
        Some(app.login("inhabitant@loos-en-gohelle.demo").await),
        Some(app.login("agent@loos-en-gohelle.demo").await),
        Some(app.login("elected@loos-en-gohelle.demo").await),
        Some(admin),
        Some(app.login("platform@implication.demo").await),
        Some(app.login("admin@grenay.demo").await),
        Some(app.client_login(CLIENT_ID, CLIENT_SECRET).await),
        Some(unscoped),
        Some(app.client_login(PARTY_CLIENT_ID, PARTY_CLIENT_SECRET).await),
    ]
}

/// The status `row` answers with `token`.
async fn send(app: &TestApp, row: &Row, token: Option<&str>) -> u16 {
    request(app, row, token).send().await.unwrap().status().as_u16()
}

/// What `row` sends, with `token`.
fn request(app: &TestApp, row: &Row, token: Option<&str>) -> reqwest::RequestBuilder {
    let mut request = app.client.request(row.method.clone(), app.url(&row.path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request = match &row.body {
        Body::None => request,
        Body::Json(body) => request.json(body),
        Body::Form(form) => request.form(form),
    };
    if row.if_match {
        request = request.header("If-Match", "\"0\"");
    }
    request
}

/// What an operation's `security` says of tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    /// `[]`: never looked at.
    None,
    /// `[{"bearer": []}]`: required.
    Bearer,
    /// `[{}, {"bearer": []}]`: optional, and it changes the answer.
    Optional,
}

fn security_of(operation: &serde_json::Value) -> Option<Security> {
    let bearer = json!({ "bearer": [] });
    match operation["security"].as_array()?.as_slice() {
        [] => Some(Security::None),
        [only] if *only == bearer => Some(Security::Bearer),
        [anonymous, token] if *anonymous == json!({}) && *token == bearer => Some(Security::Optional),
        _ => None,
    }
}

/// The `security` each operation declares is what its rows of the matrix show, and what a
/// token that is no token at all gets: `[]`, every caller gets the same answer and the bad token
/// is not looked at; `[{bearer}]`, the anonymous caller gets 401; `[{}, {bearer}]`, the anonymous
/// caller is answered on some row (a token changes that answer), and a bad token is a 401.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_operation_declares_the_security_its_rows_show() {
    let app = spawn_demo_app().await;
    let contract = committed_contract();
    let templates: Vec<String> = contract["paths"].as_object().expect("paths").keys().cloned().collect();
    let placeholder = "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e".to_owned();
    let ids = Ids {
        agent: placeholder.clone(),
        client: placeholder.clone(),
        rotated_client: placeholder.clone(),
        request: placeholder.clone(),
        tracking_code: "a".repeat(26),
        process: placeholder.clone(),
        meeting: placeholder.clone(),
        notice: placeholder.clone(),
        survey: placeholder.clone(),
        step: placeholder.clone(),
        promise: placeholder.clone(),
        body: placeholder.clone(),
        body_meeting: placeholder.clone(),
        draw: placeholder.clone(),
        project: placeholder.clone(),
        convention: placeholder.clone(),
        party: placeholder.clone(),
        organisation: placeholder.clone(),
        narrative: placeholder.clone(),
        participant: placeholder.clone(),
        round: placeholder.clone(),
        webhook: placeholder,
    };
    let mut answered_anonymously: Vec<String> = Vec::new();
    let mut mismatches = Vec::new();
    for row in rows(&ids) {
        let template = template_of(&templates, &row.path).expect("every row is an operation").clone();
        let method = row.method.as_str().to_lowercase();
        let at = format!("{} {template}", row.method);
        let Some(security) = security_of(&contract["paths"][&template][&method]) else {
            mismatches.push(format!("{at}: `security` is none of [], [{{bearer}}], [{{}}, {{bearer}}]"));
            continue;
        };
        let anonymous = row.expected[0];
        match security {
            Security::None if row.expected.iter().any(|status| *status != anonymous) => {
                mismatches.push(format!("{at}: `security: []`, but callers get {:?}", row.expected));
            }
            Security::Bearer if anonymous != 401 => {
                mismatches.push(format!("{at}: a token is required, but anonymous callers get {anonymous}"));
            }
            _ => {}
        }
        if anonymous != 401 {
            answered_anonymously.push(at.clone());
        }
        let status = send(&app, &row, Some("not.a.token")).await;
        let expected = if security == Security::None { send(&app, &row, None).await } else { 401 };
        if status != expected {
            mismatches.push(format!("{at} with a bad token: {status}, expected {expected}"));
        }
    }
    for (method, template) in contract_operations() {
        let at = format!("{method} {template}");
        let security = security_of(&contract["paths"][&template][method.to_lowercase()]);
        if security == Some(Security::Optional) && !answered_anonymously.contains(&at) {
            mismatches.push(format!("{at}: a token is optional, but anonymous callers are refused on every row"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_answers_each_kind_of_caller_as_the_rules_say() {
    let app = spawn_demo_app().await;
    let tokens = tokens(&app).await;
    let admin = tokens[4].clone().unwrap();
    let accounts =
        json(app.authed(Method::GET, "/v1/municipalities/loos-en-gohelle/accounts", &admin).send().await.unwrap())
            .await;
    let agent_id = accounts["items"].as_array().unwrap().iter().find(|a| a["role"] == "agent").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let clients =
        json(app.authed(Method::GET, "/v1/municipalities/loos-en-gohelle/clients", &admin).send().await.unwrap()).await;
    let client_id = clients["items"][0]["id"].as_str().unwrap().to_owned();
    let loos = "/v1/municipalities/loos-en-gohelle";
    let rotated = app
        .authed(Method::POST, &format!("{loos}/clients"), &admin)
        .json(&json!({ "name": "Outil à faire tourner", "association": "Les Bâtisseurs", "scopes": ["requests:read"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), 201);
    let rotated_client = json(rotated).await["id"].as_str().unwrap().to_owned();
    // A private request, typed in by an agent, and the tracking code of another.
    let agent = tokens[2].clone().unwrap();
    let letter = json!({ "kind": "need", "title": "Courrier", "description": "Une lettre.", "channel": "letter" });
    let typed_in = app.authed(Method::POST, &format!("{loos}/requests"), &agent).json(&letter).send().await.unwrap();
    assert_eq!(typed_in.status(), 201);
    let request_id = json(typed_in).await["id"].as_str().unwrap().to_owned();
    let anonymous = json!({ "kind": "idea", "title": "Idée", "description": "Une idée." });
    let submitted = app.client.post(app.url(&format!("{loos}/requests"))).json(&anonymous).send().await.unwrap();
    assert_eq!(submitted.status(), 201);
    let tracking_code = json(submitted).await["tracking_code"].as_str().unwrap().to_owned();
    let processes = json(app.get(&format!("{loos}/processes")).await).await;
    let process = processes["items"][0]["id"].as_str().unwrap().to_owned();
    let meetings = json(app.get(&format!("{loos}/meetings")).await).await;
    let meeting = meetings["items"][0]["id"].as_str().unwrap().to_owned();
    let notices = json(app.get(&format!("{loos}/notices")).await).await;
    let notice = notices["items"][0]["id"].as_str().unwrap().to_owned();
    let surveys = json(app.get(&format!("{loos}/surveys")).await).await;
    let survey = surveys["items"][0]["id"].as_str().unwrap().to_owned();
    let steps = json(app.get(&format!("{loos}/steps")).await).await;
    let step = steps["items"][0]["id"].as_str().unwrap().to_owned();
    let promises = json(app.get(&format!("{loos}/promises")).await).await;
    let promise = promises["items"][0]["id"].as_str().unwrap().to_owned();
    let bodies = json(app.get(&format!("{loos}/bodies")).await).await;
    let body = bodies["items"][0]["id"].as_str().unwrap().to_owned();
    let body_meetings = json(app.get(&format!("{loos}/bodies/{body}/meetings")).await).await;
    let body_meeting = body_meetings["items"][0]["id"].as_str().unwrap().to_owned();
    let draws = json(app.get(&format!("{loos}/draws")).await).await;
    let draw = draws["items"][0]["id"].as_str().unwrap().to_owned();
    let projects = json(app.get(&format!("{loos}/projects")).await).await;
    let project = projects["items"][0]["id"].as_str().unwrap().to_owned();
    let project_view = json(app.get(&format!("{loos}/projects/{project}")).await).await;
    let convention = project_view["convention"].as_str().expect("the demo's signed convention").to_owned();
    let convention_view = json(app.get(&format!("{loos}/conventions/{convention}")).await).await;
    let party = convention_view["parties"][0]["id"].as_str().unwrap().to_owned();
    let organisations = json(app.get(&format!("{loos}/organisations")).await).await;
    let organisation = organisations["items"][0]["id"].as_str().unwrap().to_owned();
    let narratives = json(app.get(&format!("{loos}/narratives")).await).await;
    let narrative = narratives["items"][0]["id"].as_str().expect("the demo's published narrative").to_owned();
    let participants =
        json(app.authed(Method::GET, &format!("{loos}/participants"), &admin).send().await.unwrap()).await;
    let participant = participants["items"][0]["id"].as_str().expect("the demo's participants").to_owned();
    let rounds = json(app.get(&format!("{loos}/evaluation-rounds")).await).await;
    let round = rounds["items"][0]["id"].as_str().expect("the demo's concluded round").to_owned();
    // A subscription of the town, to a receiver on this machine (made by the use case: the demo
    // app does not allow loopback receivers).
    let webhook = town_webhook(&app).await;
    let ids = Ids {
        agent: agent_id,
        client: client_id,
        rotated_client,
        request: request_id,
        tracking_code,
        process,
        meeting,
        notice,
        survey,
        step,
        promise,
        body,
        body_meeting,
        draw,
        project,
        convention,
        party,
        organisation,
        narrative,
        participant,
        round,
        webhook,
    };
    let rows = rows(&ids);

    let mut mismatches = Vec::new();
    for row in &rows {
        for (i, token) in tokens.iter().enumerate() {
            let response = request(&app, row, token.as_deref()).send().await.unwrap();
            mismatches.extend(security_header_problems(row, token.is_some(), &response, CALLERS[i]));
            let status = response.status().as_u16();
            if status != row.expected[i] {
                mismatches.push(format!(
                    "{} {} as {}: {status}, expected {}",
                    row.method, row.path, CALLERS[i], row.expected[i]
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_municipalitys_admin_gets_404_for_accounts_that_exist() {
    let app = spawn_demo_app().await;
    let grenay_admin = app.login("admin@grenay.demo").await;
    let loos_admin = app.login("admin@loos-en-gohelle.demo").await;
    let accounts =
        json(app.authed(Method::GET, "/v1/municipalities/loos-en-gohelle/accounts", &loos_admin).send().await.unwrap())
            .await;
    let id = accounts["items"][0]["id"].as_str().unwrap();
    let foreign = app
        .authed(Method::GET, &format!("/v1/municipalities/loos-en-gohelle/accounts/{id}"), &grenay_admin)
        .send()
        .await
        .unwrap();
    let unknown = app.authed(Method::GET, "/v1/municipalities/nowhere/accounts", &grenay_admin).send().await.unwrap();
    assert_eq!(foreign.status(), 404);
    assert_eq!(unknown.status(), 404);
    let (foreign, unknown) = (json(foreign).await, json(unknown).await);
    assert_eq!(foreign["type"], unknown["type"], "existence does not leak through the problem type");
}

/// A delivery no subscription has.
const NO_DELIVERY: &str = "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e09";

/// Subscribes the town of Loos to `request.created`, for a receiver on this machine that does not
/// listen; its id.
async fn town_webhook(app: &TestApp) -> String {
    use implication_app::webhooks::{Sender, SenderSettings, subscriptions};
    use implication_domain::webhooks::subscription::SubscriptionDraft;
    use implication_domain::webhooks::{Owner, target::Policy};
    let sender = Sender::new(SenderSettings {
        policy: Policy { allow_loopback: true },
        timeout: std::time::Duration::from_secs(1),
    })
    .unwrap();
    let loos =
        implication_storage::identity::municipalities::resolve(&app.db, "loos-en-gohelle").await.unwrap().unwrap();
    let draft = SubscriptionDraft {
        url: Some("http://127.0.0.1:9/hooks".to_owned()),
        event_types: Some(vec!["request.created".to_owned()]),
        ..SubscriptionDraft::default()
    };
    let (subscription, _) = subscriptions::subscribe(&app.db, &sender, &loos, Owner::Town, &draft).await.unwrap();
    subscription.id.to_string()
}
