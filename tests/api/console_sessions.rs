//! Console sessions against planted ids and across daemons: a sign-in always issues a new id,
//! and signing out on one daemon ends the session on every other at once.

use crate::console::{browser, csrf_of, location, session};
use crate::on_both_databases;
use crate::support::{TestApp, spawn_node_of};
use faultcast::access::Actor;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, ORIGIN, SET_COOKIE};

async fn dashboard(app: &TestApp, cookie: &str) -> StatusCode {
    browser()
        .get(app.url("/console?lang=en"))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap()
        .status()
}

/// Signs in with a fresh link while the browser presents `planted`; the new cookie.
async fn sign_in_over(app: &TestApp, planted: &str) -> String {
    let (token, _) = app
        .intake
        .issue_login_link(&Actor::cli(), "Anna (support)")
        .await
        .unwrap();
    let res = browser()
        .post(app.url("/console/login/link?lang=en"))
        .header(COOKIE, planted)
        .header(ORIGIN, app.url(""))
        .form(&[("token", token.reveal())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let set = res.headers()[SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

on_both_databases! {
    async fn a_session_id_planted_before_sign_in_is_never_the_one_signed_in(app: TestApp) {
        // An id an attacker made up and planted in the victim's browser.
        let made_up = format!("faultcast_session={}", "ab".repeat(32));
        let fresh = sign_in_over(&app, &made_up).await;
        assert_ne!(fresh, made_up);
        assert_eq!(dashboard(&app, &made_up).await, StatusCode::SEE_OTHER, "the planted id opens nothing");
        assert_eq!(dashboard(&app, &fresh).await, StatusCode::OK);
        // The attacker's own session planted instead: the victim still gets a new one, and
        // the attacker's stays the attacker's.
        let attackers = session(&app, "Mallory (support)").await;
        let victims = sign_in_over(&app, &attackers).await;
        assert_ne!(victims, attackers);
        let page = browser().get(app.url("/console?lang=en")).header(COOKIE, &victims).send().await.unwrap();
        assert!(page.text().await.unwrap().contains("Anna (support)"));
    }

    async fn signing_out_on_one_daemon_ends_the_session_on_another_at_once(app: TestApp) {
        let other = spawn_node_of(&app).await;
        let cookie = session(&app, "Anna (support)").await;
        assert_eq!(dashboard(&other, &cookie).await, StatusCode::OK, "one session, every daemon");
        let page = browser().get(app.url("/console?lang=en")).header(COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
        let out = browser()
            .post(app.url("/console/logout?lang=en"))
            .header(COOKIE, &cookie)
            .header(ORIGIN, app.url(""))
            .form(&[("csrf", csrf_of(&page))])
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&out), "/console/login?lang=en");
        let res = browser().get(other.url("/console?lang=en")).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "the other daemon's next request is signed out");
        assert_eq!(location(&res), "/console/login?lang=en");
    }

    async fn the_console_language_chosen_is_remembered_for_the_person_across_sessions(app: TestApp) {
        // A first sign-in from an English page: English.
        let cookie = sign_in_over(&app, "").await;
        let home = |cookie: String| {
            let app = &app;
            async move {
                browser().get(app.url("/console")).header(COOKIE, cookie).send().await.unwrap().text().await.unwrap()
            }
        };
        let page = home(cookie.clone()).await;
        assert!(page.contains("<html lang=\"en\""), "the sign-in page's language");
        // Choosing Swedish: a POST, remembered, and back to the page it was chosen on.
        let chose = browser()
            .post(app.url("/console/language"))
            .header(COOKIE, &cookie)
            .header(ORIGIN, app.url(""))
            .form(&[("csrf", csrf_of(&page).as_str()), ("lang", "sv"), ("back", "/console/organisations")])
            .send()
            .await
            .unwrap();
        assert_eq!(chose.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&chose), "/console/organisations");
        assert!(home(cookie.clone()).await.contains("<html lang=\"sv\""));
        // A ?lang= shows one page in a language and changes nothing.
        let fi = browser().get(app.url("/console?lang=fi")).header(COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
        assert!(fi.contains("<html lang=\"fi\""));
        assert!(home(cookie.clone()).await.contains("<html lang=\"sv\""));
        // The next session of the same person starts in Swedish.
        let next = sign_in_over(&app, "").await;
        assert!(home(next).await.contains("<html lang=\"sv\""), "remembered across sessions");
        // Going back anywhere but the console is refused.
        let page = home(cookie.clone()).await;
        let away = browser()
            .post(app.url("/console/language"))
            .header(COOKIE, &cookie)
            .header(ORIGIN, app.url(""))
            .form(&[("csrf", csrf_of(&page).as_str()), ("lang", "fi"), ("back", "https://evil.example/")])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&away), "/console");
    }
}
