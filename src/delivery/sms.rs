//! SMS through an HTTP gateway (reqwest, in the configured provider's format), or to a file
//! for development.

use super::error::SendError;
use crate::config::{SmsGateway, SmsSettings};
use crate::gateways::{OutgoingSms, SmsProvider};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;
use tokio::time::Instant;

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
        /// Parsed once: parsing it for every request was a measurable share of an SMS.
        url: reqwest::Url,
        provider: Arc<dyn SmsProvider>,
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
                url: s
                    .http
                    .url
                    .as_deref()
                    .unwrap_or_default()
                    .parse()
                    .map_err(|e| anyhow::anyhow!("sms.http.url: {e}"))?,
                provider: crate::gateways::provider(&s.http),
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
            SmsChannel::Http { provider, .. } => provider.batch_max(),
            SmsChannel::File { .. } => 1,
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
                provider,
                sender,
                limit,
                in_flight,
            } => {
                let req = provider
                    .request(client, url, sender, batch)
                    .map_err(SendError::Permanent)?;
                limit.acquire(batch.len() as u32).await;
                // Closed only if the semaphore is dropped, which it never is while `self` lives.
                let _slot = in_flight
                    .acquire()
                    .await
                    .map_err(|_| SendError::Transient("shutting down".into()))?;
                let res = req.send().await.map_err(|e| {
                    if e.is_timeout() {
                        SendError::Transient("gateway timeout".into())
                    } else {
                        SendError::Transient(format!("gateway unreachable: {}", e.without_url()))
                    }
                })?;
                classify(res, provider.as_ref()).await
            }
        }
    }
}

/// 2xx sent (the gateway's id kept); 429 throttled; 401/403 our configuration; other 4xx
/// permanent; 5xx transient.
async fn classify(
    res: reqwest::Response,
    provider: &dyn SmsProvider,
) -> Result<Option<String>, SendError> {
    let status = res.status();
    if status.is_success() {
        let body: serde_json::Value = res.json().await.unwrap_or(serde_json::Value::Null);
        return Ok(provider.message_id(&body));
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
