//! The public pages in a real browser (Debian's chromium, driven by playwright-core):
//! all three languages at a phone's width, a notice link followed, axe-core's WCAG 2.1
//! A/AA rules with 0 violations, and nothing refused by the page's own CSP.

use crate::notices::fault;
use crate::support::TestApp;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

/// Whether node, chromium and the test's npm packages are here (installing the pinned
/// packages when they are not); panics where they are required (CI installs the tools).
pub(crate) fn browser_available() -> bool {
    let dir = crate::support::tools::node_packages();
    let ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        && Path::new("/usr/bin/chromium").exists()
        && dir.join("node_modules/playwright-core").exists()
        && dir.join("node_modules/axe-core").exists();
    crate::support::tools::available(
        "node with playwright-core and axe-core, and /usr/bin/chromium",
        ok,
        "apt-get install nodejs npm chromium; npm ci in tests/browser",
    )
}

/// Runs `tests/browser/SCRIPT` with `args` in node; the JSON report it prints.
pub(crate) async fn run_script(script: &str, args: Vec<String>) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser")
        .join(script);
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script)
            .args(args)
            .output()
            .expect("run node")
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn some_notices(app: &TestApp) {
    for body in [
        fault("critical", &["prescription-centre"]),
        json!({"kind": "maintenance", "services": ["mykanta"],
            "title": {"fi": "OmaKannan huoltokatko", "sv": "Underhåll av MittKanta", "en": "MyKanta maintenance"},
            "body": {"fi": "OmaKanta ei ole käytettävissä.", "sv": "MittKanta är inte tillgänglig.", "en": "MyKanta is unavailable."},
            "window_start": "2036-12-15T18:00:00Z", "window_end": "2036-12-15T20:00:00Z"}),
    ] {
        let a = app.post("/api/v1/notices", &app.operator, body).await;
        assert_eq!(a.status, 202, "{}", a.text);
    }
}

#[tokio::test]
async fn the_pages_pass_axe_in_a_real_browser_in_all_three_languages() {
    if !browser_available() {
        return;
    }
    let app = crate::support::spawn_app(crate::support::Backend::Sqlite)
        .await
        .unwrap();
    some_notices(&app).await;
    let report = run_script("check.mjs", vec![app.url("")]).await;
    assert_eq!(
        report["policyErrors"],
        json!([]),
        "nothing refused by the CSP"
    );
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for (r, (lang, h1)) in results.iter().zip([
        ("fi", "Palveluiden tila"),
        ("sv", "Tjänsternas status"),
        ("en", "Service status"),
    ]) {
        assert_eq!(r["status"], 200);
        assert_eq!(
            (r["htmlLang"].as_str(), r["h1"].as_str()),
            (Some(lang), Some(h1))
        );
        assert_eq!(r["violations"], json!([]), "axe-core, {lang}: {r}");
        assert_eq!(
            r["overflow"], false,
            "no sideways scrolling on a phone ({lang})"
        );
        assert_eq!(
            r["noticeH1"], r["title"],
            "the link leads to its notice ({lang})"
        );
        assert!(r["url"].as_str().unwrap().contains("/notices/"));
        assert_eq!(
            (r["errorStatus"].as_u64(), r["errorLang"].as_str()),
            (Some(404), Some(lang)),
            "an unknown address answers a page in the language asked for"
        );
    }
}

#[tokio::test]
async fn the_console_passes_axe_in_all_three_languages_and_publishes_a_fault_by_keyboard() {
    if !browser_available() {
        return;
    }
    let app = crate::support::spawn_app(crate::support::Backend::Sqlite)
        .await
        .unwrap();
    some_notices(&app).await;
    let org = app.pharmacy().await;
    crate::notices::contact(&app, &org, Some("tuki@apteekki.fi"), None, "fi", json!({})).await;
    // Three organisations report the same service: a probable national fault on the queue.
    for b in ["1234560-4", "1234561-2", "1234562-0"] {
        let body = crate::fault_reports::report(
            json!({"business_id": b, "criteria": ["patient-safety"],
            "attachments": [{"filename": "ruutu.png", "content_base64": crate::fault_reports::png_base64()}]}),
        );
        let a = app.post("/api/v1/fault-reports", &app.operator, body).await;
        assert_eq!(a.status, reqwest::StatusCode::CREATED, "{}", a.text);
    }
    let mut links = Vec::new();
    for _ in 0..2 {
        let (token, _) = app
            .intake
            .issue_login_link(&faultcast::access::Actor::cli(), "Anna (tuki)")
            .await
            .unwrap();
        links.push(app.url(&format!("/console/login/link?token={}", token.reveal())));
    }
    let args = std::iter::once(app.url("")).chain(links).collect();
    let report = run_script("console.mjs", args).await;
    assert_eq!(
        report["policyErrors"],
        json!([]),
        "nothing refused by the CSP"
    );
    assert_eq!(
        report["strictH1"], "Tilannekuva",
        "signed in under the strict CSP"
    );
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 65);
    assert_pages_pass(results);
    assert_eq!(
        report["added"], true,
        "a recipient added by keyboard, its bad field marked first"
    );
    let dashboards: Vec<&str> = results
        .iter()
        .filter(|r| r["name"] == "dashboard")
        .map(|r| r["h1"].as_str().unwrap())
        .collect();
    assert_eq!(
        dashboards,
        ["Tilannekuva", "Lägesbild", "Dashboard"],
        "signed in by keyboard"
    );
}

