//! The `faultcast` binary, run as an operator would.

use crate::on_both_databases;
use reqwest::StatusCode;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_faultcast");
/// Bounds every wait on the child process.
const PROCESS_DEADLINE: Duration = Duration::from_secs(30);

pub(crate) fn faultcast(dir: &std::path::Path, db: &str) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("FAULTCAST__DATABASE__URL", db)
        .env("FAULTCAST__LOG__LEVEL", "warn");
    c
}

pub(crate) fn run(c: &mut Command) -> (i32, String, String) {
    let out = c.output().expect("run faultcast");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the binary without blocking the test's runtime (which serves the API it calls).
async fn run_async(mut c: Command) -> (i32, String, String) {
    tokio::task::spawn_blocking(move || run(&mut c))
        .await
        .unwrap()
}

on_both_databases! {
    async fn support_staff_publish_update_end_and_follow_a_notice_from_the_command_line(app: TestApp) {
        let dir = app.dir.path().to_owned();
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription-centre"]).await;
        crate::notices::contact(&app, &org, Some("tuki@a.example"), Some("0401234567"), "fi", serde_json::json!({})).await;
        let cli = |args: &[&str]| {
            let mut c = faultcast(&dir, "sqlite://unused.db");
            c.args(args).env("FAULTCAST_URL", app.url("")).env("FAULTCAST_TOKEN", &app.operator);
            c
        };
        std::fs::write(dir.join("notice.json"), crate::notices::fault("critical", &["prescription-centre"]).to_string()).unwrap();
        let (code, out, err) = run_async(cli(&["notice", "publish", "--file", "notice.json"])).await;
        assert_eq!(code, 0, "{err}");
        let id = out.trim().to_owned();
        assert!(err.contains("revision 1 accepted: fault publish (investigating), by email and SMS"), "{err}");
        let (_, status, _) = run_async(cli(&["notice", "status", &id])).await;
        assert!(status.starts_with("revision 1 (still finding recipients)\n"), "{status}");
        assert!(status.contains(&format!("email [{}] 0/0", ".".repeat(30))), "{status}");
        app.drain().await;
        let (_, status, _) = run_async(cli(&["notice", "status", &id])).await;
        assert!(status.contains(&format!("email [{}] 1/1  sent 1", "#".repeat(30))), "{status}");
        assert!(status.contains("sms   [") && status.contains("1/1  sent 1"), "{status}");
        std::fs::write(dir.join("change.json"), r#"{"state": "identified", "body": {"fi": "Syy löytyi.", "sv": "Orsaken hittad."}}"#).unwrap();
        let (code, _, err) = run_async(cli(&["notice", "update", &id, "--file", "change.json"])).await;
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("revision 2 accepted: fault update (identified), by email"), "{err}");
        let (code, _, err) = run_async(cli(&["notice", "end", &id])).await;
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("(resolved)"), "{err}");
        app.drain().await;
        let (code, follow, _) = run_async(cli(&["notice", "status", &id, "--follow"])).await;
        assert_eq!(code, 0);
        assert!(follow.starts_with("revision 3\n"), "{follow}");
        std::fs::write(dir.join("bad.json"), r#"{"kind": "fault", "severity": "minor", "services": ["prescription"], "title": {"fi": "x"}, "body": {"fi": "x", "sv": "y"}}"#).unwrap();
        let (code, _, err) = run_async(cli(&["notice", "publish", "--file", "bad.json"])).await;
        assert_eq!(code, 1);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("422 invalid: title.sv is required"), "{err}");
        let mut no_token = faultcast(&dir, "sqlite://x.db");
        no_token.args(["notice", "status", &id]).env("FAULTCAST_URL", app.url(""));
        let (code, _, err) = run_async(no_token).await;
        assert_eq!(code, 1);
        assert!(err.contains("FAULTCAST_TOKEN"), "{err}");
    }

    async fn support_staff_see_when_a_maintenance_will_be_announced_and_reminded(app: TestApp) {
        let dir = app.dir.path().to_owned();
        let org = app.pharmacy().await;
        crate::notices::contact(&app, &org, Some("tuki@a.example"), None, "fi", serde_json::json!({})).await;
        app.clock.set(chrono::DateTime::parse_from_rfc3339("2036-11-24T10:00:00Z").unwrap().into());
        let m = serde_json::json!({"kind": "maintenance", "services": ["prescription-centre"],
            "title": {"fi": "Huoltokatko", "sv": "Underhåll"}, "body": {"fi": "Katko.", "sv": "Avbrott."},
            "window_start": "2036-12-16T20:00", "window_end": "2036-12-16T22:00"});
        std::fs::write(dir.join("maintenance.json"), m.to_string()).unwrap();
        let cli = |args: &[&str]| {
            let mut c = faultcast(&dir, "sqlite://unused.db");
            c.args(args).env("FAULTCAST_URL", app.url("")).env("FAULTCAST_TOKEN", &app.operator);
            c
        };
        let (code, out, err) = run_async(cli(&["notice", "publish", "--file", "maintenance.json"])).await;
        assert_eq!(code, 0, "{err}");
        let id = out.trim().to_owned();
        let (code, status, err) = run_async(cli(&["notice", "status", &id, "--follow"])).await;
        assert_eq!(code, 0, "{err}");
        assert!(status.starts_with("maintenance scheduled: Huoltokatko\n"), "{status}");
        assert!(status.contains("announcement email     2 Dec 2036 09:00 (UTC+02:00)  planned\n"), "{status}");
        assert!(status.ends_with("revision 1: nothing sent yet; the plan above says when\n"), "{status}");
        assert!(status.contains("reminder     sms       15 Dec 2036 09:00 (UTC+02:00) planned\n"), "{status}");
        assert!(status.contains("start        -         16 Dec 2036 20:00 (UTC+02:00) planned\n"), "{status}");
        app.clock.set(chrono::DateTime::parse_from_rfc3339("2036-12-02T07:00:00Z").unwrap().into());
        app.tick().await;
        let (_, status, _) = run_async(cli(&["notice", "status", &id])).await;
        assert!(status.contains("2 Dec 2036 09:00 (UTC+02:00)  done (revision 1)\n"), "{status}");
        assert!(status.contains("email [##############################] 1/1  sent 1"), "{status}");
    }

    async fn token_create_prints_the_token_alone_on_the_first_line(app: TestApp) {
        let (code, out, err) = run(faultcast(app.dir.path(), &app.database_url).args(["token", "create", "--role", "operator", "--label", "cli test"]));
        assert_eq!(code, 0, "{err}");
        let token = out.lines().next().unwrap();
        assert!(token.starts_with("fct_") && !token.contains(' '), "{out}");
        assert_eq!(app.get("/api/v1/organisations", token).await.status, StatusCode::OK);
        assert!(!err.contains(token.rsplit('_').next().unwrap()), "the secret is printed once, on stdout");
    }

    async fn org_add_list_and_contact_import_export_work_from_the_command_line(app: TestApp) {
        let dir = app.dir.path();
        let (code, out, err) = run(faultcast(dir, &app.database_url).args(["org", "add", "--name", "Apteekki", "--business-id", "0112038-9", "--audience", "pharmacy", "--services", "prescription,prescription-centre"]));
        assert_eq!(code, 0, "{err}");
        let org = out.trim().to_owned();
        let (_, listed, _) = run(faultcast(dir, &app.database_url).args(["org", "list", "--q", "apteekki"]));
        assert!(listed.starts_with(&format!("{org}\t0112038-9\tactive\tApteekki")), "{listed}");
        let csv = dir.join("contacts.csv");
        std::fs::write(&csv, "name,role,email,phone,language,channels\nTuki,helpdesk,tuki@a.fi,040 123 4567,sv,email sms\n").unwrap();
        let (code, out, err) = run(faultcast(dir, &app.database_url).args(["contacts", "import", "--org", &org]).arg(&csv));
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.trim(), "created 1, updated 0, deleted 0, unchanged 0, total 1");
        let (_, exported, _) = run(faultcast(dir, &app.database_url).args(["contacts", "export", "--org", &org]));
        assert!(exported.contains("'+358401234567"), "{exported}");
        std::fs::write(&csv, "name,role,language,channels\nTuki,helpdesk,fi,sms\n").unwrap();
        let (code, _, err) = run(faultcast(dir, &app.database_url).args(["contacts", "import", "--org", &org]).arg(&csv));
        assert_eq!(code, 1);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("rows[1].phone"), "{err}");
    }
}

