//! What outside tools found: log levels of expected refusals, security headers, hostile input.

use crate::fixtures::TestTown;
use crate::helpers::{problem, spawn_app, spawn_demo_app};
use crate::logs::lines_of_request;
use implication_storage::sea_orm::{ConnectionTrait, TransactionTrait};
use implication_storage::{Backend, Database, PoolOptions};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expected_refusals_are_logged_below_error_and_every_line_carries_the_request_id() {
    let app = spawn_demo_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let platform = app.login("platform@implication.demo").await;
    let request_id = format!("refusals-{}", uuid::Uuid::now_v7());
    let created = town.request().title("Un journal calme").submitted().await;
    let transitions = town.at(&format!("/requests/{}/transitions", created.id));
    let send = |builder: reqwest::RequestBuilder| builder.header("X-Request-Id", &request_id).send();

    let stale = app.authed(Method::POST, &transitions, &agent).header("If-Match", "\"9\"");
    problem(send(stale.json(&json!({ "to": "qualifying" }))).await.unwrap(), 412).await;
    let refused = app.authed(Method::POST, &transitions, &agent).header("If-Match", "\"1\"");
    problem(send(refused.json(&json!({ "to": "closed" }))).await.unwrap(), 409).await;
    let invalid = app.authed(Method::POST, &transitions, &agent).header("If-Match", "\"1\"");
    problem(send(invalid.json(&json!({ "to": "nowhere" }))).await.unwrap(), 422).await;
    let taken = json!({ "slug": "grenay", "name": "Grenay", "insee_code": "62386", "population": 6900 });
    let duplicate = app.authed(Method::POST, "/v1/municipalities", &platform).json(&taken);
    problem(send(duplicate).await.unwrap(), 409).await;

    let lines = lines_of_request(&request_id);
    let answered: Vec<u64> =
        lines.iter().filter(|l| l["message"] == "request").filter_map(|l| l["status"].as_u64()).collect();
    assert_eq!(answered, [412, 409, 422, 409], "one request line each, with the request id: {lines:#?}");
    let errors: Vec<_> = lines.iter().filter(|l| l["level"] == "ERROR").collect();
    assert!(errors.is_empty(), "an expected refusal is no error: {errors:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_answers_carry_a_strict_content_security_policy_and_nothing_is_sniffed() {
    let app = spawn_app().await;
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let policy = docs.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.starts_with("default-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"), "{policy}");
    assert_eq!(docs.headers()["x-content-type-options"], "nosniff");
    let html = docs.text().await.unwrap();
    assert!(!html.contains("<script>"), "no inline script the policy would block: {html}");
    for path in ["/docs/swagger-ui-bundle.js", "/openapi.json", "/nowhere", "/v1/municipalities"] {
        let response = app.get(path).await;
        assert_eq!(response.headers()["x-content-type-options"], "nosniff", "{path}");
        assert!(!response.headers().contains_key("content-security-policy") || path.starts_with("/docs"), "{path}");
    }
}

/// A submission the database cuts off (a lock another connection holds; on PostgreSQL the
/// server then terminates the waiting connection, as a shutdown or restart does) is a 503 with
/// `Retry-After`, and retrying it with the same `Idempotency-Key` creates the request once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_the_database_cuts_off_is_a_503_and_its_retry_with_the_same_key_creates_once() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let other = Database::connect(app.database_url(), PoolOptions { max_connections: 1, ..PoolOptions::default() })
        .await
        .unwrap();
    let lock = other.conn().begin().await.unwrap();
    match other.backend() {
        Backend::Postgres => lock.execute_unprepared("LOCK TABLE requests IN ACCESS EXCLUSIVE MODE").await,
        Backend::Sqlite => lock.execute_unprepared("UPDATE municipalities SET population = population").await,
    }
    .unwrap();

    let body = json!({ "kind": "idea", "title": "Coupée en route", "description": "Une idée." });
    let submit =
        || app.client.post(app.url(&town.at("/requests"))).header("Idempotency-Key", "cut-off-1").json(&body).send();
    let (answer, ()) = tokio::join!(submit(), async {
        if other.backend() == Backend::Postgres {
            terminate_the_waiting_connection(&lock).await;
        }
    });
    let answer = answer.unwrap();
    assert_eq!(answer.headers().get("retry-after").map(|v| v.to_str().unwrap()), Some("5"));
    problem(answer, 503).await;
    lock.rollback().await.unwrap();

    let retried = submit().await.unwrap();
    assert_eq!(retried.status(), 201);
    let created: Value = retried.json().await.unwrap();
    let replayed: Value = submit().await.unwrap().json().await.unwrap();
    assert_eq!(replayed["id"], created["id"], "the same key answers the same request");
    let agent = town.agent().await;
    assert_eq!(town.list_ids(Some(&agent), "q=coupee").await, [created["id"].as_str().unwrap()]);
}