#[tokio::test]
async fn the_console_signs_in_through_the_identity_provider_in_a_real_browser() {
    if !browser_available() {
        return;
    }
    let Some((app, _idp)) =
        crate::console_oidc::app_with_provider(crate::support::Backend::Sqlite).await
    else {
        return;
    };
    let report = run_script("oidc_signin.mjs", vec![app.url("")]).await;
    assert_eq!(
        report["policyErrors"],
        json!([]),
        "the sign-in button may lead to the provider under the console's CSP"
    );
    assert_eq!(report["operator"]["h1"], "Tilannekuva", "{report}");
    assert_eq!(report["visitor"]["h1"], "No access", "{report}");
    assert!(
        report["visitor"]["text"]
            .as_str()
            .unwrap()
            .contains("Ville Vieras (visitor)")
    );
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    assert_pages_pass(results);
}

/// Each console page a script looked at is in the language asked for, passes axe-core and
/// fits a phone's width.
pub(crate) fn assert_pages_pass(results: &[Value]) {
    for r in results {
        assert_eq!(r["htmlLang"], r["lang"], "{r}");
        assert_eq!(r["violations"], json!([]), "axe-core: {r}");
        assert_eq!(
            r["overflow"], false,
            "no sideways scrolling on a phone: {r}"
        );
    }
}

#[tokio::test]
async fn the_live_sms_counter_counts_as_the_server_does() {
    if !browser_available() {
        return;
    }
    let app = crate::support::spawn_app(crate::support::Backend::Sqlite)
        .await
        .unwrap();
    let (token, _) = app
        .intake
        .issue_login_link(&faultcast::access::Actor::cli(), "Anna (tuki)")
        .await
        .unwrap();
    let link = app.url(&format!("/console/login/link?token={}", token.reveal()));
    let long = "Reseptikeskuksessa on häiriö. ".repeat(6);
    let corpus = vec![
        "".to_owned(),
        "Huoltokatko klo 18–20 … “lainaus” € [x]".to_owned(),
        "a".repeat(160),
        "a".repeat(161),
        format!("{}€", "a".repeat(152)),
        "Störning 😀".to_owned(),
        "ž".repeat(70),
        "ž".repeat(71),
        format!("{}😀", "ž".repeat(66)),
        "rivi yksi\nrivi kaksi\n".to_owned(),
        long.clone(),
        long.repeat(2),
    ];
    let args = vec![app.url(""), link, serde_json::to_string(&corpus).unwrap()];
    let report = run_script("sms_counter.mjs", args).await;
    assert_eq!(
        report["policyErrors"],
        json!([]),
        "the script runs under the CSP"
    );
    for (text, got) in corpus.iter().zip(report["counts"].as_array().unwrap()) {
        // As the browser sends it: line breaks as CR LF.
        let sent = text.replace('\n', "\r\n");
        let normal = faultcast::notices::normalise_sms(&sent);
        let (encoding, parts) = faultcast::notices::split_parts(&normal);
        let parts = if normal.is_empty() { 0 } else { parts.len() };
        assert_eq!(got["parts"], parts, "parts of {text:?}: {got}");
        assert_eq!(
            got["encoding"],
            encoding.to_string(),
            "encoding of {text:?}"
        );
    }
    assert_eq!(report["empty"], "Empty: the title and a link are sent.");
    assert_eq!(
        report["typed"], "24 characters · 1 part · GSM-7",
        "the dash replaced, € two septets"
    );
    assert_eq!(report["ucs2"], "10 characters · 1 part · UCS-2");
}