#[test]
fn config_default_prints_the_shipped_file() {
    let (code, out, _) = run(Command::new(BIN).args(["config", "default"]));
    assert_eq!(code, 0);
    assert_eq!(out, include_str!("../../config/faultcast.toml"));
}

#[test]
fn config_check_names_a_bad_key_in_one_line_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(faultcast(dir.path(), "sqlite://x.db")
        .args(["config", "check"])
        .env("FAULTCAST__DELIVERY__WORKERS", "zero"));
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("delivery.workers"), "{err}");
    let (code, _, err) = run(faultcast(dir.path(), "sqlite://x.db")
        .args(["config", "check"])
        .env("FAULTCAST__EMAIL__SMTP__HOTS", "x"));
    assert_eq!(code, 1);
    assert!(err.contains("hots"), "{err}");
    let bad_file = dir.path().join("bad.toml");
    std::fs::write(&bad_file, "[server]\nlisten = 8080\n").unwrap();
    let (code, _, err) = run(faultcast(dir.path(), "sqlite://x.db")
        .args(["config", "check", "--config"])
        .arg(&bad_file));
    assert_eq!(code, 1);
    assert!(err.contains("server.listen"), "{err}");
}

#[test]
fn config_check_never_prints_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(
        faultcast(dir.path(), "postgres://u:canary-secret@127.0.0.1:1/db")
            .args(["config", "check"])
            .env("FAULTCAST__EMAIL__TRANSPORT", "smtp")
            .env("FAULTCAST__EMAIL__SMTP__HOST", "smtp.example.fi")
            .env("FAULTCAST__EMAIL__SMTP__USERNAME", "u")
            .env("FAULTCAST__EMAIL__SMTP__PASSWORD", "canary-password"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("configuration OK"), "{out}");
    assert!(
        !out.contains("canary") && !err.contains("canary"),
        "{out}{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, _) = run(Command::new(BIN).args(["token", "create"]));
    assert_eq!(code, 2);
    let (code, _, _) = run(Command::new(BIN).args(["frobnicate"]));
    assert_eq!(code, 2);
}

/// Registers an organisation and a contact full of canary values; returns the canaries.
fn walk_through(addr: &str, token: &str) -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let org: serde_json::Value = http
            .post(format!("http://{addr}/api/v1/organisations"))
            .bearer_auth(token)
            .json(&serde_json::json!({"name": "Canary Org", "business_id": "0112038-9", "audience": "pharmacy", "services": ["prescription"]}))
            .send().await.unwrap().json().await.unwrap();
        let id = org["id"].as_str().unwrap();
        let contact = serde_json::json!({"name": "Kanarialintu Henkilö", "role": "helpdesk", "email": "kanarialintu@canary.example",
            "phone": "0407654321", "language": "fi", "channels": ["email", "sms"]});
        let res = http.post(format!("http://{addr}/api/v1/organisations/{id}/contacts")).bearer_auth(token).json(&contact).send().await.unwrap();
        assert_eq!(res.status(), 201);
        let bad = serde_json::json!({"name": "x", "role": "helpdesk", "email": "kanarialintu-bad@@canary", "language": "fi", "channels": ["email"]});
        let res = http.post(format!("http://{addr}/api/v1/organisations/{id}/contacts")).bearer_auth(token).json(&bad).send().await.unwrap();
        assert_eq!(res.status(), 422);
    });
    [
        "Kanarialintu",
        "kanarialintu",
        "0407654321",
        "+358407654321",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// The status of a GET, from a synchronous test.
pub(crate) fn blocking_status(url: &str) -> u16 {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        reqwest::get(url)
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    })
}

