//! The operator console: one-time sign-in links, sessions, sign-out and the dashboard,
//! over real HTTP as a browser would (cookies and `Origin` set by hand, redirects not
//! followed).

use crate::on_both_databases;
use crate::support::TestApp;
use faultcast::access::Actor;
use faultcast::clock::Clock;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};

/// A client that shows redirects instead of following them, like a test of a browser's view.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A new sign-in link's token for `label`.
async fn link(app: &TestApp, label: &str) -> String {
    let (token, _) = app
        .intake
        .issue_login_link(&Actor::cli(), label)
        .await
        .unwrap();
    token.reveal().to_owned()
}

/// Posts the sign-in form of `token` from our own origin; the answer.
async fn sign_in(app: &TestApp, token: &str) -> reqwest::Response {
    browser()
        .post(app.url("/console/login/link?lang=en"))
        .header(ORIGIN, app.url(""))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
}

/// Signs in as `label`; the session cookie (`name=value`).
pub(crate) async fn session(app: &TestApp, label: &str) -> String {
    let t = link(app, label).await;
    let res = sign_in(app, &t).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    cookie.split(';').next().unwrap().to_owned()
}

async fn console(app: &TestApp, cookie: &str) -> reqwest::Response {
    browser()
        .get(app.url("/console?lang=en"))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap()
}

/// The form token in a console page.
pub(crate) fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a form token") + 19;
    page[at..at + 64].to_owned()
}

pub(crate) fn location(res: &reqwest::Response) -> String {
    res.headers()[LOCATION].to_str().unwrap().to_owned()
}

