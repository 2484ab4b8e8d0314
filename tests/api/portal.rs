//! The organisation portal's sign-in: a portal admin asks for a link with their address, the
//! answer says nothing of whether the address is one, the link comes by email in their
//! language, a GET only shows and the button's POST signs in once; requests are limited per
//! address and per client; the session is their organisation's only and ends when they stop
//! being a portal admin.

use crate::console::{browser, location};
use crate::console_registry::page;
use crate::notices::contact;
use crate::on_both_databases;
use crate::support::TestApp;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, ORIGIN, RETRY_AFTER, SET_COOKIE};
use serde_json::json;

/// A portal admin of `org` with address `email`, writing in `lang`; their contact id.
pub(crate) async fn portal_admin(app: &TestApp, org: &str, email: &str, lang: &str) -> String {
    contact(
        app,
        org,
        Some(email),
        None,
        lang,
        json!({"name": format!("Admin {email}"), "portal_admin": true}),
    )
    .await
}

/// Asks for a sign-in link for `email` from our own page.
pub(crate) async fn ask(app: &TestApp, email: &str) -> reqwest::Response {
    browser()
        .post(app.url("/portal/link-request?lang=en"))
        .header(ORIGIN, app.url(""))
        .form(&[("email", email)])
        .send()
        .await
        .unwrap()
}

/// The sign-in links emailed to `to` so far (path and query), oldest first.
pub(crate) fn links_to(app: &TestApp, to: &str) -> Vec<String> {
    app.emails()
        .into_iter()
        .filter(|m| m.contains(&format!("To: {to}")) && m.contains("/portal/link?t="))
        .map(|mail| {
            let text = mail
                .replace("=\r\n", "")
                .replace("=\n", "")
                .replace("=3D", "=");
            let at = text.find("/portal/link?t=").unwrap();
            text[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "-_/?=&.".contains(*c))
                .collect()
        })
        .collect()
}

/// The token of a link path.
fn token_of(link: &str) -> String {
    link.split("t=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned()
}

/// Posts the sign-in button of `link`, as its page (in the link's language) does.
pub(crate) async fn press(app: &TestApp, link: &str) -> reqwest::Response {
    let lang = link.split("lang=").nth(1).unwrap_or("en");
    browser()
        .post(app.url(&format!("/portal/link?lang={lang}")))
        .header(ORIGIN, app.url(""))
        .form(&[("t", token_of(link))])
        .send()
        .await
        .unwrap()
}

/// Signs in the portal admin `email` (who must be one) through an emailed link; the cookie.
pub(crate) async fn portal_session(app: &TestApp, email: &str) -> String {
    assert_eq!(ask(app, email).await.status(), StatusCode::OK);
    app.drain().await;
    let link = links_to(app, email).pop().expect("a sign-in link");
    let res = press(app, &link).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("faultcast_portal="), "{cookie}");
    cookie.split(';').next().unwrap().to_owned()
}

