//! Every answer an operation can give, and what its parameters take. The handlers declare
//! their own answers; what the layers around them answer (429 from the rate limits, 401
//! and 503 around every authenticated call, 400/408/413/415 for a body, 404 for a path
//! that names nothing, 409/422 for an `Idempotency-Key`) is added here, so that the
//! document lists every status the server can send.

use super::schema::{codes, operations};
use crate::notices::DeliveryState;
use crate::patterns;
use crate::query::{DEFAULT_PAGE, MAX_PAGE, MAX_QUERY_LEN};
use crate::registry::{Language, NoticeKind};
use serde_json::{Value, json};

fn problem(description: &str) -> Value {
    json!({"description": description,
           "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
}

fn with_retry_after(mut answer: Value) -> Value {
    answer["headers"] = json!({"Retry-After": {
        "description": "Seconds to wait before trying again",
        "required": true,
        "schema": {"type": "integer", "minimum": 1}}});
    answer
}

/// The answers of one operation that its handler does not declare itself.
fn layered(op: &Value, path: &str) -> Vec<(&'static str, Value)> {
    let secured = op.get("security").is_some();
    let body_types: Vec<String> = op["requestBody"]["content"]
        .as_object()
        .map(|c| c.keys().cloned().collect())
        .unwrap_or_default();
    let has_header = |name: &str| {
        op["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == name))
    };
    let has_query = op["parameters"]
        .as_array()
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    let mut out = vec![(
        "429",
        with_retry_after(problem("Too many requests from this token or address")),
    )];
    if op["operationId"] != "listServices" && op["operationId"] != "openapiDocument" {
        out.push((
            "503",
            with_retry_after(problem("The database is unavailable; nothing was changed")),
        ));
    }
    if secured {
        out.push(("401", problem("No valid bearer token")));
        out.push(("403", problem("The token's role does not allow this")));
    }
    if path.contains('{') {
        out.push(("404", problem("Nothing at this address, or not yours")));
    }
    if !body_types.is_empty() {
        out.push((
            "400",
            problem("The body could not be read (malformed JSON, a key given twice)"),
        ));
        out.push(("408", problem("The body did not arrive in time")));
        out.push(("413", problem("The body is too large")));
        out.push(("422", problem("Invalid fields, each named in `errors`")));
    }
    if body_types.iter().any(|t| t == "application/json") {
        out.push(("415", problem("The body is not JSON")));
    }
    if has_query {
        out.push(("422", problem("Invalid parameters, each named in `errors`")));
    }
    if has_header("Idempotency-Key") {
        out.push((
            "409",
            problem("A request with this Idempotency-Key is still in progress"),
        ));
        out.push((
            "422",
            problem("The Idempotency-Key is malformed or was used for another body"),
        ));
    }
    out
}

/// What a parameter takes, by name.
fn parameter_schema(name: &str, services: &[&str]) -> Option<Value> {
    Some(match name {
        "org_id" | "contact_id" | "id" => json!({"type": "string", "format": "uuid"}),
        "profile" => codes(&["generic", "gatewayapi", "twilio"]),
        "limit" => {
            json!({"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE})
        }
        "cursor" => {
            json!({"type": "string", "minLength": 1, "description": "the next_cursor of the previous page"})
        }
        "q" => {
            json!({"type": "string", "maxLength": MAX_QUERY_LEN, "pattern": r"^[^\x00-\x1F\x7F-\x9F]*$"})
        }
        "state" => codes(&["active", "upcoming", "ended"]),
        "kind" => codes(NoticeKind::CODES),
        "phase" => codes(crate::templates::Phase::CODES),
        "template_id" => {
            json!({"type": "string", "maxLength": 64, "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"})
        }
        "version" => json!({"type": "integer", "format": "int32", "minimum": 1}),
        "service" => codes(services),
        "lang" => codes(Language::CODES),
        "revision" => json!({"type": "integer", "format": "int32"}),
        "status" => codes(DeliveryState::CODES),
        "Idempotency-Key" => json!({"type": "string", "pattern": patterns::IDEMPOTENCY_KEY}),
        _ => return None,
    })
}

/// Installs every operation's answers and parameter schemas.
pub fn install(doc: &mut Value, services: &[&str]) {
    for (_, path, op) in operations(doc) {
        for (status, answer) in layered(op, &path) {
            let responses = &mut op["responses"];
            match responses.get_mut(status) {
                // A handler's own description wins; the headers and the problem type are added.
                Some(own) => {
                    if own["description"].as_str().is_none_or(str::is_empty) {
                        own["description"] = answer["description"].clone();
                    }
                    own["content"] = answer["content"].clone();
                    if let Some(h) = answer.get("headers") {
                        own["headers"] = h.clone();
                    }
                }
                None => responses[status] = answer,
            }
        }
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            for p in params {
                let name = p["name"].as_str().unwrap_or("").to_owned();
                if let Some(schema) = parameter_schema(&name, services) {
                    p["schema"] = schema;
                }
                let in_path = path.contains(&format!("{{{name}}}"));
                if p["in"] != "header" {
                    p["in"] = Value::String(if in_path { "path" } else { "query" }.to_owned());
                    p["required"] = Value::Bool(in_path);
                }
            }
        }
        // Every error, declared by a handler or added here, is a problem document; every
        // answer says in words what it is.
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for (status, answer) in responses.iter_mut() {
                if status.starts_with('4') || status.starts_with('5') {
                    answer["content"] = problem("")["content"].clone();
                }
                if answer["description"].as_str().is_none_or(str::is_empty) {
                    let reason = status
                        .parse::<u16>()
                        .ok()
                        .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("Answer");
                    answer["description"] = Value::String(reason.to_owned());
                }
            }
        }
    }
}
