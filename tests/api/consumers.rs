//! What the contract's consumers rely on beyond each operation: the server it names, the links
//! from what an operation creates to what can be done with it, and list filters that clients send
//! in either of the two forms an array parameter takes.

use crate::helpers::{json, problem, spawn_demo_app, spawn_demo_app_with};
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName};
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn contract() -> Value {
    serde_json::from_str(&implication_api::openapi::document_json().unwrap()).unwrap()
}

/// Every operation, as (path, method, operation).
fn operations(contract: &Value) -> Vec<(&str, &str, &Value)> {
    let mut found = Vec::new();
    for (path, item) in contract["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            found.push((path.as_str(), method.as_str(), operation));
        }
    }
    found
}

/// A schema with its `$ref`s and `allOf` resolved into (properties, required).
fn fields(contract: &Value, schema: &Value) -> (serde_json::Map<String, Value>, BTreeSet<String>) {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.strip_prefix("#/components/schemas/").expect("a local schema");
        return fields(contract, &contract["components"]["schemas"][name]);
    }
    let mut properties = schema["properties"].as_object().cloned().unwrap_or_default();
    let mut required: BTreeSet<String> =
        schema["required"].as_array().into_iter().flatten().filter_map(|r| r.as_str().map(str::to_owned)).collect();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        let (more, also) = fields(contract, part);
        properties.extend(more);
        required.extend(also);
    }
    (properties, required)
}

#[test]
fn the_contract_names_its_server_relative_to_where_it_is_served() {
    let servers = contract()["servers"].clone();
    assert_eq!(servers.as_array().map(Vec::len), Some(1), "{servers}");
    assert_eq!(servers[0]["url"], "/", "a relative server: clients and the docs call the origin they read it from");
    assert!(servers[0]["description"].is_string());
}