on_both_databases! {
    async fn a_portal_admin_gets_a_link_in_their_language_that_signs_in_once_only_by_its_button(app: TestApp) {
        let org = app.pharmacy().await;
        portal_admin(&app, &org, "johto@apteekki.fi", "sv").await;
        let asked = ask(&app, " JOHTO@apteekki.fi ").await;
        assert_eq!(asked.status(), StatusCode::OK);
        app.drain().await;
        let mail = app.emails().into_iter().find(|m| m.contains("To: johto@apteekki.fi")).expect("the sign-in email");
        assert!(mail.contains("till organisationsportalen"), "in the contact's language: {mail}");
        let link = links_to(&app, "johto@apteekki.fi").pop().unwrap();
        assert!(link.ends_with("&lang=sv"), "{link}");

        for _ in 0..2 {
            let shown = browser().get(app.url(&link)).send().await.unwrap();
            assert_eq!(shown.status(), StatusCode::OK, "a GET, as a mail scanner makes, spends nothing");
            assert!(shown.headers().get(SET_COOKIE).is_none());
            assert_eq!(shown.headers()["cache-control"], "no-store");
            let text = shown.text().await.unwrap();
            assert!(text.contains("Apteekki") && text.contains("Admin johto@apteekki.fi"), "{text}");
        }
        let foreign = browser().post(app.url("/portal/link")).header(ORIGIN, "https://evil.example").form(&[("t", token_of(&link))]).send().await.unwrap();
        assert_eq!(foreign.status(), StatusCode::FORBIDDEN, "a foreign page cannot spend the link");

        let signed = press(&app, &link).await;
        assert_eq!(signed.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&signed), "/portal?lang=sv");
        let set = signed.headers()[SET_COOKIE].to_str().unwrap().to_owned();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"), "{set}");
        let cookie = set.split(';').next().unwrap().to_owned();
        let (status, home) = page(&app, &cookie, "/portal").await;
        assert_eq!(status, StatusCode::OK);
        assert!(home.contains("Admin johto@apteekki.fi") && home.contains("johto@apteekki.fi") && home.contains("Logga ut"), "{home}");

        let again = press(&app, &link).await;
        assert_eq!(again.status(), StatusCode::GONE, "a link signs in once");
        assert!(again.headers().get(SET_COOKIE).is_none());
        assert!(again.text().await.unwrap().contains("redan använts"));
        let shown = browser().get(app.url(&link)).send().await.unwrap();
        assert_eq!(shown.status(), StatusCode::GONE);

        let audit = app.get("/api/v1/audit?limit=50", &app.operator).await;
        assert!(audit.text.contains("portal.sign_in"), "{}", audit.text);
    }
}

on_both_databases! {
    async fn the_answer_is_the_same_whether_or_not_the_address_is_a_portal_admins(app: TestApp) {
        let org = app.pharmacy().await;
        portal_admin(&app, &org, "admin@apteekki.fi", "fi").await;
        contact(&app, &org, Some("tuki@apteekki.fi"), None, "fi", json!({})).await;
        let mut answers = Vec::new();
        for email in ["admin@apteekki.fi", "tuki@apteekki.fi", "nobody@example.fi"] {
            let res = ask(&app, email).await;
            assert_eq!(res.status(), StatusCode::OK);
            answers.push(res.text().await.unwrap());
        }
        assert_eq!(answers[0], answers[1]);
        assert_eq!(answers[1], answers[2]);
        app.drain().await;
        assert_eq!(links_to(&app, "admin@apteekki.fi").len(), 1);
        assert!(links_to(&app, "tuki@apteekki.fi").is_empty(), "a contact who is no portal admin gets no link");
        assert!(!app.emails().iter().any(|m| m.contains("nobody@example.fi")));

        let bad = ask(&app, "not an address").await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = bad.text().await.unwrap();
        assert!(text.contains("id=\"email-error\"") && text.contains("value=\"not an address\""), "the field is marked and keeps what was typed: {text}");
    }
}

on_both_databases! {
    async fn link_requests_are_limited_per_address_and_per_client_with_retry_after(app: TestApp) {
        let org = app.pharmacy().await;
        portal_admin(&app, &org, "admin@apteekki.fi", "fi").await;
        for _ in 0..3 {
            assert_eq!(ask(&app, "admin@apteekki.fi").await.status(), StatusCode::OK);
        }
        let refused = ask(&app, "ADMIN@apteekki.fi").await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "a fourth link to one address at once");
        let wait: u64 = refused.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
        assert!((1..=300).contains(&wait), "{wait}");
        let unknown = ask(&app, "nobody@example.fi").await;
        assert_eq!(unknown.status(), StatusCode::OK);
        for _ in 0..3 {
            ask(&app, "nobody@example.fi").await;
        }
        assert_eq!(ask(&app, "nobody@example.fi").await.status(), StatusCode::TOO_MANY_REQUESTS, "an unknown address is limited alike: a refusal tells nothing");
        app.drain().await;
        assert_eq!(links_to(&app, "admin@apteekki.fi").len(), 3);

        // The client has asked nine times: one more, whatever the address, then it waits.
        let mut statuses = Vec::new();
        for i in 0..3 {
            statuses.push(ask(&app, &format!("someone{i}@example.fi")).await.status());
        }
        assert_eq!(statuses, [StatusCode::OK, StatusCode::TOO_MANY_REQUESTS, StatusCode::TOO_MANY_REQUESTS]);
        app.clock.advance(chrono::Duration::hours(1));
        assert_eq!(ask(&app, "admin@apteekki.fi").await.status(), StatusCode::OK, "in time, the allowance is whole again");
    }
}