/// Waits for a connection of the app to wait on the lock `lock` holds, and terminates it the way
/// a server shutdown does (SQLSTATE 57P01).
async fn terminate_the_waiting_connection(lock: &implication_storage::sea_orm::DatabaseTransaction) {
    let waiting = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()";
    // Up to 20 s: on a loaded CI machine (the whole suite on two cores), the submission once took
    // more than 5 s to reach the lock.
    for _ in 0..800 {
        let terminated = lock.query_all_raw(implication_storage::sea_orm::Statement::from_string(
            implication_storage::sea_orm::DbBackend::Postgres,
            waiting,
        ));
        if !terminated.await.unwrap().is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the submission never waited on the lock");
}

/// What a hostile client puts in a string: NUL (which PostgreSQL's text refuses), a lone
/// surrogate (no valid UTF-8 encodes it) and U+202E (which turns text around on screen).
/// Percent-encoded for paths, queries and forms; JSON escapes for bodies.
const HOSTILE_ENCODED: [&str; 4] = ["%00", "a%00b", "%ED%A0%80", "%E2%80%AE"];
const HOSTILE_JSON: [&str; 4] = [r#""\u0000""#, r#""a\u0000b""#, r#""\ud800""#, r#""\u202e""#];

/// Every path parameter, query parameter and string field of the contract's operations, sent
/// in turn with each hostile value, anonymously and as the platform admin (who may call every
/// operation): refusals are fine, a 5xx never is. Writes carry `If-Match: *`, so that a value
/// the rules let through reaches the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_strings_in_every_parameter_and_field_of_the_contract_are_never_a_5xx() {
    let app = spawn_demo_app().await;
    let platform = app.login("platform@implication.demo").await;
    let contract: Value = serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap();
    let real = real_path_values(&app, &platform).await;
    let mut failures = Vec::new();
    let mut sent = 0;
    // A client id with a NUL, in HTTP Basic on the token endpoint (first: the walk below runs
    // into the token endpoint's rate limit).
    let basic = app.client.post(app.url("/v1/auth/token")).basic_auth("demo\0partner", Some("a secret"));
    let status = basic.form(&[("grant_type", "client_credentials")]).send().await.unwrap().status();
    if status != 401 {
        failures.push(format!("a client id with NUL in HTTP Basic: {status}, expected 401"));
    }
    for (template, item) in contract["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
            let path_of = |hostile: Option<(&str, &str)>| {
                let mut path = template.clone();
                for p in parameters.iter().filter(|p| p["in"] == "path") {
                    let name = p["name"].as_str().unwrap();
                    let value = match hostile {
                        Some((target, value)) if target == name => value.to_owned(),
                        _ => real.get(name).unwrap_or_else(|| panic!("no real value for {{{name}}}")).clone(),
                    };
                    path = path.replace(&format!("{{{name}}}"), &value);
                }
                path
            };
            let body = operation["requestBody"]["content"].as_object().and_then(|c| c.iter().next());
            let mut cases: Vec<Case> = Vec::new();
            for p in &parameters {
                let name = p["name"].as_str().unwrap();
                for hostile in HOSTILE_ENCODED {
                    match p["in"].as_str() {
                        Some("path") => cases.push((path_of(Some((name, hostile))), None, format!("{{{name}}}"))),
                        Some("query") => cases.push((format!("{}?{name}={hostile}", path_of(None)), None, name.into())),
                        _ => {}
                    }
                }
            }
            if let Some((content_type, media)) = body {
                let example = media["example"].clone();
                for field in string_fields(&contract, &media["schema"], &example) {
                    let hostile: &[&str] = if content_type.contains("json") { &HOSTILE_JSON } else { &HOSTILE_ENCODED };
                    for value in hostile {
                        let encoded = encode_with(content_type, &example, &field, value);
                        cases.push((path_of(None), Some((content_type.clone(), encoded)), field.join(".")));
                    }
                }
            }
            for (path, body, what) in cases {
                for token in [None, Some(platform.as_str())] {
                    let mut request = app.client.request(method.clone(), app.url(&path)).header("If-Match", "*");
                    if let Some(token) = token {
                        request = request.bearer_auth(token);
                    }
                    if let Some((content_type, text)) = &body {
                        request = request.header("Content-Type", content_type).body(text.clone());
                    }
                    let status = request.send().await.unwrap().status();
                    sent += 1;
                    if status.is_server_error() {
                        let who = if token.is_some() { "platform admin" } else { "anonymous" };
                        failures.push(format!("{method} {template} ({what}) as {who}: {status}"));
                    }
                }
            }
        }
    }
    assert!(sent > 500, "the walk sent {sent} requests");
    assert!(failures.is_empty(), "{} of {sent} answers were 5xx:\n{}", failures.len(), failures.join("\n"));
}

