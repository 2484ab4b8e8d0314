//! API tokens from the console: issued with the secret shown once, listed, revoked.

use crate::console::{hidden, location, session};
use crate::console_registry::{page, post};
use crate::on_both_databases;
use crate::support::TestApp;
use reqwest::StatusCode;

async fn get(app: &TestApp, cookie: &str, path: &str) -> String {
    let (status, text) = page(app, cookie, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    text
}

/// The token secret shown on a page.
fn secret_of(page: &str) -> String {
    let at = page.find("<pre><code>").expect("a secret shown") + 11;
    page[at..].split('<').next().unwrap().to_owned()
}

on_both_databases! {
    async fn an_operator_issues_an_admin_token_shown_once_and_revokes_it(app: TestApp) {
        let org = app.pharmacy().await;
        let cookie = session(&app, "Anna (support)").await;
        let form = get(&app, &cookie, &format!("/console/tokens?org={org}&lang=en")).await;
        assert!(form.contains(&format!("value=\"{org}\"")), "the organisation is filled in");
        let (csrf, idem) = (hidden(&form, "csrf"), hidden(&form, "idem"));
        let fields = [
            ("csrf", csrf.as_str()), ("idem", idem.as_str()), ("role", "org_admin"), ("org_id", org.as_str()),
            ("label", "Apteekki IT"), ("expires_at", "2036-01-01T12:00"),
        ];
        let res = post(&app, &cookie, "/console/tokens?lang=en", &fields).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let page = res.text().await.unwrap();
        let secret = secret_of(&page);
        assert!(page.contains("It is not shown again"));
        let own = app.get(&format!("/api/v1/organisations/{org}/contacts"), &secret).await;
        assert_eq!(own.status, StatusCode::OK, "the new token works for its organisation");
        // Sent twice: one token, and its secret is not shown again.
        let again = post(&app, &cookie, "/console/tokens?lang=en", &fields).await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        let again = again.text().await.unwrap();
        assert!(!again.contains(&secret) && !again.contains("<pre><code>"));
        let list = get(&app, &cookie, "/console/tokens?lang=en").await;
        assert_eq!(list.matches("<h3>Apteekki IT</h3>").count(), 1, "one token: {list}");
        assert!(list.contains("Works until 1 Jan 2036 12:00") && !list.contains(&secret), "{list}");
        let revoke = list.split("action=\"/console/tokens/").nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&");
        let res = post(&app, &cookie, &format!("/console/tokens/{revoke}"), &[("csrf", &csrf)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/console/tokens?lang=en");
        let own = app.get(&format!("/api/v1/organisations/{org}/contacts"), &secret).await;
        assert_eq!(own.status, StatusCode::UNAUTHORIZED, "revoked: refused on the next request");
        assert!(get(&app, &cookie, "/console/tokens?lang=en").await.contains("Revoked"));
        let log = app.get("/api/v1/audit", &app.operator).await;
        let by_anna: Vec<&str> = log.body["items"].as_array().unwrap().iter()
            .filter(|e| e["actor"] == "console:Anna (support)").map(|e| e["action"].as_str().unwrap()).collect();
        assert!(by_anna.contains(&"token.create") && by_anna.contains(&"token.revoke"), "{by_anna:?}");
    }

    async fn a_token_form_missing_its_organisation_and_label_is_marked_and_issues_nothing(app: TestApp) {
        let cookie = session(&app, "Anna (support)").await;
        let form = get(&app, &cookie, "/console/tokens?lang=sv").await;
        let csrf = hidden(&form, "csrf");
        let res = post(&app, &cookie, "/console/tokens?lang=sv", &[
            ("csrf", &csrf), ("role", "org_admin"), ("label", ""), ("expires_at", "yesterday"),
        ]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = res.text().await.unwrap();
        for field in ["org_id", "label", "expires_at"] {
            assert!(page.contains(&format!("id=\"{field}-error\"")), "{field}: {page}");
        }
        assert!(page.contains("value=\"yesterday\""), "what was typed is kept");
        assert!(!page.contains("<pre><code>"), "no token issued");
    }
}