on_both_databases! {
    async fn an_expired_altered_or_foreign_purpose_link_signs_nobody_in(app: TestApp) {
        let org = app.pharmacy().await;
        portal_admin(&app, &org, "admin@apteekki.fi", "en").await;
        ask(&app, "admin@apteekki.fi").await;
        app.drain().await;
        let link = links_to(&app, "admin@apteekki.fi").pop().unwrap();
        let token = token_of(&link);

        let mut altered = token.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        let res = browser().post(app.url("/portal/link")).header(ORIGIN, app.url("")).form(&[("t", &altered)]).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert!(res.headers().get(SET_COOKIE).is_none());

        // A link signed for another purpose (the review's "still current") is no sign-in.
        let other = app.intake.still_current_link(
            faultcast::registry::OrgId::parse(&org).unwrap(),
            faultcast::registry::ContactId::parse(&contact(&app, &org, Some("x@apteekki.fi"), None, "fi", json!({})).await).unwrap(),
        ).unwrap();
        let other_token = other.split("t=").nth(1).unwrap().to_owned();
        let res = browser().post(app.url("/portal/link")).header(ORIGIN, app.url("")).form(&[("t", &other_token)]).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);

        app.clock.advance(chrono::Duration::minutes(16));
        let shown = browser().get(app.url(&link)).send().await.unwrap();
        assert_eq!(shown.status(), StatusCode::GONE);
        assert!(shown.text().await.unwrap().contains("has expired"));
        let res = press(&app, &link).await;
        assert_eq!(res.status(), StatusCode::GONE);
        assert!(res.headers().get(SET_COOKIE).is_none());
    }
}

on_both_databases! {
    async fn a_portal_session_ends_when_its_contact_stops_being_a_portal_admin(app: TestApp) {
        let org = app.pharmacy().await;
        let admin = portal_admin(&app, &org, "admin@apteekki.fi", "en").await;
        let cookie = portal_session(&app, "admin@apteekki.fi").await;
        assert_eq!(page(&app, &cookie, "/portal/contacts/new").await.0, StatusCode::OK);

        // The portal's session is no console session, presented under either name.
        let console_cookie = cookie.replace("faultcast_portal", "faultcast_session");
        let res = browser().get(app.url("/console")).header(COOKIE, &console_cookie).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(location(&res).starts_with("/console/login"));

        let changed = app.patch(&format!("/api/v1/organisations/{org}/contacts/{admin}"), &app.operator, json!({"portal_admin": false})).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
        let res = browser().get(app.url("/portal/contacts/new")).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "no longer a portal admin: signed out");
        assert!(location(&res).starts_with("/portal"));
    }
}