/// One hostile request: its path (and query), its body (content type and text), and what it targets.
type Case = (String, Option<(String, String)>, String);

/// Values that exist in the demo, for the path parameters a case does not target.
async fn real_path_values(
    app: &crate::helpers::TestApp,
    platform: &str,
) -> std::collections::HashMap<&'static str, String> {
    let loos = "/v1/municipalities/loos-en-gohelle";
    let first_id = |path: String| async move {
        let page: Value = app.authed(Method::GET, &path, platform).send().await.unwrap().json().await.unwrap();
        page["items"][0]["id"].as_str().unwrap().to_owned()
    };
    let submitted = json!({ "kind": "idea", "title": "Une idée", "description": "Pour suivre." });
    let submitted: Value = app
        .client
        .post(app.url(&format!("{loos}/requests")))
        .json(&submitted)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let body = first_id(format!("{loos}/bodies")).await;
    let member = first_id(format!("{loos}/bodies/{body}/members")).await;
    let project = first_id(format!("{loos}/projects")).await;
    let found: Value = app
        .authed(Method::GET, &format!("{loos}/projects/{project}"), platform)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let convention = found["convention"].as_str().unwrap().to_owned();
    let found: Value = app
        .authed(Method::GET, &format!("{loos}/conventions/{convention}"), platform)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let party = found["text"]["parties"][0]["id"].as_str().unwrap().to_owned();
    let commitment = found["text"]["parties"][0]["commitments"][0]["id"].as_str().unwrap().to_owned();
    std::collections::HashMap::from([
        ("municipality", "loos-en-gohelle".to_owned()),
        ("step", first_id(format!("{loos}/steps")).await),
        ("promise", first_id(format!("{loos}/promises")).await),
        ("draw", first_id(format!("{loos}/draws")).await),
        ("project", project),
        ("convention", convention),
        ("party", party),
        ("commitment", commitment),
        ("organisation", first_id(format!("{loos}/organisations")).await),
        ("narrative", first_id(format!("{loos}/narratives")).await),
        ("participant", first_id(format!("{loos}/participants")).await),
        ("round", first_id(format!("{loos}/evaluation-rounds")).await),
        // The demo has no webhook subscription: 404s, which must not be 5xx either.
        ("subscription", "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e02".to_owned()),
        ("delivery", "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e03".to_owned()),
        ("file", "requests.csv".to_owned()),
        ("format", "json".to_owned()),
        ("service_code", "roads-and-traffic".to_owned()),
        ("service_request_id", first_id(format!("{loos}/requests")).await),
        ("number", "1".to_owned()),
        ("body", body),
        ("member", member),
        ("request", first_id(format!("{loos}/requests")).await),
        ("process", first_id(format!("{loos}/processes")).await),
        ("meeting", first_id(format!("{loos}/meetings")).await),
        ("notice", first_id(format!("{loos}/notices")).await),
        ("survey", first_id(format!("{loos}/surveys")).await),
        ("account", first_id(format!("{loos}/accounts")).await),
        ("client", first_id(format!("{loos}/clients")).await),
        ("service", "services-techniques".to_owned()),
        ("neighbourhood", "centre-ville".to_owned()),
        ("delegation", "travaux-et-urbanisme".to_owned()),
        ("theme", "culture".to_owned()),
        ("tracking_code", submitted["tracking_code"].as_str().unwrap().to_owned()),
        ("erasure", "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01".to_owned()),
    ])
}

