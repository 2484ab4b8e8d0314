//! SMS through an HTTP gateway (reqwest), or to a file for development.

use super::error::SendError;
use crate::config::{SmsGateway, SmsProfile, SmsSettings};
use secrecy::{ExposeSecret, SecretString};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// One SMS to one number.
#[derive(Clone, Debug)]
pub struct OutgoingSms {
    pub to: String,
    pub text: String,
    /// Our stable reference for this (revision, number).
    pub reference: String,
}

/// GatewayAPI takes many recipients per message; this keeps one request (and one failure)
/// to a size a retry can afford.
pub const GATEWAYAPI_MAX_RECIPIENTS: usize = 500;

/// Spaces sends so that the gateway sees at most `per_second` messages per second.
#[derive(Debug)]
pub struct RateLimit {
    interval: Duration,
    next: Mutex<Instant>,
}

impl RateLimit {
    /// A limit of `per_second` (> 0) messages per second.
    pub fn new(per_second: u32) -> Self {
        Self {
            interval: Duration::from_secs(1) / per_second.max(1),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for the slot of a request carrying `messages` messages.
    pub async fn acquire(&self, messages: u32) {
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + self.interval * messages.max(1);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// Where SMS go.
#[derive(Clone)]
pub enum SmsChannel {
    /// One JSON line per SMS appended to `messages.jsonl` in a directory (development).
    File {
        dir: PathBuf,
        sender: String,
        lock: Arc<Mutex<()>>,
    },
    /// An HTTP gateway.
    Http {
        client: reqwest::Client,
        url: String,
        token: Option<SecretString>,
        profile: SmsProfile,
        sender: String,
        limit: Arc<RateLimit>,
        /// Bounds the requests in flight to the gateway.
        in_flight: Arc<tokio::sync::Semaphore>,
    },
}

impl SmsChannel {
    /// Builds the channel from the settings (already validated).
    pub fn from_settings(s: &SmsSettings) -> anyhow::Result<Self> {
        Ok(match s.gateway {
            SmsGateway::File => SmsChannel::File {
                dir: s.file.dir.clone(),
                sender: s.sender_id.clone(),
                lock: Arc::new(Mutex::new(())),
            },
            SmsGateway::Http => SmsChannel::Http {
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(s.http.timeout_secs))
                    .build()?,
                url: s.http.url.clone().unwrap_or_default(),
                token: s.http.token.clone(),
                profile: s.http.profile,
                sender: s.sender_id.clone(),
                limit: Arc::new(RateLimit::new(s.http.messages_per_second)),
                in_flight: Arc::new(tokio::sync::Semaphore::new(s.http.max_in_flight as usize)),
            },
        })
    }

    /// Sends one SMS; on success, the gateway's id if it gave one.
    #[tracing::instrument(skip_all, fields(reference = %sms.reference))]
    pub async fn send(&self, sms: &OutgoingSms) -> Result<Option<String>, SendError> {
        self.send_batch(std::slice::from_ref(sms)).await
    }

    /// How many recipients of the same text one request may carry.
    pub fn batch_max(&self) -> usize {
        match self {
            SmsChannel::Http {
                profile: SmsProfile::Gatewayapi,
                ..
            } => GATEWAYAPI_MAX_RECIPIENTS,
            _ => 1,
        }
    }

    /// Sends one text to every recipient of `batch` (at most `batch_max`, all with the same
    /// text) in one request; the outcome applies to each of them.
    pub async fn send_batch(&self, batch: &[OutgoingSms]) -> Result<Option<String>, SendError> {
        let Some(sms) = batch.first() else {
            return Ok(None);
        };
        debug_assert!(batch.len() <= self.batch_max());
        match self {
            SmsChannel::File { dir, sender, lock } => {
                let line = serde_json::json!({"to": sms.to, "from": sender, "text": sms.text, "reference": sms.reference});
                let _guard = lock.lock().await;
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| SendError::Config(format!("sms.file.dir: {e}")))?;
                let mut f = tokio::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(dir.join("messages.jsonl"))
                    .await
                    .map_err(|e| SendError::Transient(format!("opening the SMS file: {e}")))?;
                f.write_all(format!("{line}\n").as_bytes())
                    .await
                    .map_err(|e| SendError::Transient(format!("writing the SMS file: {e}")))?;
                f.flush()
                    .await
                    .map_err(|e| SendError::Transient(e.to_string()))?;
                Ok(None)
            }
            SmsChannel::Http {
                client,
                url,
                token,
                profile,
                sender,
                limit,
                in_flight,
            } => {
                limit.acquire(batch.len() as u32).await;
                // Closed only if the semaphore is dropped, which it never is while `self` lives.
                let _slot = in_flight
                    .acquire()
                    .await
                    .map_err(|_| SendError::Transient("shutting down".into()))?;
                let req = match profile {
                    SmsProfile::Generic => {
                        let r = client.post(url).json(&serde_json::json!({"to": sms.to, "from": sender, "text": sms.text, "reference": sms.reference}));
                        match token {
                            Some(t) => r.bearer_auth(t.expose_secret()),
                            None => r,
                        }
                    }
                    SmsProfile::Gatewayapi => {
                        let mut recipients = Vec::with_capacity(batch.len());
                        for m in batch {
                            let msisdn: u64 =
                                m.to.trim_start_matches('+')
                                    .parse()
                                    .map_err(|_| SendError::Permanent("not an MSISDN".into()))?;
                            recipients.push(serde_json::json!({"msisdn": msisdn}));
                        }
                        // One message to many recipients: receipts name the message id and
                        // the recipient's MSISDN, which is how they are matched.
                        let r = client.post(url).json(&serde_json::json!({
                            "sender": sender, "message": sms.text, "userref": sms.reference, "recipients": recipients
                        }));
                        match token {
                            Some(t) => r.basic_auth(t.expose_secret(), Option::<&str>::None),
                            None => r,
                        }
                    }
                    SmsProfile::Twilio => {
                        let (sid, secret) = token
                            .as_ref()
                            .and_then(|t| {
                                t.expose_secret()
                                    .split_once(':')
                                    .map(|(a, b)| (a.to_owned(), b.to_owned()))
                            })
                            .unwrap_or_default();
                        client.post(url).basic_auth(sid, Some(secret)).form(&[
                            ("To", sms.to.as_str()),
                            ("From", sender.as_str()),
                            ("Body", sms.text.as_str()),
                        ])
                    }
                };
                let res = req.send().await.map_err(|e| {
                    if e.is_timeout() {
                        SendError::Transient("gateway timeout".into())
                    } else {
                        SendError::Transient(format!("gateway unreachable: {}", e.without_url()))
                    }
                })?;
                classify(res).await
            }
        }
    }
}

/// 2xx sent (the gateway's id kept); 429 throttled; 401/403 our configuration; other 4xx
/// permanent; 5xx transient.
async fn classify(res: reqwest::Response) -> Result<Option<String>, SendError> {
    let status = res.status();
    if status.is_success() {
        let body: serde_json::Value = res.json().await.unwrap_or(serde_json::Value::Null);
        let id = body
            .get("id")
            .or_else(|| body.get("sid"))
            .or_else(|| body.pointer("/ids/0"))
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        return Ok(id);
    }
    let code = status.as_u16();
    match code {
        429 => {
            let wait = res
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(1);
            Err(SendError::Throttled(
                Duration::from_secs(wait),
                "gateway 429".into(),
            ))
        }
        401 | 403 => Err(SendError::Config(format!(
            "gateway {code}: check sms.http.token"
        ))),
        400..=499 => Err(SendError::Permanent(format!("gateway {code}"))),
        _ => Err(SendError::Transient(format!("gateway {code}"))),
    }
}