on_both_databases! {
    async fn a_sign_in_link_shows_a_button_on_get_and_signs_in_once_only_on_post(app: TestApp) {
        let token = link(&app, "Anna (support)").await;
        for _ in 0..2 {
            let page = browser().get(app.url(&format!("/console/login/link?token={token}&lang=en"))).send().await.unwrap();
            assert_eq!(page.status(), StatusCode::OK, "a GET, as a mail scanner makes, spends nothing");
            assert!(page.headers().get(SET_COOKIE).is_none());
            let text = page.text().await.unwrap();
            assert!(text.contains("Anna (support)") && text.contains("<form method=\"post\""), "{text}");
        }
        let foreign = browser().post(app.url("/console/login/link")).header(ORIGIN, "https://evil.example").form(&[("token", token.as_str())]).send().await.unwrap();
        assert_eq!(foreign.status(), StatusCode::FORBIDDEN, "a form from another site signs nobody in");
        assert!(foreign.headers().get(SET_COOKIE).is_none());
        let ok = sign_in(&app, &token).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&ok), "/console?lang=en");
        let cookie = ok.headers()[SET_COOKIE].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("faultcast_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain http on loopback: {cookie}");
        let again = sign_in(&app, &token).await;
        assert_eq!(again.status(), StatusCode::GONE, "a link works once");
        assert!(again.headers().get(SET_COOKIE).is_none());
        assert!(again.text().await.unwrap().contains("used already"));

        let page = console(&app, cookie.split(';').next().unwrap()).await;
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers()["cache-control"], "no-store");
        assert!(page.headers()["content-security-policy"].to_str().unwrap().contains("form-action 'self'"));
        assert!(page.text().await.unwrap().contains("Anna (support)"));
        let audit = app.get("/api/v1/audit", &app.operator).await.body;
        let actions: Vec<(&str, &str)> = audit["items"].as_array().unwrap().iter()
            .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap())).collect();
        assert!(actions.contains(&("console.sign_in", "console:Anna (support)")), "{actions:?}");
        assert!(actions.contains(&("console.link", "cli")), "{actions:?}");
    }

    async fn without_a_session_every_console_page_sends_the_browser_to_sign_in_and_tokens_never_open_it(app: TestApp) {
        for res in [
            browser().get(app.url("/console?lang=sv")).send().await.unwrap(),
            browser().get(app.url("/console?lang=sv")).bearer_auth(&app.operator).send().await.unwrap(),
            browser().get(app.url("/console?lang=sv")).header(COOKIE, format!("faultcast_session={}", "a".repeat(64))).send().await.unwrap(),
            browser().get(app.url("/console?lang=sv")).header(COOKIE, "faultcast_session=../../etc").send().await.unwrap(),
        ] {
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
            assert_eq!(location(&res), "/console/login?lang=sv");
        }
        let page = browser().get(app.url("/console/login?lang=fi")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("faultcast login-link"));
        let bogus = browser().get(app.url("/console/login/link?token=nonsense")).send().await.unwrap();
        assert_eq!(bogus.status(), StatusCode::GONE);
    }

    async fn sign_out_needs_the_pages_form_token_and_ends_the_session(app: TestApp) {
        let cookie = session(&app, "Anna (support)").await;
        let page = console(&app, &cookie).await.text().await.unwrap();
        let csrf = csrf_of(&page);
        let out = |origin: &'static str, csrf: String| {
            let req = browser().post(app.url("/console/logout?lang=en")).header(COOKIE, &cookie).form(&[("csrf", csrf)]);
            let req = if origin.is_empty() { req } else { req.header(ORIGIN, if origin == "self" { app.url("") } else { origin.to_owned() }) };
            req.send()
        };
        let other = session(&app, "Bertil (support)").await;
        let others_csrf = csrf_of(&console(&app, &other).await.text().await.unwrap());
        for (origin, token, why) in [
            ("self", String::new(), "no form token"),
            ("self", others_csrf, "another session's token"),
            ("https://evil.example", csrf.clone(), "a foreign origin"),
            ("", csrf.clone(), "no origin at all"),
        ] {
            assert_eq!(out(origin, token).await.unwrap().status(), StatusCode::FORBIDDEN, "{why}");
            assert_eq!(console(&app, &cookie).await.status(), StatusCode::OK, "{why}: still signed in");
        }
        let get = browser().get(app.url("/console/logout")).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED, "a GET never signs out");
        assert_eq!(console(&app, &cookie).await.status(), StatusCode::OK);

        let done = out("self", csrf).await.unwrap();
        assert_eq!(done.status(), StatusCode::SEE_OTHER);
        assert!(done.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
        assert_eq!(console(&app, &cookie).await.status(), StatusCode::SEE_OTHER, "the session is gone");
        assert_eq!(console(&app, &other).await.status(), StatusCode::OK, "another person's session stays");
    }

    async fn an_expired_link_says_so_and_sessions_end_when_idle_and_at_their_age(app: TestApp) {
        let late = link(&app, "Anna (support)").await;
        app.clock.advance(chrono::Duration::minutes(16));
        let page = browser().get(app.url(&format!("/console/login/link?token={late}&lang=en"))).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::GONE);
        assert!(page.text().await.unwrap().contains("has expired"));
        assert_eq!(sign_in(&app, &late).await.status(), StatusCode::GONE);

        let idle = session(&app, "Anna (support)").await;
        app.clock.advance(chrono::Duration::minutes(29));
        assert_eq!(console(&app, &idle).await.status(), StatusCode::OK);
        app.clock.advance(chrono::Duration::minutes(29));
        assert_eq!(console(&app, &idle).await.status(), StatusCode::OK, "each request starts the idle time again");
        app.clock.advance(chrono::Duration::minutes(31));
        assert_eq!(console(&app, &idle).await.status(), StatusCode::SEE_OTHER, "30 minutes idle");

        let busy = session(&app, "Anna (support)").await;
        for _ in 0..28 {
            app.clock.advance(chrono::Duration::minutes(25));
            assert_eq!(console(&app, &busy).await.status(), StatusCode::OK);
        }
        app.clock.advance(chrono::Duration::minutes(25));
        assert_eq!(console(&app, &busy).await.status(), StatusCode::SEE_OTHER, "12 hours after sign-in");
    }

    async fn housekeeping_forgets_ended_sessions_and_spent_links(app: TestApp) {
        let cookie = session(&app, "Anna (support)").await;
        let id_hash = faultcast::access::BrowserSecret::presented(cookie.split('=').nth(1).unwrap()).unwrap().hash();
        let unused = faultcast::access::BrowserSecret::presented(&link(&app, "Bertil (support)").await).unwrap().hash();
        let pending = faultcast::access::PendingSignIn { state: "s".into(), nonce: "n".into(), verifier: "v".into() };
        let abandoned = app.intake.begin_provider_sign_in(&pending, faultcast::registry::Language::Fi).await.unwrap().hash();
        let started = app.clock.now();
        let store = app.intake.store();
        app.intake.purge_deliveries(chrono::Duration::days(90)).await.unwrap();
        assert!(store.console_session(&id_hash).await.unwrap().is_some(), "an open session stays");
        assert!(store.login_link(&unused).await.unwrap().is_some(), "a valid link stays");
        app.clock.advance(chrono::Duration::hours(13));
        app.intake.purge_deliveries(chrono::Duration::days(90)).await.unwrap();
        assert!(store.console_session(&id_hash).await.unwrap().is_none());
        assert!(store.login_link(&unused).await.unwrap().is_none());
        assert!(store.take_sign_in(&abandoned, started).await.unwrap().is_none(), "a sign-in abandoned at the provider goes");
    }

    async fn the_dashboard_shows_active_notices_with_their_delivery_progress(app: TestApp) {
        let org = app.pharmacy().await;
        crate::notices::contact(&app, &org, Some("tuki@apteekki.fi"), None, "fi", serde_json::json!({})).await;
        let mut fault = crate::notices::fault("critical", &["prescription-centre"]);
        fault["next_update_at"] = app.clock.now().checked_add_signed(chrono::Duration::minutes(10)).unwrap().to_rfc3339().into();
        let published = app.post("/api/v1/notices", &app.operator, fault).await;
        assert_eq!(published.status, StatusCode::ACCEPTED, "{}", published.text);
        let cookie = session(&app, "Anna (support)").await;
        let page = console(&app, &cookie).await.text().await.unwrap();
        assert!(page.contains("Prescription Centre disruption"), "{page}");
        assert!(page.contains("not sent yet"), "before the fan-out: {page}");
        app.drain().await;
        let page = console(&app, &cookie).await.text().await.unwrap();
        assert!(page.contains("1 / 1 done · 1 sent"), "after it: {page}");
        assert!(page.contains("Active faults and instructions"));
        assert!(!page.contains("Promised update overdue"));
        app.clock.advance(chrono::Duration::minutes(11));
        let page = console(&app, &cookie).await.text().await.unwrap();
        assert!(page.contains("Promised update overdue (1)"), "{page}");
        assert!(page.contains("(overdue)"));
    }
}