/// A `faultcast serve` child process on a free port; killed when dropped (a failing test leaves none).
pub(crate) struct Daemon {
    child: Option<std::process::Child>,
    pub(crate) addr: String,
    lines: Option<std::io::Lines<BufReader<std::process::ChildStderr>>>,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Daemon {
    /// Starts the daemon with a SQLite file at `db` and waits for its listening line.
    pub(crate) fn start(dir: &std::path::Path, db: &str, level: &str) -> Self {
        Self::start_with(dir, db, level, &[])
    }

    /// Starts the daemon with extra environment variables.
    pub(crate) fn start_with(
        dir: &std::path::Path,
        db: &str,
        level: &str,
        env: &[(&str, &str)],
    ) -> Self {
        let mut cmd = faultcast(dir, db);
        cmd.args(["serve"])
            .envs(env.iter().copied())
            .env("FAULTCAST__SERVER__LISTEN", "127.0.0.1:0")
            .env("FAULTCAST__LOG__LEVEL", level);
        Self::spawn(cmd)
    }

    /// Starts `cmd` (a `faultcast … serve` listening on port 0) and waits for its
    /// listening line.
    pub(crate) fn spawn(mut cmd: Command) -> Self {
        let mut child = cmd
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start faultcast serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let started = Instant::now();
        let addr = loop {
            assert!(started.elapsed() < PROCESS_DEADLINE, "no listening line");
            let line = lines.next().expect("serve exited early").unwrap();
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
        };
        Self {
            child: Some(child),
            addr,
            lines: Some(lines),
        }
    }

    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, std::process::Child::id)
    }

    /// Sends `signal` (e.g. `TERM`), waits for the exit, and returns it with the rest of the log.
    pub(crate) fn stop_with(mut self, signal: &str) -> (std::process::ExitStatus, String) {
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        // Read the rest of the log and wait in a thread, so that a hung daemon fails the
        // test at the deadline instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        let (mut child, lines) = (self.child.take().unwrap(), self.lines.take().unwrap());
        std::thread::spawn(move || {
            let log: Vec<String> = lines.map_while(Result::ok).collect();
            tx.send((child.wait(), log))
        });
        let (status, log) = rx
            .recv_timeout(PROCESS_DEADLINE)
            .expect("serve stops after the signal");
        let status = status.unwrap();
        (status, log.join("\n"))
    }
}