/// Each link names an operation of the contract, gives every path parameter it takes and only
/// parameters it has, with runtime expressions that resolve: a path parameter of the request, a
/// required property of the response body, or a header the response declares. Every creating
/// operation (a 201) has links.
#[test]
fn every_link_leads_to_an_operation_with_values_the_response_carries() {
    let contract = contract();
    let operations = operations(&contract);
    let mut problems = Vec::new();
    let mut links_seen = 0;
    for (path, method, operation) in &operations {
        let source_path_params: Vec<&str> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .filter_map(|p| p["name"].as_str())
            .collect();
        for (status, response) in operation["responses"].as_object().unwrap() {
            let at = format!("{} {path} {status}", method.to_uppercase());
            let links = response["links"].as_object().cloned().unwrap_or_default();
            // Open311's clients follow its specification, not the contract's links; and what a
            // report creates is not published, so no Open311 read of it exists yet.
            if status == "201" && links.is_empty() && !path.starts_with("/open311/") {
                problems.push(format!("{at}: creates something, but links to nothing"));
            }
            let (properties, required) = fields(&contract, &response["content"]["application/json"]["schema"]);
            for (name, link) in &links {
                links_seen += 1;
                let at = format!("{at} link {name}");
                let Some((_, _, target)) =
                    operations.iter().find(|(_, _, candidate)| candidate["operationId"] == link["operationId"])
                else {
                    problems.push(format!("{at}: no operation {}", link["operationId"]));
                    continue;
                };
                let target_params: Vec<&Value> = target["parameters"].as_array().into_iter().flatten().collect();
                let given = link["parameters"].as_object().cloned().unwrap_or_default();
                for param in target_params.iter().filter(|p| p["in"] == "path") {
                    if !given.contains_key(param["name"].as_str().unwrap()) {
                        problems.push(format!("{at}: the path parameter {} is not given", param["name"]));
                    }
                }
                for (param, expression) in &given {
                    let bare = param.split_once('.').map_or(param.as_str(), |(_, name)| name);
                    if !target_params.iter().any(|p| p["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(bare))) {
                        problems.push(format!("{at}: {} has no parameter {param}", link["operationId"]));
                    }
                    let expression = expression.as_str().unwrap_or_default();
                    let resolves = if let Some(name) = expression.strip_prefix("$request.path.") {
                        source_path_params.contains(&name)
                    } else if let Some(pointer) = expression.strip_prefix("$response.body#/") {
                        properties.contains_key(pointer) && required.contains(pointer)
                    } else if let Some(header) = expression.strip_prefix("$response.header.") {
                        response["headers"]
                            .as_object()
                            .is_some_and(|headers| headers.keys().any(|h| h.eq_ignore_ascii_case(header)))
                    } else {
                        false
                    };
                    if !resolves {
                        problems.push(format!("{at}: {param} = {expression:?} names nothing this answer carries"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(links_seen >= 20, "the creating operations' links are all there ({links_seen})");
}

/// The ids and statuses of the requests listed with `query`, as the agent of Loos.
async fn listed(app: &crate::helpers::TestApp, token: &str, query: &str) -> Vec<(String, String)> {
    let path = format!("/v1/municipalities/loos-en-gohelle/requests?limit=200&{query}");
    let response = app.authed(Method::GET, &path, token).send().await.unwrap();
    assert_eq!(response.status(), 200, "{query}");
    let page = json(response).await;
    assert!(page["next_cursor"].is_null(), "one page holds them all");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| (item["id"].as_str().unwrap().to_owned(), item["status"].as_str().unwrap().to_owned()))
        .collect()
}

/// The contract declares the filters that take several values as arrays with `style: form,
/// explode: false` (`status=received,qualifying`); many generated clients send them exploded
/// (`status=received&status=qualifying`) whatever the contract says, and both mean the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_filter_takes_its_values_comma_separated_or_repeated() {
    let app = spawn_demo_app().await;
    let agent = app.login("agent@loos-en-gohelle.demo").await;
    let comma = listed(&app, &agent, "status=received,qualifying").await;
    let statuses: BTreeSet<&str> = comma.iter().map(|(_, status)| status.as_str()).collect();
    assert_eq!(statuses, BTreeSet::from(["qualifying", "received"]), "both statuses, and only they");
    assert_eq!(listed(&app, &agent, "status=received&status=qualifying").await, comma);
    assert_eq!(listed(&app, &agent, "status=received%2Cqualifying").await, comma);
    let received = listed(&app, &agent, "status=received").await;
    assert!(!received.is_empty() && received.len() < comma.len());

    let kinds = listed(&app, &agent, "kind=complaint,idea&channel=letter,website,email").await;
    assert_eq!(listed(&app, &agent, "kind=complaint&channel=letter&kind=idea&channel=website,email").await, kinds);

    let unknown = app
        .authed(Method::GET, "/v1/municipalities/loos-en-gohelle/requests?status=received&status=pending", &agent)
        .send()
        .await
        .unwrap();
    let unknown = problem(unknown, 400).await;
    assert_eq!(unknown["errors"][0]["field"], "status", "{unknown}");
    // A filter that takes one value is not silently made a list.
    let twice = app
        .authed(Method::GET, "/v1/municipalities/loos-en-gohelle/requests?theme=culture&theme=waste", &agent)
        .send()
        .await
        .unwrap();
    problem(twice, 400).await;
}

/// The value of a link's runtime expression after a call to `path_values` that answered `body`
/// with `headers`.
fn evaluate(expression: &str, path_values: &[(&str, String)], body: &Value, headers: &HeaderMap) -> Option<String> {
    if let Some(name) = expression.strip_prefix("$request.path.") {
        return path_values.iter().find(|(param, _)| *param == name).map(|(_, value)| value.clone());
    }
    if let Some(pointer) = expression.strip_prefix("$response.body#") {
        return body.pointer(pointer).and_then(Value::as_str).map(str::to_owned);
    }
    let header = expression.strip_prefix("$response.header.")?;
    headers.get(header).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// Every creating operation, called with its request example from the contract (with another
/// name where the demo already has the example's), then every link of its 201 followed as the
/// platform admin: a read answers 200; a change is not a 404 (what it names exists), and when the
/// link gives `If-Match`, it is neither 412 nor 428 (the ETag it names is the current one).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_links_of_what_an_operation_created_lead_to_it() {
    let app = spawn_demo_app_with(&[("WEBHOOKS_ALLOW_LOOPBACK", "true")]).await;
    let platform = app.login("platform@implication.demo").await;
    let contract = contract();
    let all = operations(&contract);
    // (Open311's report has no links; tests/api/open311.rs reads what it registered.)
    let mut creating: Vec<(&str, &str, &Value)> = all
        .iter()
        .copied()
        .filter(|(path, _, operation)| operation["responses"]["201"].is_object() && !path.starts_with("/open311/"))
        .collect();
    // What creates something from another first (a renewal renews a convention drafted above).
    creating.sort_by_key(|(path, _, _)| (path.ends_with("/renewal"), path.matches('{').count(), *path));
    let overrides = [
        ("/v1/municipalities", json!({ "slug": "liens", "name": "Liens", "insee_code": "62999" })),
        ("/v1/municipalities/{municipality}/delegations", json!({ "name": "Chemins et liens" })),
        ("/v1/municipalities/{municipality}/services", json!({ "name": "Service des liens" })),
        // The example's request is not one of the demo's: the town's initiative.
        // (At the coproduction level, so that a fifty-fifty project may come from it.)
        ("/v1/municipalities/{municipality}/processes", json!({ "requests": [], "level": "coproduction" })),
        // The example's request is not one of the demo's: the project comes from the process above.
        ("/v1/municipalities/{municipality}/projects", json!({ "requests": [] })),
        // The example's receiver does not resolve here (no internet): one on this machine, which
        // the app allows below.
        ("/v1/municipalities/{municipality}/webhooks", json!({ "url": "http://127.0.0.1:9/hooks" })),
    ];
    // A meeting of the demo with its minutes: theirs are what is delivered and reacted to.
    let meetings = json(app.get("/v1/municipalities/loos-en-gohelle/meetings").await).await;
    let held = meetings["items"].as_array().unwrap().iter().find(|m| !m["minutes"].is_null()).unwrap();
    let mut path_values =
        vec![("municipality", "loos-en-gohelle".to_owned()), ("meeting", held["id"].as_str().unwrap().to_owned())];
    let (mut followed, mut problems) = (0, Vec::new());
    for (path, method, operation) in creating {
        let mut body = operation["requestBody"]["content"]["application/json"]["example"].clone();
        for (_, changes) in overrides.iter().filter(|(overridden, _)| *overridden == path) {
            for (key, value) in changes.as_object().unwrap() {
                body[key] = value.clone();
            }
        }
        if path.ends_with("/projects") {
            let process = path_values.iter().find(|(param, _)| *param == "process").unwrap().1.clone();
            body["process"] = json!(process);
        }
        // A narrative tells of something of the town: one of the demo's processes.
        if path.ends_with("/narratives") {
            let processes = json(app.get("/v1/municipalities/loos-en-gohelle/processes").await).await;
            body["subject"] = json!("process");
            body["subject_id"] = processes["items"][0]["id"].clone();
        }
        // A round reviews projects of the town: one of the demo's.
        if path.ends_with("/evaluation-rounds") {
            let projects = json(app.get("/v1/municipalities/loos-en-gohelle/projects").await).await;
            body["projects"] = json!([projects["items"][0]["id"]]);
        }
        // A participation is in something of the town: one of the demo's processes.
        if path.ends_with("/participations") {
            let processes = json(app.get("/v1/municipalities/loos-en-gohelle/processes").await).await;
            body["kind"] = json!("contributed_to_process");
            body["subject_id"] = processes["items"][0]["id"].clone();
        }
        // Steps and promises are about something of the town: the process created above.
        if path.ends_with("/steps") || path.ends_with("/promises") {
            let process = path_values.iter().find(|(param, _)| *param == "process").unwrap().1.clone();
            body.as_object_mut().unwrap().remove("request");
            body["process"] = json!(process);
        }
        let concrete = path_values
            .iter()
            .fold(path.to_owned(), |path, (param, value)| path.replace(&format!("{{{param}}}"), value));
        let mut call =
            app.client.request(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(), app.url(&concrete));
        // Anyone submits a request (staff would have to give its channel).
        if !path.ends_with("/requests") {
            call = call.bearer_auth(&platform);
        }
        // A convention is renewed once completed: the one drafted above is attested, opened, signed
        // (the farm on paper, the town by the mayor) and completed.
        if path.ends_with("/renewal") {
            let convention = path_values.iter().find(|(param, _)| *param == "convention").unwrap().1.clone();
            let at = format!("/v1/municipalities/loos-en-gohelle/conventions/{convention}");
            let mayor = app.login("elected@loos-en-gohelle.demo").await;
            let app = &app;
            let step = |token: String, method: Method, suffix: String, etag: String, body: Value| {
                let url = app.url(&format!("{at}{suffix}"));
                async move {
                    let response = app
                        .client
                        .request(method, url)
                        .bearer_auth(token)
                        .header("If-Match", etag)
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status(), 200, "{suffix}");
                    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
                    (json(response).await, etag)
                }
            };
            let read = app.authed(Method::GET, &at, &platform).send().await.unwrap();
            let mut etag = read.headers()["etag"].to_str().unwrap().to_owned();
            let view = json(read).await;
            let parties: Vec<String> = view["text"]["parties"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_str().unwrap().to_owned())
                .collect();
            let insured = json!({ "equipment": true, "bodily_injury": true, "civil_liability": true, "insurer": "A", "policy_number": "1" });
            for party in &parties {
                etag =
                    step(platform.clone(), Method::PUT, format!("/parties/{party}/insurance"), etag, insured.clone())
                        .await
                        .1;
            }
            let (opened, next) = step(
                platform.clone(),
                Method::POST,
                "/transitions".into(),
                etag,
                json!({ "to": "open_for_signature" }),
            )
            .await;
            let hash = opened["text"]["content_hash"].as_str().unwrap().to_owned();
            let paper = json!({ "party": parties[1], "content_hash": hash, "scan_sha256": "5".repeat(64) });
            let (_, next) = step(platform.clone(), Method::POST, "/signatures".into(), next, paper).await;
            let (_, next) = step(
                mayor,
                Method::POST,
                "/signatures".into(),
                next,
                json!({ "party": parties[0], "content_hash": hash }),
            )
            .await;
            step(platform.clone(), Method::POST, "/transitions".into(), next, json!({ "to": "completed" })).await;
        }
        // A convention is drafted for a project brought to `drafting`, with its ETag.
        if path.ends_with("/convention") {
            let project = path_values.iter().find(|(param, _)| *param == "project").unwrap().1.clone();
            let at = format!("/v1/municipalities/loos-en-gohelle/projects/{project}");
            let read = app.authed(Method::GET, &at, &platform).send().await.unwrap();
            let etag = read.headers()["etag"].to_str().unwrap().to_owned();
            let diagnostic = json!({ "weight": "light", "tasks": [{ "text": "Surfaçage" }] });
            let put = app.authed(Method::PUT, &format!("{at}/diagnostic"), &platform).header("If-Match", etag);
            let put = put.json(&diagnostic).send().await.unwrap();
            let etag = put.headers()["etag"].to_str().unwrap().to_owned();
            let moved = app.authed(Method::POST, &format!("{at}/transitions"), &platform).header("If-Match", etag);
            let moved = moved.json(&json!({ "to": "drafting" })).send().await.unwrap();
            assert_eq!(moved.status(), 200);
            call = call.header("If-Match", moved.headers()["etag"].to_str().unwrap());
        }
        let response = call.json(&body).send().await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let created = json(response).await;
        assert_eq!(status, 201, "{method} {concrete}: {created}");
        if path.ends_with("/requests") {
            path_values.push(("request", created["id"].as_str().unwrap().to_owned()));
        }
        if path.ends_with("/processes") {
            path_values.push(("process", created["id"].as_str().unwrap().to_owned()));
        }
        if path.ends_with("/projects") {
            path_values.push(("project", created["id"].as_str().unwrap().to_owned()));
        }
        if path.ends_with("/convention") {
            path_values.push(("convention", created["id"].as_str().unwrap().to_owned()));
        }
        if path.ends_with("/surveys") {
            path_values.push(("survey", created["id"].as_str().unwrap().to_owned()));
        }
        if path.ends_with("/bodies") {
            path_values.push(("body", created["id"].as_str().unwrap().to_owned()));
        }
        if path.ends_with("/participants") {
            path_values.push(("participant", created["id"].as_str().unwrap().to_owned()));
        }
        // The links that name the version just created first: another link may change it.
        let mut links: Vec<(&String, &Value)> =
            operation["responses"]["201"]["links"].as_object().unwrap().iter().collect();
        links.sort_by_key(|(_, link)| link["parameters"].get("If-Match").is_none());
        for (name, link) in links {
            let at = format!("{method} {path} link {name}");
            let (target_path, target_method, target) =
                all.iter().find(|(_, _, candidate)| candidate["operationId"] == link["operationId"]).unwrap();
            let mut url = (*target_path).to_owned();
            let mut request_headers = HeaderMap::new();
            let given: Vec<(&String, &Value)> = link["parameters"].as_object().unwrap().iter().collect();
            for (param, expression) in &given {
                let Some(value) = evaluate(expression.as_str().unwrap(), &path_values, &created, &headers) else {
                    problems.push(format!("{at}: {param} = {expression} has no value"));
                    continue;
                };
                let declared = target["parameters"].as_array().unwrap().iter().find(|p| p["name"] == **param).unwrap();
                match declared["in"].as_str() {
                    Some("path") => url = url.replace(&format!("{{{param}}}"), &value),
                    Some("header") => {
                        request_headers
                            .insert(HeaderName::from_bytes(param.as_bytes()).unwrap(), value.parse().unwrap());
                    }
                    other => problems.push(format!("{at}: {param} is in {other:?}")),
                }
            }
            let if_match_given = request_headers.contains_key("if-match");
            let takes_if_match = target["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "If-Match");
            if takes_if_match && !if_match_given {
                request_headers.insert("if-match", "\"0\"".parse().unwrap());
            }
            let target_method = Method::from_bytes(target_method.to_uppercase().as_bytes()).unwrap();
            let mut request = app
                .client
                .request(target_method.clone(), app.url(&url))
                .bearer_auth(&platform)
                .headers(request_headers);
            if target_method != Method::GET {
                request = request.json(&json!({}));
            }
            let answered = request.send().await.unwrap().status().as_u16();
            let fine = if target_method == Method::GET {
                answered == 200
            } else {
                answered != 404 && answered != 405 && !(if_match_given && (answered == 412 || answered == 428))
            };
            if !fine {
                problems.push(format!("{at}: {target_method} {url} answered {answered}"));
            }
            followed += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(followed >= 30, "every creating operation's links were followed ({followed})");
}
