//! Hostile bytes (NUL, lone surrogates as JSON escapes, invalid and overlong UTF-8, control
//! characters, overlong strings) in every string of every write route, in query strings and
//! paths, and in signed SMS receipts of all three profiles: never a 5xx, every error
//! `application/problem+json`. PostgreSQL refuses NUL in text, so each text must be
//! checked before it gets there.

use crate::on_both_databases;
use crate::support::{Answer, Backend, TestApp, spawn_app_with};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// What replaces one string of a valid body, as raw JSON text (quotes included).
fn literals() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        &br#""\u0000""#[..],
        br#""Tuki\u0000""#,
        br#""\ud800""#,
        br#""\udc00x""#,
        br#""\ud800\u0041""#,
        b"\"\xff\xfe\"",
        b"\"\xc0\xaf\"",         // an overlong encoding of '/'
        b"\"\xed\xa0\x80\"",     // a surrogate encoded as UTF-8
        b"\"\xf4\x90\x80\x80\"", // beyond U+10FFFF
        b"\"\xe2\x82\"",         // cut short
        br#""\u0007\u001b[31m\u007f\u0085""#,
        br#""\u2028\u2029\ufeff\u202e""#,
        br#""a\r\nBcc: victim@example.com""#,
    ]
    .iter()
    .map(|b| b.to_vec())
    .collect();
    v.push(format!("\"{}\"", "ä".repeat(200_000)).into_bytes());
    v
}