/// The paths (object keys and array indexes, as strings) of every string in the example, and of
/// every string property of the schema's top level that the example leaves out.
fn string_fields(contract: &Value, schema: &Value, example: &Value) -> Vec<Vec<String>> {
    fn walk(value: &Value, at: &mut Vec<String>, found: &mut Vec<Vec<String>>) {
        match value {
            Value::String(_) => found.push(at.clone()),
            Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| {
                at.push(i.to_string());
                walk(v, at, found);
                at.pop();
            }),
            Value::Object(fields) => fields.iter().for_each(|(k, v)| {
                at.push(k.clone());
                walk(v, at, found);
                at.pop();
            }),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(example, &mut Vec::new(), &mut found);
    let schema = match schema["$ref"].as_str() {
        Some(reference) => contract.pointer(reference.trim_start_matches('#')).cloned().unwrap_or_default(),
        None => schema.clone(),
    };
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let is_string = property["type"] == "string"
            || property["type"].as_array().is_some_and(|types| types.contains(&json!("string")));
        if is_string && example.get(name).is_none() {
            found.push(vec![name.clone()]);
        }
    }
    found
}

/// The example with the string at `field` replaced by `value` (already encoded for the body's
/// type), as the body's text.
fn encode_with(content_type: &str, example: &Value, field: &[String], value: &str) -> String {
    const MARK: &str = "__hostile__";
    let mut body = if example.is_object() { example.clone() } else { json!({}) };
    let mut at = &mut body;
    for (i, key) in field.iter().enumerate() {
        let last = i == field.len() - 1;
        at = match at {
            Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
            Value::Object(fields) => fields.entry(key.clone()).or_insert(if last { Value::Null } else { json!({}) }),
            _ => unreachable!("a path into the example"),
        };
    }
    *at = Value::String(MARK.to_owned());
    if content_type.contains("json") {
        return body.to_string().replace(&format!("\"{MARK}\""), value);
    }
    let pairs: Vec<String> = body
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let v = v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string());
            if v == MARK { format!("{k}={value}") } else { format!("{k}={}", urlencode(&v)) }
        })
        .collect();
    pairs.join("&")
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_is_a_404_in_a_path_a_400_naming_the_parameter_in_a_query_and_a_422_naming_the_field_in_a_body() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    problem(app.get("/v1/municipalities/%00").await, 404).await;
    problem(app.authed(Method::GET, &town.at("/themes/%00"), &agent).send().await.unwrap(), 404).await;
    let query =
        problem(app.authed(Method::GET, &town.at("/requests?q=%00&limit=5"), &agent).send().await.unwrap(), 400);
    let query = query.await;
    assert_eq!(
        query["errors"],
        json!([{ "field": "q", "code": "invalid_characters", "message": "ne doit pas contenir de caractère NUL" }])
    );
    let body = r#"{"kind": "idea", "title": "Un\u0000titre", "description": "Une idée.", "themes": ["\u0000"]}"#;
    let submitted =
        app.client.post(app.url(&town.at("/requests"))).header("Content-Type", "application/json").body(body);
    let refused = problem(submitted.send().await.unwrap(), 422).await;
    let mut fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["themes[0]", "title"]);
    assert!(town.list_ids(Some(&agent), "").await.is_empty(), "nothing was written");
}

