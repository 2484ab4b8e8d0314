//! A generic OpenAPI fuzzer, schemathesis (pinned in `tests/schemathesis/requirements.txt`,
//! installed into `target/schemathesis` by `.ci/run`), given nothing but the served document,
//! a token and the ids of records it may touch, run with no token, an `org_admin` token and
//! an operator token: no 5xx, no answer outside its schema, no undocumented status code,
//! nothing the document calls invalid accepted — and generated creates get through. Each
//! run prints a `figures:` line with the share of generated (positive) requests per
//! operation that succeeded; `FAULTCAST_SCHEMATHESIS_REPORTS=DIR` keeps each run's events.

use crate::support::{Backend, TestApp, spawn_app};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Bounds one schemathesis run.
const RUN_DEADLINE: Duration = Duration::from_secs(300);

/// The schemathesis executable: `FAULTCAST_SCHEMATHESIS`, else the venv `.ci/run` makes.
fn schemathesis() -> Option<PathBuf> {
    let path = std::env::var_os("FAULTCAST_SCHEMATHESIS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/schemathesis/bin/schemathesis")
        });
    let here = path.exists();
    crate::support::tools::available(
        "schemathesis",
        here,
        "python3 -m venv target/schemathesis && target/schemathesis/bin/pip install -r tests/schemathesis/requirements.txt",
    )
    .then_some(path)
}

/// Records the fuzzer may touch, made through the API.
struct Records {
    org: String,
    notice: String,
    org_admin: String,
}

async fn records(app: &TestApp) -> Records {
    let op = app.operator.clone();
    let org = app.pharmacy().await;
    app.post(
        &format!("/api/v1/organisations/{org}/contacts"),
        &op,
        json!({"name": "Tuki",
        "role": "helpdesk", "email": "tuki@apteekki.example", "phone": "040 123 4567",
        "language": "fi", "channels": ["email", "sms"]}),
    )
    .await;
    let n = app
        .post(
            "/api/v1/notices",
            &op,
            crate::notices::fault("major", &["prescription-centre"]),
        )
        .await;
    Records {
        notice: n.body["id"].as_str().unwrap().to_owned(),
        org_admin: app.org_admin(&org).await,
        org,
    }
}

/// The ids each operation is given: the organisation and the notice. Contacts (which a CSV
/// import may replace), deleting and revoking are left to what the fuzzer makes itself: its
/// stateful phase creates, then reads, changes and deletes through the document's links.
fn config(r: &Records) -> String {
    format!(
        r#"[[operations]]
include-operation-id = ["getOrganisation", "updateOrganisation", "listContacts", "createContact", "exportContacts", "importContacts", "getContact", "updateContact", "deleteContact"]
parameters = {{ org_id = "{org}" }}

[[operations]]
include-operation-id = ["getNotice", "reviseNotice", "listDeliveries", "retryDeliveries"]
parameters = {{ id = "{notice}" }}

[[operations]]
include-operation-id = "receiveSmsReceipt"
parameters = {{ profile = "generic" }}

# Deleting reuses no id seen in an answer (the organisation above would go first): the
# stateful phase still deletes what it created itself.
[[operations]]
include-operation-id = ["deleteOrganisation", "deleteContact"]
phases = {{ examples = {{ extra-data-sources = {{ responses = false }} }}, coverage = {{ extra-data-sources = {{ responses = false }} }}, fuzzing = {{ extra-data-sources = {{ responses = false }} }} }}
"#,
        org = r.org,
        notice = r.notice,
    )
}

/// Per operation: generated (positive) requests, and how many got a 2xx.
type Shares = BTreeMap<String, (usize, usize)>;

/// Reads the run's events: the failed checks, and the shares.
fn read_events(ndjson: &str) -> (Vec<String>, Shares) {
    let mut failed = Vec::new();
    let mut shares = Shares::new();
    for line in ndjson.lines() {
        let Ok(event) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let Some(scenario) = event.get("ScenarioFinished") else {
            continue;
        };
        let recorder = &scenario["recorder"];
        let label = recorder["label"].as_str().unwrap_or("?").to_owned();
        for (case, checks) in recorder["checks"].as_object().into_iter().flatten() {
            for check in checks.as_array().into_iter().flatten() {
                if check["status"] == "failure" {
                    failed.push(format!("{label} {case}: {}", check["name"]));
                }
            }
        }
        for (id, case) in recorder["cases"].as_object().into_iter().flatten() {
            let value = &case["value"];
            if value["meta"]["generation"]["mode"] != "positive" {
                continue;
            }
            let status = recorder["interactions"][id]["response"]["status_code"].as_u64();
            let Some(status) = status else { continue };
            // Stateful scenarios chain operations under one label: each case names its own.
            let op = format!(
                "{} {}",
                value["method"].as_str().unwrap_or("?"),
                value["path"].as_str().unwrap_or("?")
            );
            let entry = shares.entry(op).or_default();
            entry.0 += 1;
            if (200..300).contains(&status) {
                entry.1 += 1;
            }
        }
    }
    (failed, shares)
}