#[test]
fn serve_answers_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!(
        "sqlite://{}",
        dir.path().join("data/faultcast.db").display()
    );
    let daemon = Daemon::start(dir.path(), &db, "trace");
    assert_eq!(
        blocking_status(&format!("http://{}/readyz", daemon.addr)),
        200
    );
    assert!(
        dir.path().join("data/faultcast.db").exists(),
        "the SQLite file is created"
    );
    // Canary personal data and a token pass through the daemon while it logs at trace level.
    let (code, out, err) = run(faultcast(dir.path(), &db)
        .args(["token", "create", "--role", "operator", "--label", "canary"]));
    assert_eq!(code, 0, "{err}");
    let token = out.lines().next().unwrap().to_owned();
    let canaries = walk_through(&daemon.addr, &token);
    let (status, log) = daemon.stop_with("TERM");
    assert!(status.success(), "{status:?}");
    assert!(log.contains("stopped"), "{log}");
    assert!(
        log.contains("route=/api/v1/organisations/{org_id}/contacts"),
        "requests are logged by route"
    );
    for canary in canaries
        .iter()
        .chain([&token, &token.rsplit('_').next().unwrap().to_owned()])
    {
        assert!(
            !log.contains(canary.as_str()),
            "{canary} appears in the trace log"
        );
    }
}

#[test]
fn serve_stops_cleanly_on_ctrl_c_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("faultcast.db").display());
    let (status, log) = Daemon::start(dir.path(), &db, "info").stop_with("INT");
    assert!(status.success(), "{status:?}");
    assert!(log.contains("SIGINT received"), "{log}");
}

#[test]
fn migrate_applies_the_migrations_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("m/faultcast.db").display());
    let (code, _, err) = run(faultcast(dir.path(), &db).arg("migrate"));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("migrations applied"), "{err}");
    assert!(dir.path().join("m/faultcast.db").exists());
    let (code, _, err) = run(faultcast(dir.path(), &db).arg("migrate"));
    assert_eq!(code, 0, "a second run is a no-op: {err}");
    let (code, _, err) = run(faultcast(dir.path(), "postgres://nobody@127.0.0.1:1/none")
        .arg("migrate")
        .env("FAULTCAST__DATABASE__ACQUIRE_TIMEOUT_SECS", "1"));
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("PostgreSQL"), "{err}");
}