/// The answers actix-web gives before the application sees a request, as the conventions page
/// documents them: an empty body and a closed connection (no hook lets them be problem+json).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_head_the_http_server_refuses_is_answered_as_documented() {
    use std::io::{Read, Write};
    let app = spawn_app().await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let raw = |head: String| {
        let address = address.clone();
        // A blocking socket on a blocking thread: the raw bytes, with nothing a client would fix.
        tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(address).unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            stream.write_all(head.as_bytes()).unwrap();
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
            String::from_utf8_lossy(&answer).into_owned()
        })
    };
    let many_headers: String = (0..200).map(|i| format!("X-Header-{i}: {i}\r\n")).collect();
    let answer = raw(format!("GET /v1/municipalities HTTP/1.1\r\nHost: x\r\n{many_headers}\r\n")).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    let long_url = format!("GET /v1/municipalities?q={} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(100 * 1024));
    let answer = raw(long_url).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.ends_with("\r\n\r\n"), "an empty body: {answer}");
}

/// serde's derive reads a struct from an array too (`"settings": []` as every field absent):
/// schemathesis found a municipality created that way. An object field takes an object only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_array_where_the_contract_wants_an_object_is_refused_and_nothing_is_created() {
    let app = spawn_demo_app().await;
    let platform = app.login("platform@implication.demo").await;
    let body = json!({ "insee_code": "01000", "name": "Zéro", "population": 0, "settings": [], "slug": "zero" });
    let refused = app.authed(Method::POST, "/v1/municipalities", &platform).json(&body).send().await.unwrap();
    let refused = problem(refused, 422).await;
    assert_eq!(refused["errors"][0]["field"], "settings", "{refused}");
    problem(app.get("/v1/municipalities/zero").await, 404).await;
    let whole = app.authed(Method::POST, "/v1/municipalities", &platform).json(&json!([])).send().await.unwrap();
    problem(whole, 422).await;
}

/// Every field the contract types as an object (at any depth, and the items of a list of
/// objects), in every JSON body: given an array instead, never accepted. A new input struct that
/// forgets `extract::object` fails here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_object_field_of_the_contract_accepts_an_array() {
    let app = spawn_demo_app().await;
    let platform = app.login("platform@implication.demo").await;
    let contract: Value = serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap();
    let real = real_path_values(&app, &platform).await;
    let mut accepted = Vec::new();
    let mut tried = 0;
    for (template, item) in contract["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(media) = operation["requestBody"]["content"].get("application/json") else { continue };
            let mut path = template.clone();
            for (name, value) in &real {
                path = path.replace(&format!("{{{name}}}"), value);
            }
            for (field, is_list) in object_fields(&contract, &media["schema"], &mut Vec::new()) {
                let mut body = media["example"].clone();
                let mut at = &mut body;
                for key in &field {
                    at = at.as_object_mut().unwrap().entry(key.clone()).or_insert(json!({}));
                    if !at.is_object() {
                        *at = json!({});
                    }
                }
                *at = if is_list { json!([[]]) } else { json!([]) };
                let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let sent = app.authed(method.clone(), &path, &platform).header("If-Match", "*").json(&body);
                let status = sent.send().await.unwrap().status();
                tried += 1;
                if status.is_success() {
                    accepted.push(format!("{method} {template}: {} = an array, answered {status}", field.join(".")));
                }
            }
        }
    }
    assert!(tried >= 10, "only {tried} object fields found");
    assert!(accepted.is_empty(), "{}", accepted.join("\n"));
}

/// The schema's fields that hold an object (`true`: a list of objects), depth first.
fn object_fields(contract: &Value, schema: &Value, at: &mut Vec<String>) -> Vec<(Vec<String>, bool)> {
    let resolve = |schema: &Value| -> Value {
        let mut schema = schema.clone();
        for _ in 0..4 {
            if let Some(reference) = schema["$ref"].as_str() {
                schema = contract.pointer(reference.trim_start_matches('#')).cloned().unwrap_or_default();
            } else if let Some(member) = ["oneOf", "anyOf"]
                .iter()
                .find_map(|k| schema[*k].as_array().and_then(|all| all.iter().find(|m| m["type"] != "null")).cloned())
            {
                schema = member;
            } else {
                break;
            }
        }
        schema
    };
    let mut found = Vec::new();
    for (name, property) in resolve(schema)["properties"].as_object().into_iter().flatten() {
        let property = resolve(property);
        at.push(name.clone());
        if property["properties"].is_object() {
            found.push((at.clone(), false));
            found.extend(object_fields(contract, &property, at));
        } else if resolve(&property["items"])["properties"].is_object() {
            found.push((at.clone(), true));
        }
        at.pop();
    }
    found
}
