//! `faultcast notice …`: publish and follow notices through the HTTP API, as support staff
//! do from any machine (`FAULTCAST_URL`, `FAULTCAST_TOKEN`).

use crate::notices::DeliveryState;
use crate::registry::Language;
use anyhow::{Context, bail};
use clap::Subcommand;
use serde_json::Value;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::time::Duration;

/// How often `status --follow` asks for progress.
const FOLLOW_INTERVAL: Duration = Duration::from_secs(1);
/// Width of the progress bars.
const BAR_WIDTH: usize = 30;

#[derive(Debug, Subcommand)]
pub enum NoticeAction {
    /// Publish a new notice from a JSON file (`-` for standard input); prints its id.
    Publish {
        #[arg(long, short)]
        file: PathBuf,
    },
    /// Post an update: the changed fields from a JSON file.
    Update {
        id: String,
        #[arg(long, short)]
        file: PathBuf,
    },
    /// End the notice (resolved / completed / withdrawn), optionally with final texts.
    End {
        id: String,
        #[arg(long, short)]
        file: Option<PathBuf>,
    },
    /// Retract a notice issued in error, or cancel a maintenance.
    Cancel {
        id: String,
        #[arg(long, short)]
        file: Option<PathBuf>,
    },
    /// Delivery progress per channel; `--follow` redraws until every delivery is final.
    Status {
        id: String,
        #[arg(long)]
        revision: Option<i32>,
        #[arg(long)]
        follow: bool,
    },
}

struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    fn from_env() -> anyhow::Result<Self> {
        let base =
            std::env::var("FAULTCAST_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
        let token = std::env::var("FAULTCAST_TOKEN")
            .context("FAULTCAST_TOKEN is not set (create one with `faultcast token create`)")?;
        Ok(Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
            base: base.trim_end_matches('/').to_owned(),
            token,
        })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.base))?;
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            let fields: Vec<String> = body["errors"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|e| {
                            format!(
                                "{} {}",
                                e["field"].as_str().unwrap_or(""),
                                e["message"].as_str().unwrap_or("")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let detail = if fields.is_empty() {
                body["detail"].as_str().unwrap_or("").to_owned()
            } else {
                fields.join("; ")
            };
            bail!(
                "{} {}: {detail}",
                status.as_u16(),
                body["code"].as_str().unwrap_or("error")
            );
        }
        Ok(body)
    }
}

fn read_json(path: &PathBuf) -> anyhow::Result<Value> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?
    };
    serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", path.display()))
}

fn with_action(file: Option<&PathBuf>, action: &str) -> anyhow::Result<Value> {
    let mut body = match file {
        Some(f) => read_json(f)?,
        None => Value::Object(Default::default()),
    };
    let obj = body
        .as_object_mut()
        .context("the file must hold a JSON object")?;
    obj.insert("action".into(), Value::String(action.into()));
    Ok(body)
}

fn accepted(v: &Value) {
    println!("{}", v["id"].as_str().unwrap_or(""));
    eprintln!(
        "revision {} accepted: {} {} ({}){}",
        v["revision"],
        v["kind"].as_str().unwrap_or(""),
        v["action"].as_str().unwrap_or(""),
        v["state"].as_str().unwrap_or(""),
        match (v["kind"].as_str(), v["sms"] == true) {
            (Some("maintenance"), _) => "; its plan says what goes out when (notice status)",
            (_, true) => ", by email and SMS",
            (_, false) => ", by email",
        }
    );
}

/// `faultcast notice …`
pub async fn notice(action: NoticeAction) -> anyhow::Result<()> {
    let api = Api::from_env()?;
    let post = reqwest::Method::POST;
    match action {
        NoticeAction::Publish { file } => accepted(
            &api.call(post, "/api/v1/notices", Some(read_json(&file)?))
                .await?,
        ),
        NoticeAction::Update { id, file } => accepted(
            &api.call(
                post,
                &format!("/api/v1/notices/{id}/revisions"),
                Some(with_action(Some(&file), "update")?),
            )
            .await?,
        ),
        NoticeAction::End { id, file } => accepted(
            &api.call(
                post,
                &format!("/api/v1/notices/{id}/revisions"),
                Some(with_action(file.as_ref(), "end")?),
            )
            .await?,
        ),
        NoticeAction::Cancel { id, file } => accepted(
            &api.call(
                post,
                &format!("/api/v1/notices/{id}/revisions"),
                Some(with_action(file.as_ref(), "cancel")?),
            )
            .await?,
        ),
        NoticeAction::Status {
            id,
            revision,
            follow,
        } => status(&api, &id, revision, follow).await?,
    }
    Ok(())
}