#[test]
fn login_link_prints_a_link_that_works_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}?mode=rwc", dir.path().join("fc.db").display());
    let (code, out, err) = crate::cli::run(crate::cli::faultcast(dir.path(), &db).args([
        "login-link",
        "--label",
        "Anna (support)",
    ]));
    assert_eq!(code, 0, "{err}");
    let url = out.trim();
    assert!(
        url.starts_with("http://127.0.0.1:8080/console/login/link?token="),
        "{out}"
    );
    assert_eq!(
        url.len(),
        "http://127.0.0.1:8080/console/login/link?token=".len() + 64
    );
    assert!(err.contains("valid once, until"), "{err}");
    let (code, _, err) = crate::cli::run(crate::cli::faultcast(dir.path(), &db).args([
        "login-link",
        "--label",
        "bad\u{7}label",
    ]));
    assert_eq!(code, 1);
    assert!(err.starts_with("faultcast: invalid: label"), "{err}");
}

/// The hidden value `name` of a console form.
pub(crate) fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// Posts the new-notice form with `fields` (and the page's form token) from our origin.
async fn post_notice(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    browser()
        .post(app.url("/console/notices/new?lang=en"))
        .header(COOKIE, cookie)
        .header(ORIGIN, app.url(""))
        .form(fields)
        .send()
        .await
        .unwrap()
}