on_both_databases! {
    async fn the_portal_pages_pass_axe_in_all_three_languages(app: TestApp) {
        if !crate::browser::browser_available() {
            return;
        }
        let org = app.pharmacy().await;
        portal_admin(&app, &org, "admin@apteekki.fi", "fi").await;
        let other = contact(&app, &org, Some("tuki@apteekki.fi"), Some("040 123 4567"), "sv", json!({})).await;
        ask(&app, "admin@apteekki.fi").await;
        app.drain().await;
        let link = links_to(&app, "admin@apteekki.fi").pop().unwrap();
        let token = token_of(&link);
        let mut open = Vec::new();
        for l in ["fi", "sv", "en"] {
            open.push(format!("/portal?lang={l}"));
            open.push(format!("/portal/link?t={token}&lang={l}"));
        }
        open.push("/portal/link?t=nonsense&lang=sv".to_owned());
        let report = crate::browser::run_script("axe_pages.mjs", vec![app.url(""), serde_json::to_string(&open).unwrap()]).await;
        let results = report["results"].as_array().unwrap();
        assert_eq!(results.len(), 7);
        crate::browser::assert_pages_pass(results);
        assert_eq!(results[6]["status"], 404);

        let published = app.post("/api/v1/notices", &app.operator, crate::notices::fault("critical", &["prescription-centre"])).await;
        assert_eq!(published.status, StatusCode::ACCEPTED);
        app.drain().await;
        let cookie = portal_session(&app, "admin@apteekki.fi").await;
        let mut signed = Vec::new();
        for l in ["fi", "sv", "en"] {
            for path in ["/portal", "/portal/contacts/new", &format!("/portal/contacts/{other}"), "/portal/contacts/import", "/portal/notices"] {
                signed.push(format!("{path}?lang={l}"));
            }
        }
        let report = crate::browser::run_script("axe_pages.mjs", vec![app.url(""), serde_json::to_string(&signed).unwrap(), cookie]).await;
        let results = report["results"].as_array().unwrap();
        assert_eq!(results.len(), 15);
        crate::browser::assert_pages_pass(results);
        assert!(results.iter().all(|r| r["status"] == 200), "signed in, every page opens: {results:?}");
    }
}

/// The whole loop in Debian's chromium over a real SMTP relay: the admin asks for a link,
/// reads it from the relay, signs in, adds a recipient, confirms the list and sees what the
/// organisation's people were sent.
async fn an_organisation_admin_keeps_the_list_current_in_a_real_browser(
    backend: crate::support::Backend,
) {
    if !crate::browser::browser_available() {
        return;
    }
    let sink = crate::support::smtp_sink::SmtpSink::accepting().await;
    let Some(app) = crate::delivery::app_with_smtp(backend, &sink).await else {
        return;
    };
    let org = app.pharmacy().await;
    portal_admin(&app, &org, "admin@apteekki.fi", "en").await;
    let published = app
        .post(
            "/api/v1/notices",
            &app.operator,
            crate::notices::fault("critical", &["prescription-centre"]),
        )
        .await;
    assert_eq!(published.status, StatusCode::ACCEPTED);
    app.drain().await;

    let asked = crate::browser::run_script(
        "e2e_portal.mjs",
        vec!["ask".into(), app.url(""), "admin@apteekki.fi".into()],
    )
    .await;
    assert_eq!(asked["policyErrors"], json!([]), "{asked}");
    assert_eq!(asked["violations"], json!([]), "{asked}");
    assert!(
        asked["answer"].as_str().unwrap().contains("on its way"),
        "{asked}"
    );
    app.drain().await;
    let mail = sink
        .received()
        .into_iter()
        .rev()
        .find(|r| {
            r.rcpt.iter().any(|x| x == "admin@apteekki.fi") && r.data.contains("/portal/link")
        })
        .expect("the sign-in link went through the relay");
    let text = crate::support::inspect::readable(&mail.data);
    let at = text.find("/portal/link?t=").unwrap();
    let path: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "-_/?=&.".contains(*c))
        .collect();

    let used = crate::browser::run_script(
        "e2e_portal.mjs",
        vec!["use".into(), app.url(""), app.url(&path)],
    )
    .await;
    assert_eq!(used["policyErrors"], json!([]), "{used}");
    assert_eq!(used["violations"], json!([]), "{used}");
    assert!(
        used["home"].as_str().unwrap().contains("Apteekki"),
        "{used}"
    );
    assert!(
        used["added"].as_str().unwrap().contains("Night desk"),
        "{used}"
    );
    assert!(
        used["confirmed"]
            .as_str()
            .unwrap()
            .contains("Confirmed as current: 2"),
        "{used}"
    );
    let received = used["received"].as_str().unwrap();
    assert!(
        received.contains("Prescription Centre disruption")
            && received.contains("admin@apteekki.fi"),
        "{used}"
    );
    let list = crate::console_registry::contacts(&app, &org).await;
    assert!(
        list.iter()
            .any(|c| c["email"] == "yo@apteekki.fi" && c["role"] == "on-call"),
        "{list:?}"
    );
}

crate::on_both_backends!(an_organisation_admin_keeps_the_list_current_in_a_real_browser);
