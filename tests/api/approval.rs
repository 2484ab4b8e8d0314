//! Four eyes and scheduled publication: with `[notices] approval = "critical"` a critical
//! notice waits for an operator other than its author, an emergency override needs a
//! written reason, both audited; a draft is neither public nor sent until submitted; a
//! notice set to a time goes out then, once, even with three daemons on PostgreSQL.

use crate::notices::{contact, fault};
use crate::on_both_databases;
use crate::support::{Backend, TestApp, spawn_app, spawn_app_with, spawn_node_of};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn approving(backend: Backend) -> Option<TestApp> {
    spawn_app_with(
        backend,
        &[("FAULTCAST__NOTICES__APPROVAL", "critical".to_owned())],
    )
    .await
}

/// A second operator's token.
async fn second_operator(app: &TestApp) -> String {
    let t = app
        .post(
            "/api/v1/tokens",
            &app.operator,
            json!({"role": "operator", "label": "Bertil (tuki)"}),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    t.body["token"].as_str().unwrap().to_owned()
}

/// A console page as `cookie`'s browser gets it.
async fn console_page(cookie: &str, url: String) -> String {
    crate::console::browser()
        .get(url)
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn audit_of(app: &TestApp, id: &str) -> Vec<(String, String, Value)> {
    let audit = app.get("/api/v1/audit", &app.operator).await.body;
    audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["target_id"] == id)
        .map(|a| {
            (
                a["action"].as_str().unwrap().to_owned(),
                a["actor"].as_str().unwrap().to_owned(),
                a["detail"].clone(),
            )
        })
        .collect()
}

async fn a_critical_notice_waits_for_a_second_operator_and_never_for_its_author(backend: Backend) {
    let Some(app) = approving(backend).await else {
        return;
    };
    let org = app.pharmacy().await;
    contact(&app, &org, Some("tuki@apteekki.fi"), None, "fi", json!({})).await;
    let second = second_operator(&app).await;

    let held = app
        .post(
            "/api/v1/notices",
            &app.operator,
            fault("critical", &["prescription-centre"]),
        )
        .await;
    assert_eq!(held.status, StatusCode::ACCEPTED, "{}", held.text);
    assert_eq!(
        (
            held.body["publication"].as_str(),
            held.body["published_at"].clone()
        ),
        (Some("awaiting_approval"), Value::Null)
    );
    let id = held.body["id"].as_str().unwrap().to_owned();
    app.drain().await;
    assert!(app.emails().is_empty(), "nothing is sent before approval");
    assert_eq!(
        app.public_get(&format!("/api/v1/notices/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "nor public"
    );
    let drafts = app.get("/api/v1/drafts", &second).await.body;
    assert_eq!(drafts["items"][0]["id"], id.as_str());
    assert_eq!(drafts["items"][0]["publication"], "awaiting_approval");

    let own = app
        .post(
            &format!("/api/v1/notices/{id}/approve"),
            &app.operator,
            json!({}),
        )
        .await;
    assert_eq!(
        own.status,
        StatusCode::FORBIDDEN,
        "the author cannot approve: {}",
        own.text
    );
    let approved = app
        .post(&format!("/api/v1/notices/{id}/approve"), &second, json!({}))
        .await;
    assert_eq!(approved.status, StatusCode::ACCEPTED, "{}", approved.text);
    assert_eq!(approved.body["publication"], "published");
    app.drain().await;
    assert_eq!(app.emails().len(), 1, "out once approved");
    assert_eq!(
        app.public_get(&format!("/api/v1/notices/{id}"))
            .await
            .status,
        StatusCode::OK
    );
    let again = app
        .post(&format!("/api/v1/notices/{id}/approve"), &second, json!({}))
        .await;
    assert_eq!(again.error_fields(), ["state"]);

    let trail = audit_of(&app, &id).await;
    let actions: Vec<&str> = trail.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        ["notice.publish", "notice.approve", "notice.submit"],
        "{trail:?}"
    );
    assert_ne!(
        trail[1].1, trail[2].1,
        "approved by someone other than the author"
    );

    // A minor fault needs no approval under `critical`.
    let minor = app
        .post(
            "/api/v1/notices",
            &app.operator,
            fault("minor", &["prescription-centre"]),
        )
        .await;
    assert_eq!(minor.body["publication"], "published", "{}", minor.text);
    app.stop().await;
}

async fn an_emergency_override_needs_a_written_reason_and_is_recorded(backend: Backend) {
    let Some(app) = approving(backend).await else {
        return;
    };
    let mut n = fault("critical", &["prescription-centre"]);
    n["override_reason"] = json!("   ");
    assert_eq!(
        app.post("/api/v1/notices", &app.operator, n.clone())
            .await
            .error_fields(),
        ["override_reason"]
    );
    n["override_reason"] = json!("Päivystäjä ei tavoitettavissa; potilasturvallisuus vaatii heti.");
    let out = app.post("/api/v1/notices", &app.operator, n).await;
    assert_eq!(out.status, StatusCode::ACCEPTED, "{}", out.text);
    assert_eq!(out.body["publication"], "published");
    let id = out.body["id"].as_str().unwrap().to_owned();
    let trail = audit_of(&app, &id).await;
    assert_eq!(trail[1].0, "notice.override", "{trail:?}");
    assert_eq!(
        trail[1].2,
        "Päivystäjä ei tavoitettavissa; potilasturvallisuus vaatii heti."
    );
    let anna = crate::console::session(&app, "Anna (tuki)").await;
    let page = console_page(&anna, app.url(&format!("/console/notices/{id}?lang=en"))).await;
    assert!(
        page.contains("Published without approval: </strong>Päivystäjä ei tavoitettavissa"),
        "the notice's history keeps the reason"
    );
    let mut needless = fault("minor", &["prescription-centre"]);
    needless["override_reason"] = json!("ei tarvita");
    assert_eq!(
        app.post("/api/v1/notices", &app.operator, needless)
            .await
            .error_fields(),
        ["override_reason"]
    );
    let mut on_revision =
        json!({"action": "update", "override_reason": "x", "publish_at": "2036-01-01T10:00:00Z"});
    on_revision["body"] = json!({"fi": "Jatkuu.", "sv": "Fortsätter."});
    assert_eq!(
        app.post(
            &format!("/api/v1/notices/{id}/revisions"),
            &app.operator,
            on_revision
        )
        .await
        .error_fields(),
        ["publish_at", "override_reason"]
    );
    app.stop().await;
}

on_both_databases! {
    async fn a_draft_is_neither_public_nor_sent_until_it_is_submitted(app: TestApp) {
        let org = app.pharmacy().await;
        contact(&app, &org, Some("tuki@apteekki.fi"), None, "fi", json!({})).await;
        let mut n = fault("major", &["prescription-centre"]);
        n["draft"] = json!(true);
        let d = app.post("/api/v1/notices", &app.operator, n).await;
        assert_eq!(d.body["publication"], "draft", "{}", d.text);
        let id = d.body["id"].as_str().unwrap().to_owned();
        app.drain().await;
        assert!(app.emails().is_empty());
        assert!(!reqwest::get(app.url("/")).await.unwrap().text().await.unwrap().contains(&id));
        let submitted = app.post(&format!("/api/v1/notices/{id}/submit"), &app.operator, json!({})).await;
        assert_eq!(submitted.body["publication"], "published", "{}", submitted.text);
        app.drain().await;
        assert_eq!(app.emails().len(), 1);
        assert_eq!(app.post(&format!("/api/v1/notices/{id}/submit"), &app.operator, json!({})).await.error_fields(), ["state"]);
    }

    async fn a_notice_set_to_a_time_goes_out_then(app: TestApp) {
        let org = app.pharmacy().await;
        contact(&app, &org, Some("tuki@apteekki.fi"), None, "fi", json!({})).await;
        let now = faultcast::clock::Clock::now_micros(&*app.clock);
        let mut n = fault("major", &["prescription-centre"]);
        n["publish_at"] = json!((now - chrono::Duration::minutes(1)).to_rfc3339());
        assert_eq!(app.post("/api/v1/notices", &app.operator, n.clone()).await.error_fields(), ["publish_at"]);
        n["publish_at"] = json!((now + chrono::Duration::hours(2)).to_rfc3339());
        let held = app.post("/api/v1/notices", &app.operator, n).await;
        assert_eq!(held.body["publication"], "scheduled", "{}", held.text);
        let id = held.body["id"].as_str().unwrap().to_owned();
        assert_eq!(app.scheduler.round().await.unwrap().published, 0, "not before its time");
        app.clock.set(now + chrono::Duration::hours(2));
        assert_eq!(app.scheduler.round().await.unwrap().published, 1);
        assert_eq!(app.scheduler.round().await.unwrap().published, 0, "once");
        app.drain().await;
        assert_eq!(app.emails().len(), 1);
        let notice = app.public_get(&format!("/api/v1/notices/{id}")).await.body;
        assert_eq!(notice["revisions"].as_array().unwrap().len(), 1);
    }
}

crate::on_both_backends!(
    a_critical_notice_waits_for_a_second_operator_and_never_for_its_author,
    an_emergency_override_needs_a_written_reason_and_is_recorded,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_daemons_publish_a_scheduled_notice_once() {
    let Some(app) = spawn_app(Backend::Postgres).await else {
        return;
    };
    let others = [spawn_node_of(&app).await, spawn_node_of(&app).await];
    let org = app.pharmacy().await;
    contact(&app, &org, Some("tuki@apteekki.fi"), None, "fi", json!({})).await;
    let now = faultcast::clock::Clock::now_micros(&*app.clock);
    let mut n = fault("major", &["prescription-centre"]);
    n["publish_at"] = json!((now + chrono::Duration::minutes(30)).to_rfc3339());
    let held = app.post("/api/v1/notices", &app.operator, n).await;
    let id = held.body["id"].as_str().unwrap().to_owned();
    for node in std::iter::once(&app).chain(others.iter()) {
        node.clock.set(now + chrono::Duration::minutes(30));
    }
    let (a, b, c) = tokio::join!(
        app.scheduler.round(),
        others[0].scheduler.round(),
        others[1].scheduler.round()
    );
    let total = a.unwrap().published + b.unwrap().published + c.unwrap().published;
    assert_eq!(total, 1, "published by exactly one daemon");
    app.drain().await;
    assert_eq!(app.emails().len(), 1, "sent once");
    let notice = app.public_get(&format!("/api/v1/notices/{id}")).await.body;
    assert_eq!(notice["revisions"].as_array().unwrap().len(), 1);
}

async fn support_approves_a_colleagues_notice_in_the_console(backend: Backend) {
    use crate::console::{browser, csrf_of, hidden, session};
    use reqwest::header::{COOKIE, ORIGIN};
    let Some(app) = approving(backend).await else {
        return;
    };
    let anna = session(&app, "Anna (tuki)").await;
    let bertil = session(&app, "Bertil (tuki)").await;
    let form = console_page(&anna, app.url("/console/notices/new?kind=fault&lang=en")).await;
    assert!(
        form.contains("value=\"draft\"")
            && form.contains("name=\"publish_at\"")
            && form.contains("name=\"override_reason\"")
    );
    let fields = vec![
        ("csrf", hidden(&form, "csrf")),
        ("idem", hidden(&form, "idem")),
        ("kind", "fault".to_owned()),
        ("act", "publish".to_owned()),
        ("severity", "critical".to_owned()),
        ("services", "prescription-centre".to_owned()),
        ("title_fi", "Reseptikeskuksessa häiriö".to_owned()),
        ("title_sv", "Störning i Receptcentret".to_owned()),
        ("body_fi", "Reseptejä ei voi tallentaa.".to_owned()),
        ("body_sv", "Recept kan inte sparas.".to_owned()),
    ];
    let sent = browser()
        .post(app.url("/console/notices/new?lang=en"))
        .header(COOKIE, &anna)
        .header(ORIGIN, app.url(""))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let own = console_page(&anna, app.url("/console?lang=en")).await;
    assert!(
        own.contains("Awaiting approval") && own.contains("Another operator must approve"),
        "the author sees it waiting"
    );
    assert!(!own.contains("/approve?"), "and no button to approve it");
    let theirs = console_page(&bertil, app.url("/console?lang=en")).await;
    let at = theirs
        .find("/approve?lang=en")
        .expect("an approve button for another operator");
    let id = theirs[at - 36..at].to_owned();
    assert_eq!(
        app.public_get(&format!("/api/v1/notices/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let approved = browser()
        .post(app.url(&format!("/console/notices/{id}/approve?lang=en")))
        .header(COOKIE, &bertil)
        .header(ORIGIN, app.url(""))
        .form(&[("csrf", csrf_of(&theirs))])
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.public_get(&format!("/api/v1/notices/{id}"))
            .await
            .status,
        StatusCode::OK,
        "out once approved"
    );
    let forged = browser()
        .post(app.url(&format!("/console/notices/{id}/approve?lang=en")))
        .header(COOKIE, &bertil)
        .header(ORIGIN, "https://evil.example")
        .form(&[("csrf", csrf_of(&theirs))])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let page = console_page(&anna, app.url(&format!("/console/notices/{id}?lang=en"))).await;
    assert!(
        page.contains("Author: console:Anna (tuki)")
            && page.contains("Approved by: console:Bertil (tuki)"),
        "the notice's history says who wrote and who approved it"
    );
    let trail = audit_of(&app, &id).await;
    let who: Vec<(&str, &str)> = trail
        .iter()
        .map(|(a, w, _)| (a.as_str(), w.as_str()))
        .collect();
    assert_eq!(
        who,
        [
            ("notice.publish", "console:Bertil (tuki)"),
            ("notice.approve", "console:Bertil (tuki)"),
            ("notice.submit", "console:Anna (tuki)")
        ]
    );
    app.stop().await;
}

crate::on_both_backends!(support_approves_a_colleagues_notice_in_the_console);