on_both_databases! {
    async fn a_fault_is_previewed_and_published_from_the_console_form_once(app: TestApp) {
        let org = app.pharmacy().await;
        crate::notices::contact(&app, &org, Some("tuki@apteekki.fi"), Some("040 123 4567"), "fi", serde_json::json!({})).await;
        let cookie = session(&app, "Anna (support)").await;
        let form = browser().get(app.url("/console/notices/new?kind=fault&lang=en")).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(form.status(), StatusCode::OK);
        let form = form.text().await.unwrap();
        assert!(form.contains("Prescription Centre") && form.contains("type=\"datetime-local\""), "services by name, times: {form}");
        let (csrf, idem) = (hidden(&form, "csrf"), hidden(&form, "idem"));
        let fields = |act: &'static str| vec![
            ("csrf", csrf.clone()), ("idem", idem.clone()), ("kind", "fault".to_owned()), ("act", act.to_owned()),
            ("severity", "critical".to_owned()), ("state", "investigating".to_owned()),
            ("services", "prescription-centre".to_owned()),
            ("title_fi", "Reseptikeskuksessa häiriö".to_owned()), ("title_sv", "Störning i Receptcentret".to_owned()),
            ("body_fi", "Reseptejä ei voi tallentaa.".to_owned()), ("body_sv", "Recept kan inte sparas.".to_owned()),
            ("next_update_at", "2036-12-02T10:30".to_owned()),
        ];
        let as_refs = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, x)| (*k, x.clone())).collect::<Vec<_>>();
        let preview = browser().post(app.url("/console/notices/new?lang=en")).header(COOKIE, &cookie).header(ORIGIN, app.url("")).form(&as_refs(&fields("preview"))).send().await.unwrap();
        assert_eq!(preview.status(), StatusCode::OK);
        let preview = preview.text().await.unwrap();
        assert!(preview.contains("Recipients per channel and language") && preview.contains("GSM-7"), "{preview}");
        assert!(preview.contains("value=\"publish\""), "Publish after the preview");
        assert!(preview.contains("value=\"Reseptikeskuksessa häiriö\""), "what was typed is kept");
        assert_eq!(app.get("/api/v1/notices", &app.operator).await.body["items"].as_array().unwrap().len(), 0, "a preview publishes nothing");
        for _ in 0..2 {
            let published = browser().post(app.url("/console/notices/new?lang=en")).header(COOKIE, &cookie).header(ORIGIN, app.url("")).form(&as_refs(&fields("publish"))).send().await.unwrap();
            assert_eq!(published.status(), StatusCode::SEE_OTHER);
            assert_eq!(location(&published), "/console?lang=en");
        }
        let list = app.get("/api/v1/notices", &app.operator).await.body;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "a double click publishes once: {list}");
        assert_eq!((items[0]["severity"].as_str(), items[0]["next_update_at"].as_str()), (Some("critical"), Some("2036-12-02T08:30:00Z")), "Helsinki time");
        let audit = app.get("/api/v1/audit", &app.operator).await.body;
        assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "notice.publish" && e["actor"] == "console:Anna (support)"), "{audit}");
        app.drain().await;
        assert!(console(&app, &cookie).await.text().await.unwrap().contains("1 / 1 done · 1 sent"));
    }

    async fn a_bad_notice_form_comes_back_marked_with_everything_typed_kept_and_nothing_runs(app: TestApp) {
        let cookie = session(&app, "Anna (support)").await;
        let form = browser().get(app.url("/console/notices/new?lang=en")).header(COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
        let csrf = hidden(&form, "csrf");
        let xss = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        let bad = post_notice(&app, &cookie, &[("csrf", &csrf), ("kind", "fault"), ("act", "preview"), ("title_fi", "Otsikko"), ("title_en", xss), ("next_update_at", "tomorrow")]).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = bad.text().await.unwrap();
        for field in ["title_sv", "body", "services", "next_update_at"] {
            assert!(page.contains(&format!("id=\"{field}-error\"")), "{field} is marked: {page}");
        }
        assert!(page.contains("value=\"Otsikko\""), "typed text kept");
        assert!(page.contains("value=\"tomorrow\""), "a bad time is kept as typed");
        assert!(!page.contains("<script>alert(1)") && !page.contains("<img src=x"), "never markup: {page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("aria-invalid=\"true\""));

        let no_token = post_notice(&app, &cookie, &[("kind", "fault"), ("act", "publish"), ("services", "prescription-centre"), ("title_fi", "a"), ("title_sv", "b"), ("body_fi", "c"), ("body_sv", "d")]).await;
        assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
        let foreign = browser().post(app.url("/console/notices/new")).header(COOKIE, &cookie).header(ORIGIN, "https://evil.example")
            .form(&[("csrf", csrf.as_str()), ("kind", "fault"), ("act", "publish"), ("services", "prescription-centre"), ("title_fi", "a"), ("title_sv", "b"), ("body_fi", "c"), ("body_sv", "d")]).send().await.unwrap();
        assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
        let signed_out = browser().post(app.url("/console/notices/new")).header(ORIGIN, app.url(""))
            .form(&[("csrf", csrf.as_str()), ("act", "publish")]).send().await.unwrap();
        assert_eq!(signed_out.status(), StatusCode::SEE_OTHER, "no session: to sign-in");
        assert_eq!(app.get("/api/v1/notices", &app.operator).await.body["items"].as_array().unwrap().len(), 0, "nothing was published");
    }
}