/// Every place in `v` a string stands (values and object keys), as a path of steps.
fn string_places(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::String(_) => out.push(at.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(Step::Index(i));
                string_places(item, at, out);
                at.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                at.push(Step::Key(k.clone()));
                out.push([at.as_slice(), &[Step::Rename]].concat());
                string_places(item, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
    /// The key of the last step itself, not its value.
    Rename,
}

const MARK: &str = "@@hostile@@";

/// `body` with the string at `place` replaced by `literal` (raw bytes).
fn with_literal(body: &Value, place: &[Step], literal: &[u8]) -> Vec<u8> {
    let mut v = body.clone();
    let mut cur = &mut v;
    for (i, step) in place.iter().enumerate() {
        match step {
            Step::Index(n) => cur = &mut cur[*n],
            Step::Key(k) if matches!(place.get(i + 1), Some(Step::Rename)) => {
                let map = cur.as_object_mut().unwrap();
                let value = map.remove(k).unwrap();
                map.insert(MARK.to_owned(), value);
                break;
            }
            Step::Key(k) => cur = &mut cur[k.as_str()],
            Step::Rename => unreachable!(),
        }
    }
    if cur.is_string() {
        *cur = Value::String(MARK.to_owned());
    }
    let text = serde_json::to_vec(&v).unwrap();
    let mark = format!("\"{MARK}\"").into_bytes();
    let at = text.windows(mark.len()).position(|w| w == mark).unwrap();
    [&text[..at], literal, &text[at + mark.len()..]].concat()
}

fn no_5xx(a: &Answer, what: &str) {
    assert!(a.status.as_u16() < 500, "{what}: {} {}", a.status, a.text);
    if a.status.is_client_error() {
        assert_eq!(
            a.headers["content-type"], "application/problem+json",
            "{what}: {}",
            a.text
        );
    }
}

on_both_databases! {
    async fn hostile_bytes_in_any_string_of_any_write_get_a_4xx_never_a_5xx(app: TestApp) {
        let op = app.operator.clone();
        let org = app.pharmacy().await;
        let contact = json!({"name": "Tuki", "role": "helpdesk", "email": "tuki@a.fi", "phone": "040 123 4567",
            "language": "fi", "channels": ["email", "sms"], "services": ["prescription-centre"], "kinds": ["fault"]});
        let c = app.post(&format!("/api/v1/organisations/{org}/contacts"), &op, contact.clone()).await;
        let cid = c.body["id"].as_str().unwrap().to_owned();
        let fault = json!({"kind": "fault", "severity": "major", "services": ["prescription-centre"], "audiences": ["pharmacy"],
            "title": {"fi": "Häiriö", "sv": "Störning", "en": "Fault"}, "body": {"fi": "Selvitämme.", "sv": "Vi utreder."},
            "sms": {"fi": "Häiriö reseptikeskuksessa", "sv": "Störning"}, "instructions": {"pharmacy": {"fi": "Paperiresepti", "sv": "Pappersrecept"}},
            "state": "investigating", "started_at": "2026-11-22T10:05:00Z", "estimated_end_at": "2026-11-22T12:00:00Z",
            "next_update_at": "2026-11-22T11:00:00Z"});
        let maintenance = json!({"kind": "maintenance", "services": ["prescription-centre"],
            "title": {"fi": "Huolto", "sv": "Underhåll"}, "body": {"fi": "Katko.", "sv": "Avbrott."},
            "window_start": "2036-12-15T18:00:00Z", "window_end": "2036-12-15T20:00:00Z",
            "sub_windows": [{"start": "2036-12-15 20:00", "end": "2036-12-15 21:00", "label": {"fi": "Vain luku", "sv": "Läsläge"}}]});
        let n = app.post("/api/v1/notices", &op, fault.clone()).await;
        let notice = n.body["id"].as_str().unwrap().to_owned();
        let routes = [
            (Method::POST, "/api/v1/organisations".to_owned(),
                json!({"name": "Apteekki", "business_id": "0246246-0", "oid": "1.2.246.10.1234567", "audience": "pharmacy", "services": ["prescription"]})),
            (Method::PATCH, format!("/api/v1/organisations/{org}"), json!({"name": "Apteekki 2", "state": "active"})),
            (Method::POST, format!("/api/v1/organisations/{org}/contacts"), contact.clone()),
            (Method::PATCH, format!("/api/v1/organisations/{org}/contacts/{cid}"), contact),
            (Method::POST, "/api/v1/tokens".to_owned(),
                json!({"role": "org_admin", "org_id": org, "label": "admin", "expires_at": "2036-01-01T00:00:00Z"})),
            (Method::POST, "/api/v1/notices".to_owned(), fault.clone()),
            (Method::POST, "/api/v1/notices".to_owned(), maintenance),
            (Method::POST, "/api/v1/notices/preview".to_owned(), fault),
            (Method::POST, format!("/api/v1/notices/{notice}/revisions"),
                json!({"action": "update", "state": "identified", "body": {"fi": "Syy löytyi.", "sv": "Orsaken hittad."}})),
        ];
        let mut sent = 0;
        for (method, path, body) in &routes {
            let mut places = Vec::new();
            string_places(body, &mut Vec::new(), &mut places);
            for place in &places {
                for literal in literals() {
                    let raw = with_literal(body, place, &literal);
                    let a = app.send_raw(method.clone(), path, Some(&op), "application/json", raw).await;
                    no_5xx(&a, &format!("{method} {path} at {place:?} = {}", String::from_utf8_lossy(&literal[..literal.len().min(40)])));
                    sent += 1;
                }
            }
        }
        assert!(sent > 1_000, "{sent}");
        let nul = with_literal(&json!({"name": "x"}), &[Step::Key("name".into())], br#""a\u0000""#);
        let a = app.send_raw(Method::POST, &format!("/api/v1/organisations/{org}/contacts"), Some(&op), "application/json", nul).await;
        assert_eq!((a.status, a.error_fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["name".to_owned()]));
        // A contact list with the same bytes in its cells.
        let csv_path = format!("/api/v1/organisations/{org}/contacts.csv");
        for literal in literals() {
            let cell = &literal[1..literal.len() - 1];
            for (i, column) in ["name", "role", "email", "phone", "language", "channels", "services", "kinds", "id"].iter().enumerate() {
                let mut row: Vec<Vec<u8>> = vec![b"Tuki".to_vec(), b"helpdesk".to_vec(), b"t@a.fi".to_vec(), b"".to_vec(), b"fi".to_vec(), b"email".to_vec(), b"".to_vec(), b"".to_vec(), b"".to_vec()];
                row[i] = cell.to_vec();
                let csv = [b"name,role,email,phone,language,channels,services,kinds,id\n".to_vec(), row.join(&b","[..]), b"\n".to_vec()].concat();
                let a = app.send_raw(Method::PUT, &csv_path, Some(&op), "text/csv", csv).await;
                no_5xx(&a, &format!("csv {column}"));
            }
        }
    }

    async fn hostile_bytes_in_queries_paths_and_headers_get_a_4xx_never_a_5xx(app: TestApp) {
        let op = app.operator.clone();
        let org = app.pharmacy().await;
        let encoded = ["%00", "a%00b", "%FF%FE", "%C0%AF", "%ED%A0%80", "%F4%90%80%80", "%07%1B", "%E2%80%A8"];
        let gets = [
            "/api/v1/organisations?q={}", "/api/v1/organisations?cursor={}", "/api/v1/audit?cursor={}",
            "/api/v1/notices?state={}", "/api/v1/notices?kind={}", "/api/v1/notices?service={}", "/api/v1/notices?lang={}",
            "/api/v1/notices?cursor={}", "/api/v1/organisations/{}", "/api/v1/organisations/{}/contacts",
            "/api/v1/notices/{}", "/api/v1/notices/{}/deliveries", "/api/v1/tokens/{}",
            "/?lang={}", "/notices/{}", "/feed.rss?service={}", "/feed.atom?lang={}", "/maintenance.ics?lang={}",
        ];
        for e in encoded {
            for g in gets {
                let path = g.replace("{}", e);
                for method in [Method::GET, Method::DELETE] {
                    let a = app.call(method.clone(), &path, Some(&op), None).await;
                    assert!(a.status.as_u16() < 500, "{method} {path}: {} {}", a.status, a.text);
                }
            }
            let path = format!("/api/v1/organisations/{org}/contacts?cursor={e}");
            assert!(app.get(&path, &op).await.status.is_client_error(), "{path}");
        }
        for key in [&b"\xff\xfe"[..], b"a\tb", &[b'k'; 300]] {
            let a = app.http.post(app.url("/api/v1/tokens")).bearer_auth(&op)
                .header("idempotency-key", reqwest::header::HeaderValue::from_bytes(key).unwrap())
                .json(&json!({"role": "operator", "label": "x"})).send().await.unwrap();
            assert_eq!(a.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
    }
}

/// A daemon taking receipts of `profile`, signed with `secret`.
async fn receipts_app(backend: Backend, profile: &str, secret: &str) -> Option<TestApp> {
    let key = if profile == "twilio" {
        "TOKEN"
    } else {
        "RECEIPT_SECRET"
    };
    let token = if profile == "twilio" {
        format!("AC1:{secret}")
    } else {
        secret.to_owned()
    };
    spawn_app_with(
        backend,
        &[
            ("FAULTCAST__SMS__GATEWAY", "http".into()),
            ("FAULTCAST__SMS__HTTP__PROFILE", profile.into()),
            ("FAULTCAST__SMS__HTTP__URL", "http://127.0.0.1:9/".into()),
            (&format!("FAULTCAST__SMS__HTTP__{key}"), token),
        ],
    )
    .await
}

fn hmac_sha256(key: &str, data: &[u8]) -> Vec<u8> {
    use hmac::Mac;
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

fn hmac_sha1(key: &str, data: &[u8]) -> Vec<u8> {
    use hmac::Mac;
    let mut m = hmac::Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// Signed receipts whose every string is hostile: each is answered 204 (it names no
/// delivery of ours) or 4xx, never 5xx, on all three profiles.
async fn signed_receipts_with_hostile_strings_are_answered_without_an_error(backend: Backend) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let std64 = base64::engine::general_purpose::STANDARD;
    let secret = "receipt-secret";
    let Some(generic) = receipts_app(backend, "generic", secret).await else {
        return;
    };
    for literal in literals() {
        for field in ["reference", "id", "status"] {
            let mut body = json!({"reference": "r1", "id": "g1", "status": "delivered"});
            body[field] = Value::String(MARK.into());
            let raw = with_literal(&body, &[Step::Key(field.into())], &literal);
            let sig: String = hmac_sha256(secret, &raw)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let a = generic
                .http
                .post(generic.url("/api/v1/sms/receipts/generic"))
                .header("content-type", "application/json")
                .header("x-faultcast-signature", format!("sha256={sig}"))
                .body(raw)
                .send()
                .await
                .unwrap();
            assert!(a.status().as_u16() < 500, "generic {field}: {}", a.status());
            if literal.starts_with(br#""\u0000"#) || literal.starts_with(br#""Tuki\u0000"#) {
                assert_eq!(
                    a.status(),
                    StatusCode::NO_CONTENT,
                    "a NUL reference matches nothing"
                );
            }
        }
    }
    let Some(gatewayapi) = receipts_app(backend, "gatewayapi", secret).await else {
        return;
    };
    for literal in literals() {
        for field in ["id", "msisdn", "userref", "status"] {
            let mut claims =
                json!({"id": 1, "msisdn": 358401234567u64, "userref": "r1", "status": "DELIVERED"});
            claims[field] = Value::String(MARK.into());
            let payload = with_literal(&claims, &[Step::Key(field.into())], &literal);
            let signing = format!(
                "{}.{}",
                b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
                b64.encode(&payload)
            );
            let jwt = format!(
                "{signing}.{}",
                b64.encode(hmac_sha256(secret, signing.as_bytes()))
            );
            let a = gatewayapi
                .http
                .post(gatewayapi.url("/api/v1/sms/receipts/gatewayapi"))
                .header("x-gwapi-signature", jwt)
                .body("{}")
                .send()
                .await
                .unwrap();
            assert!(
                a.status().as_u16() < 500,
                "gatewayapi {field}: {}",
                a.status()
            );
        }
    }
    let Some(twilio) = receipts_app(backend, "twilio", secret).await else {
        return;
    };
    for value in [
        "%00",
        "SM%00x",
        "%FF%FE",
        "%C0%AF",
        "%ED%A0%80",
        "%07%1B%7F",
        &"x".repeat(10_000),
    ] {
        for field in ["MessageSid", "MessageStatus", "To"] {
            let mut params = [
                ("MessageSid", "SM1".to_owned()),
                ("MessageStatus", "delivered".to_owned()),
                ("To", "%2B358401234567".to_owned()),
            ];
            for p in params.iter_mut().filter(|p| p.0 == field) {
                p.1 = value.to_owned();
            }
            let form: String = params
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&");
            let mut decoded: Vec<(String, String)> = form_urlencoded::parse(form.as_bytes())
                .into_owned()
                .collect();
            decoded.sort();
            let mut signed = "http://127.0.0.1:8080/api/v1/sms/receipts/twilio".to_owned();
            for (k, v) in &decoded {
                signed.push_str(k);
                signed.push_str(v);
            }
            let sig = std64.encode(hmac_sha1(secret, signed.as_bytes()));
            let a = twilio
                .http
                .post(twilio.url("/api/v1/sms/receipts/twilio"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("x-twilio-signature", sig)
                .body(form)
                .send()
                .await
                .unwrap();
            assert!(
                a.status().as_u16() < 500,
                "twilio {field}={value}: {}",
                a.status()
            );
            assert_eq!(
                a.status(),
                StatusCode::NO_CONTENT,
                "twilio {field}={value}: signed, so taken, and matching nothing"
            );
        }
    }
}

crate::on_both_backends!(signed_receipts_with_hostile_strings_are_answered_without_an_error);
