//! A real HTTP SMS gateway (axum on 127.0.0.1, random port) for the `generic` profile,
//! recording every request and answering as a script says, per number and attempt.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// How the gateway answers one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GatewayReply {
    Accept,
    /// 429 with `Retry-After: n` seconds.
    Throttle(u64),
    ServerError,
    BadRequest,
    Unauthorized,
    /// Accepts after this many milliseconds (a slow gateway).
    Slow(u64),
}

/// Decides from the number and its attempt (1 for the first).
pub type GatewayScript = Arc<dyn Fn(&str, u32) -> GatewayReply + Send + Sync>;

/// One request the gateway saw.
#[derive(Clone, Debug)]
pub struct SmsRequest {
    /// The recipients, E.164.
    pub to: Vec<String>,
    pub body: Value,
    pub authorization: Option<String>,
    pub at: Instant,
    pub reply: GatewayReply,
}

#[derive(Default)]
struct Seen {
    attempts: HashMap<String, u32>,
    requests: Vec<SmsRequest>,
    in_flight: usize,
    max_in_flight: usize,
}

/// The running gateway.
#[derive(Clone)]
pub struct SmsSink {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
}

#[derive(Clone)]
struct Ctx {
    seen: Arc<Mutex<Seen>>,
    script: GatewayScript,
}

async fn receive(State(ctx): State<Ctx>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    // `generic` names one recipient in `to`; `gatewayapi` lists MSISDNs in `recipients`.
    let batch = body["recipients"].as_array().is_some();
    let to: Vec<String> = match body["recipients"].as_array() {
        Some(list) => list.iter().map(|r| format!("+{}", r["msisdn"])).collect(),
        None => vec![body["to"].as_str().unwrap_or("").to_owned()],
    };
    let (attempt, n) = {
        let mut s = ctx.seen.lock().unwrap();
        let mut first = 0;
        for (i, t) in to.iter().enumerate() {
            let a = s.attempts.entry(t.clone()).or_insert(0);
            *a += 1;
            if i == 0 {
                first = *a;
            }
        }
        (first, s.requests.len())
    };
    let reply = (ctx.script)(&to[0], attempt);
    if let GatewayReply::Slow(ms) = reply {
        {
            let mut s = ctx.seen.lock().unwrap();
            s.in_flight += 1;
            s.max_in_flight = s.max_in_flight.max(s.in_flight);
        }
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        ctx.seen.lock().unwrap().in_flight -= 1;
    }
    ctx.seen.lock().unwrap().requests.push(SmsRequest {
        to,
        body,
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        at: Instant::now(),
        reply,
    });
    match reply {
        GatewayReply::Accept | GatewayReply::Slow(_) if batch => {
            Json(serde_json::json!({"ids": [n]})).into_response()
        }
        GatewayReply::Accept | GatewayReply::Slow(_) => {
            Json(serde_json::json!({"id": format!("gw-{n}")})).into_response()
        }
        GatewayReply::Throttle(s) => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", s.to_string())],
            "slow down",
        )
            .into_response(),
        GatewayReply::ServerError => (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response(),
        GatewayReply::BadRequest => (StatusCode::BAD_REQUEST, "bad number").into_response(),
        GatewayReply::Unauthorized => (StatusCode::UNAUTHORIZED, "who are you").into_response(),
    }
}

/// Twilio's Messages resource: a form with `To`, `From`, `Body`; answers 201 with a `sid`.
async fn twilio(State(ctx): State<Ctx>, headers: HeaderMap, body: String) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let to = form.get("To").cloned().unwrap_or_default();
    let n = {
        let mut s = ctx.seen.lock().unwrap();
        *s.attempts.entry(to.clone()).or_insert(0) += 1;
        s.requests.len()
    };
    ctx.seen.lock().unwrap().requests.push(SmsRequest {
        to: vec![to],
        body: serde_json::to_value(&form).unwrap(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        at: Instant::now(),
        reply: GatewayReply::Accept,
    });
    (
        StatusCode::CREATED,
        Json(serde_json::json!({"sid": format!("SM{n}"), "status": "queued"})),
    )
        .into_response()
}

impl SmsSink {
    /// Starts a gateway answering by `script`.
    pub async fn start(script: GatewayScript) -> Self {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let app = axum::Router::new()
            .route("/send", axum::routing::post(receive))
            .route(
                "/2010-04-01/Accounts/{sid}/Messages.json",
                axum::routing::post(twilio),
            )
            .with_state(Ctx {
                seen: seen.clone(),
                script,
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { addr, seen }
    }

    /// The URL to configure as `sms.http.url`.
    pub fn url(&self) -> String {
        format!("http://{}/send", self.addr)
    }

    /// The most requests it was answering at once.
    pub fn max_in_flight(&self) -> usize {
        self.seen.lock().unwrap().max_in_flight
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<SmsRequest> {
        self.seen.lock().unwrap().requests.clone()
    }
}