/// An operator follows a notice from the console: its deliveries given up after the relay
/// refused them for hours, re-sent with one button once the relay is back, then the fault
/// ended with a closing text.
async fn an_operator_redrives_dead_deliveries_and_ends_the_fault_from_the_console(
    backend: crate::support::Backend,
) {
    use crate::support::smtp_sink::{Reply, SmtpSink};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let up = Arc::new(AtomicBool::new(false));
    let u = up.clone();
    let sink = SmtpSink::start(
        Arc::new(move |_, _| {
            if u.load(Ordering::SeqCst) {
                Reply::Accept
            } else {
                Reply::TempFail
            }
        }),
        true,
    )
    .await;
    let Some(app) = crate::delivery::app_with_smtp(backend, &sink).await else {
        return;
    };
    crate::delivery::email_contacts(&app, 2).await;
    let id = crate::delivery::publish(&app, "major").await;
    for _ in 0..40 {
        app.drain().await;
        app.clock.advance(chrono::Duration::minutes(10));
    }
    let cookie = session(&app, "Anna (support)").await;
    let page_of = |query: &'static str| {
        let url = app.url(&format!("/console/notices/{id}?lang=en{query}"));
        let cookie = cookie.clone();
        async move {
            browser()
                .get(url)
                .header(COOKIE, cookie)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let board = console(&app, &cookie).await.text().await.unwrap();
    assert!(
        board.contains("Waiting for a re-send (1)") && board.contains("2 deliveries given up"),
        "the dashboard lists it: {board}"
    );
    let page = page_of("").await;
    assert!(
        page.contains("gave up") && page.contains("Re-send the failed ones (2)"),
        "{page}"
    );
    assert!(page.contains("u***@a.example"), "addresses masked: {page}");
    assert!(!page.contains("user0@a.example"));
    let dead_only = page_of("&status=sent").await;
    assert!(
        dead_only.contains("No deliveries."),
        "the filter: {dead_only}"
    );
    up.store(true, Ordering::SeqCst);
    let (csrf, idem) = (hidden(&page, "csrf"), hidden(&page, "idem"));
    for _ in 0..2 {
        let r = browser()
            .post(app.url(&format!("/console/notices/{id}/retry?lang=en")))
            .header(COOKIE, &cookie)
            .header(ORIGIN, app.url(""))
            .form(&[("csrf", csrf.as_str()), ("idem", idem.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    app.drain().await;
    let s = crate::delivery::deliveries(&app, &id, "").await;
    assert_eq!(s["summary"]["email"]["sent"], 2, "{s}");
    assert!(
        !console(&app, &cookie)
            .await
            .text()
            .await
            .unwrap()
            .contains("Waiting for a re-send"),
        "nothing left to re-send"
    );
    let audit = app.get("/api/v1/audit?limit=500", &app.operator).await.body;
    let redrives = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "notice.redrive")
        .count();
    assert_eq!(redrives, 1, "two clicks, one re-drive");

    let page = page_of("").await;
    let (csrf, idem) = (hidden(&page, "csrf"), hidden(&page, "idem"));
    let close = |act: &'static str| {
        browser()
            .post(app.url(&format!("/console/notices/{id}/end?lang=en")))
            .header(COOKIE, &cookie)
            .header(ORIGIN, app.url(""))
            .form(&[
                ("csrf", csrf.as_str()),
                ("idem", idem.as_str()),
                ("body_fi", "Häiriö on korjattu."),
                ("body_sv", "Störningen är åtgärdad."),
                ("act", act),
            ])
            .send()
    };
    // First what ending would do: who hears of it, and how it reads; nothing is ended yet.
    let preview = close("preview").await.unwrap();
    assert_eq!(preview.status(), StatusCode::OK);
    let preview = preview.text().await.unwrap();
    assert!(
        preview.contains("Recipients per channel and language")
            && preview.contains("Häiriö on korjattu."),
        "{preview}"
    );
    assert_eq!(
        hidden(&preview, "idem"),
        idem,
        "the previewed form keeps its key"
    );
    let notice = app.public_get(&format!("/api/v1/notices/{id}")).await.body;
    assert_eq!(
        notice["revisions"].as_array().unwrap().len(),
        1,
        "a preview changes nothing"
    );
    let ended = close("publish").await.unwrap();
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
    let notice = app.public_get(&format!("/api/v1/notices/{id}")).await.body;
    assert_eq!(notice["revisions"].as_array().unwrap().len(), 2, "{notice}");
    assert_eq!(
        (notice["action"].as_str(), notice["body"]["fi"].as_str()),
        (Some("end"), Some("Häiriö on korjattu."))
    );
    let page = page_of("").await;
    assert!(
        !page.contains("End: the fault is over"),
        "an ended notice offers no more endings"
    );
    assert!(
        page.contains("Timeline") && page.contains("2. Ended"),
        "{page}"
    );
}

crate::on_both_backends!(an_operator_redrives_dead_deliveries_and_ends_the_fault_from_the_console);

on_both_databases! {
    async fn an_update_is_written_in_a_form_filled_from_the_notice_previewed_and_published(app: TestApp) {
        let org = app.pharmacy().await;
        crate::notices::contact(&app, &org, Some("tuki@apteekki.fi"), None, "sv", serde_json::json!({})).await;
        let mut fault = crate::notices::fault("major", &["prescription-centre"]);
        fault["started_at"] = "2036-12-01T10:00:30Z".into();
        let published = app.post("/api/v1/notices", &app.operator, fault).await;
        let id = published.body["id"].as_str().unwrap().to_owned();
        let cookie = session(&app, "Anna (support)").await;
        let form = browser().get(app.url(&format!("/console/notices/{id}/revise?action=update&lang=en"))).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(form.status(), StatusCode::OK);
        let form = form.text().await.unwrap();
        assert!(form.contains("value=\"Störning i Receptcentret\""), "filled in from the notice: {form}");
        assert!(form.contains("value=\"2036-12-01T12:00\""), "times in Helsinki time");
        let (csrf, idem) = (hidden(&form, "csrf"), hidden(&form, "idem"));
        let fields = |act: &str| vec![
            ("csrf", csrf.clone()), ("idem", idem.clone()), ("action", "update".to_owned()), ("act", act.to_owned()),
            ("kind", "fault".to_owned()), ("severity", "critical".to_owned()), ("state", "identified".to_owned()),
            ("services", "prescription-centre".to_owned()),
            ("title_fi", "Reseptikeskuksessa häiriö".to_owned()), ("title_sv", "Störning i Receptcentret".to_owned()),
            ("body_fi", "Syy löytyi.".to_owned()), ("body_sv", "Orsaken hittad.".to_owned()),
            ("started_at", "2036-12-01T12:00".to_owned()), ("was_started_at", "2036-12-01T12:00".to_owned()),
        ];
        let send = |act: &'static str| {
            browser().post(app.url(&format!("/console/notices/{id}/revise?lang=en"))).header(COOKIE, &cookie).header(ORIGIN, app.url("")).form(&fields(act)).send()
        };
        let preview = send("preview").await.unwrap();
        assert_eq!(preview.status(), StatusCode::OK);
        let preview = preview.text().await.unwrap();
        assert!(preview.contains("Recipients per channel and language") && preview.contains("Orsaken hittad."), "{preview}");
        assert_eq!(app.public_get(&format!("/api/v1/notices/{id}")).await.body["revisions"].as_array().unwrap().len(), 1, "a preview revises nothing");
        for _ in 0..2 {
            let done = send("publish").await.unwrap();
            assert_eq!(done.status(), StatusCode::SEE_OTHER);
            assert_eq!(location(&done), format!("/console/notices/{id}?lang=en"));
        }
        let notice = app.public_get(&format!("/api/v1/notices/{id}")).await.body;
        assert_eq!(notice["revisions"].as_array().unwrap().len(), 2, "published once: {notice}");
        assert_eq!((notice["state"].as_str(), notice["severity"].as_str()), (Some("identified"), Some("critical")));
        assert_eq!(notice["started_at"], "2036-12-01T10:00:30Z", "an unchanged time keeps its seconds");
        assert_eq!(notice["body"]["sv"], "Orsaken hittad.");
    }
}

on_both_databases! {
    async fn the_registry_and_the_audit_log_are_read_in_the_console(app: TestApp) {
        let org = app.pharmacy().await;
        crate::notices::contact(&app, &org, Some("tuki@apteekki.fi"), Some("040 123 4567"), "sv", serde_json::json!({})).await;
        let cookie = session(&app, "Anna (support)").await;
        let get = |path: String| {
            let cookie = cookie.clone();
            let url = app.url(&path);
            async move { browser().get(url).header(COOKIE, cookie).send().await.unwrap() }
        };
        let list = get("/console/organisations?lang=en".into()).await.text().await.unwrap();
        assert!(list.contains("Apteekki") && list.contains("0112038-9") && list.contains("Pharmacies"), "{list}");
        assert!(list.contains("href=\"/console/organisations?lang=en\" aria-current=\"page\""), "the section bar marks where you are: {list}");
        let none = get("/console/organisations?lang=en&q=nothing-like-this".into()).await.text().await.unwrap();
        assert!(none.contains("No organisations."), "{none}");
        let page = get(format!("/console/organisations/{org}?lang=en")).await.text().await.unwrap();
        assert!(page.contains("tuki@apteekki.fi") && page.contains("+358401234567") && page.contains("Prescription Centre"), "{page}");
        let csv = get(format!("/console/organisations/{org}/contacts.csv")).await;
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(csv.text().await.unwrap().contains("tuki@apteekki.fi"));
        let audit = get("/console/audit?lang=en".into()).await.text().await.unwrap();
        assert!(audit.contains("console.sign_in") && audit.contains("console:Anna (support)") && audit.contains("contact.create"), "{audit}");
        assert_eq!(get(format!("/console/organisations/{}", uuid_like())).await.status(), StatusCode::NOT_FOUND);
        let anonymous = browser().get(app.url(&format!("/console/organisations/{org}"))).send().await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::SEE_OTHER, "no session, no registry");
        let by_token = browser().get(app.url(&format!("/console/organisations/{org}/contacts.csv"))).bearer_auth(&app.operator).send().await.unwrap();
        assert_eq!(by_token.status(), StatusCode::SEE_OTHER, "an API token opens nothing of the console");
    }
}

fn uuid_like() -> String {
    "01a2b3c4-0000-7000-8000-000000000000".to_owned()
}