/// Prints a notice's delivery status (and its reminder plan); with `follow`, again every
/// few seconds until nothing more will happen.
async fn status(api: &Api, id: &str, revision: Option<i32>, follow: bool) -> anyhow::Result<()> {
    let query = revision
        .map(|r| format!("?revision={r}"))
        .unwrap_or_default();
    let redraw = follow && std::io::stdout().is_terminal();
    let mut lines = 0;
    loop {
        let s = api
            .call(
                reqwest::Method::GET,
                &format!("/api/v1/notices/{id}/deliveries{query}"),
                None,
            )
            .await?;
        let n = api
            .call(reqwest::Method::GET, &format!("/api/v1/notices/{id}"), None)
            .await?;
        let mut text = render_plan(&n);
        let untouched = s["fanout_complete"] != true
            && ["email", "sms"]
                .iter()
                .all(|c| s["summary"][c]["total"].as_i64().unwrap_or(0) == 0);
        if n["reminders"].is_array() && untouched {
            text.push_str(&format!(
                "revision {}: nothing sent yet; the plan above says when\n",
                s["revision"]
            ));
        } else {
            text.push_str(&render_status(&s));
        }
        let mut out = std::io::stdout().lock();
        if redraw && lines > 0 {
            write!(out, "\x1b[{lines}A\x1b[J")?;
        }
        write!(out, "{text}")?;
        out.flush()?;
        lines = text.lines().count();
        if !follow || is_final(&s) || waiting_for_plan(&n, &s) {
            return Ok(());
        }
        tokio::time::sleep(FOLLOW_INTERVAL).await;
    }
}

/// True once the fan-out is complete and nothing is pending on any channel.
pub fn is_final(s: &Value) -> bool {
    s["fanout_complete"] == true
        && ["email", "sms"]
            .iter()
            .all(|c| s["summary"][c]["pending"].as_i64() == Some(0))
}

/// True when nothing is under way for the current revision and the rest of a
/// maintenance notice's plan lies in the future: following would only wait for days.
pub fn waiting_for_plan(n: &Value, s: &Value) -> bool {
    let Some(plan) = n["reminders"].as_array() else {
        return false;
    };
    let now = chrono::Utc::now();
    let nothing_due = plan.iter().all(|r| {
        r["state"] != "planned"
            || r["due_at"]
                .as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .is_some_and(|t| t > now)
    });
    let idle = ["email", "sms"]
        .iter()
        .all(|c| s["summary"][c]["pending"].as_i64().unwrap_or(0) == 0);
    nothing_due && idle
}

/// A maintenance notice's plan, one step a line, in Helsinki time; empty for others.
pub fn render_plan(n: &Value) -> String {
    let Some(plan) = n["reminders"].as_array() else {
        return String::new();
    };
    let mut out = format!(
        "{} {}: {}\n",
        n["kind"].as_str().unwrap_or(""),
        n["state"].as_str().unwrap_or(""),
        n["title"]["fi"].as_str().unwrap_or("")
    );
    for r in plan {
        let channels: Vec<&str> = r["channels"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let when = r["due_at"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| crate::notices::local_time(Language::En, t.with_timezone(&chrono::Utc)))
            .unwrap_or_default();
        let state = match (r["state"].as_str(), r["fired_revision"].as_i64()) {
            (Some("done"), Some(rev)) => format!("done (revision {rev})"),
            (Some(st), _) => st.to_owned(),
            _ => String::new(),
        };
        let channels = if channels.is_empty() {
            "-".to_owned()
        } else {
            channels.join("+")
        };
        out.push_str(&format!(
            "  {:<13}{channels:<10}{when:<30}{state}",
            r["step"].as_str().unwrap_or("")
        ));
        if let Some(reason) = r["reason"].as_str() {
            out.push_str(&format!(": {reason}"));
        }
        if let Some(h) = r["holiday"]["en"].as_str() {
            out.push_str(&format!(" [{h}]"));
        }
        out.push('\n');
    }
    out
}

/// The progress table: a bar per channel and the counts by state.
pub fn render_status(s: &Value) -> String {
    let mut out = format!(
        "revision {}{}\n",
        s["revision"],
        if s["fanout_complete"] == true {
            ""
        } else {
            " (still finding recipients)"
        }
    );
    for channel in ["email", "sms"] {
        let c = &s["summary"][channel];
        let total = c["total"].as_i64().unwrap_or(0);
        let pending = c["pending"].as_i64().unwrap_or(0);
        let done = total - pending;
        let filled = match (total, s["fanout_complete"] == true) {
            (0, true) => BAR_WIDTH,
            (0, false) => 0,
            _ => (done as usize * BAR_WIDTH) / total as usize,
        };
        out.push_str(&format!(
            "{channel:<6}[{}{}] {done}/{total}",
            "#".repeat(filled),
            ".".repeat(BAR_WIDTH - filled)
        ));
        for state in DeliveryState::ALL.iter().filter(|s| !s.is_pending()) {
            let n = c[state.code()].as_i64().unwrap_or(0);
            if n > 0 {
                out.push_str(&format!("  {state} {n}"));
            }
        }
        if pending > 0 {
            out.push_str(&format!("  pending {pending}"));
        }
        out.push('\n');
    }
    out
}