/// Runs schemathesis against `app` with `token`; returns the shares.
async fn fuzz(app: &TestApp, bin: &Path, token: Option<&str>, who: &str, r: &Records) -> Shares {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("schemathesis.toml");
    std::fs::write(&cfg, config(r)).unwrap();
    let events = dir.path().join("events.ndjson");
    let seed = std::env::var("FAULTCAST_SCHEMATHESIS_SEED").unwrap_or_else(|_| "1".into());
    let examples = std::env::var("FAULTCAST_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "25".into());
    let mut cmd = tokio::process::Command::new(bin);
    cmd.current_dir(dir.path())
        .arg("--config-file")
        .arg(&cfg)
        .arg("run")
        .arg(app.url("/api/v1/openapi.json"))
        .args([
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
        ])
        .args([
            "--max-examples",
            &examples,
            "--seed",
            &seed,
            "--workers",
            "1",
            "--no-color",
        ])
        .args([
            "--request-timeout",
            "30",
            "--report",
            "ndjson",
            "--report-ndjson-path",
        ])
        .arg(&events)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .kill_on_drop(true);
    if let Some(t) = token {
        cmd.args(["-H", &format!("Authorization: Bearer {t}")]);
    }
    let out = tokio::time::timeout(RUN_DEADLINE, cmd.output())
        .await
        .expect("schemathesis finishes in time")
        .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let (failed, shares) = read_events(&std::fs::read_to_string(&events).unwrap_or_default());
    if let Some(keep) = std::env::var_os("FAULTCAST_SCHEMATHESIS_REPORTS") {
        // The run's events, for a closer look (`schemathesis` writes NDJSON).
        let name = format!("{:?}-{}.ndjson", app.backend, who.replace(' ', "-"));
        let _ = std::fs::copy(&events, Path::new(&keep).join(name));
    }
    assert!(
        out.status.success() && failed.is_empty(),
        "schemathesis ({who}) found problems: {failed:?}\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: Vec<String> = shares
        .iter()
        .map(|(op, (n, ok))| format!("{op} {ok}/{n}"))
        .collect();
    eprintln!(
        "figures: schemathesis {who} on {:?}: 2xx of generated requests: {}",
        app.backend,
        line.join("; ")
    );
    shares
}

async fn a_fuzzer_given_only_the_document_finds_nothing_and_its_creates_get_through(
    backend: Backend,
) {
    let Some(bin) = schemathesis() else { return };
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let r = records(&app).await;
    let anonymous = fuzz(&app, &bin, None, "without a token", &r).await;
    for (op, (_, ok)) in &anonymous {
        let public = [
            "GET /api/v1/services",
            "GET /api/v1/notices",
            "GET /api/v1/notices/{id}",
            "GET /api/v1/openapi.json",
        ];
        assert!(
            *ok == 0 || public.contains(&op.as_str()),
            "{op} answered 2xx without a token"
        );
    }
    let admin = r.org_admin.clone();
    fuzz(&app, &bin, Some(&admin), "as org_admin", &r).await;
    let op_token = app.operator.clone();
    let operator = fuzz(&app, &bin, Some(&op_token), "as operator", &r).await;
    for create in [
        "POST /api/v1/organisations",
        "POST /api/v1/organisations/{org_id}/contacts",
        "POST /api/v1/tokens",
        "POST /api/v1/notices",
        "POST /api/v1/notices/preview",
        "POST /api/v1/notices/{id}/revisions",
    ] {
        let (n, ok) = operator.get(create).copied().unwrap_or_default();
        assert!(
            ok > 0,
            "{create}: none of {n} generated requests got through"
        );
    }
}

crate::on_both_backends!(
    a_fuzzer_given_only_the_document_finds_nothing_and_its_creates_get_through
);
