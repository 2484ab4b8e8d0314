//! The public status page and notice pages: order of the parts, languages, escaping,
//! security headers, caching.

use crate::notices::fault;
use crate::on_both_databases;
use crate::support::{TestApp, utc};
use reqwest::StatusCode;
use serde_json::json;

async fn page(app: &TestApp, path: &str, accept_language: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(app.url(path));
    if let Some(l) = accept_language {
        req = req.header("accept-language", l);
    }
    req.send().await.unwrap()
}

async fn text(app: &TestApp, path: &str) -> String {
    let res = page(app, path, None).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

fn at(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is not on the page:\n{html}"))
}

async fn publish(app: &TestApp, body: serde_json::Value) -> String {
    let a = app.post("/api/v1/notices", &app.operator, body).await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
    a.body["id"].as_str().unwrap().to_owned()
}

fn maintenance(title: &str, start: &str, end: &str) -> serde_json::Value {
    json!({"kind": "maintenance", "services": ["mykanta"], "title": {"fi": title, "sv": format!("{title} sv")},
        "body": {"fi": "Katko.", "sv": "Avbrott."}, "window_start": start, "window_end": end})
}

on_both_databases! {
    async fn the_status_page_shows_faults_first_then_maintenance_then_the_last_90_days(app: TestApp) {
        app.clock.set(utc("2026-08-01T08:00:00Z"));
        let long_ago = publish(&app, fault("minor", &["prescription"])).await;
        app.post(&format!("/api/v1/notices/{long_ago}/revisions"), &app.operator, json!({"action": "end"})).await;
        app.clock.set(utc("2026-11-20T08:00:00Z"));
        let mut ended = fault("minor", &["prescription"]);
        ended["title"]["sv"] = json!("Avslutad störning");
        let ended = publish(&app, ended).await;
        app.post(&format!("/api/v1/notices/{ended}/revisions"), &app.operator, json!({"action": "end"})).await;
        app.clock.set(utc("2026-11-23T10:00:00Z"));
        let mut current = fault("critical", &["prescription-centre"]);
        current["title"]["sv"] = json!("<script>alert(1)</script> Störning i Receptcentret");
        publish(&app, current).await;
        publish(&app, maintenance("Käynnissä", "2026-11-23T09:00:00Z", "2026-11-23T12:00:00Z")).await;
        publish(&app, maintenance("Tuleva", "2026-12-15T18:00:00Z", "2026-12-15T20:00:00Z")).await;
        app.tick().await;

        let html = text(&app, "/?lang=sv").await;
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"sv\">"), "{html}");
        let order = [
            at(&html, "<h2>Aktuella störningar</h2>"),
            at(&html, "&lt;script&gt;alert(1)&lt;/script&gt; Störning i Receptcentret"),
            at(&html, "<h2>Pågående underhåll</h2>"),
            at(&html, "Käynnissä sv"),
            at(&html, "<h2>Kommande underhåll</h2>"),
            at(&html, "Tuleva sv"),
            at(&html, "<h2>Tjänster</h2>"),
            at(&html, "<h2>De senaste 90 dagarna</h2>"),
            at(&html, "Avslutad störning"),
        ];
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}\n{html}");
        assert!(!html.contains("<script"), "escaped, never markup");
        assert!(!html.contains(&format!("/notices/{long_ago}")), "ended more than 90 days ago");
        assert!(html.contains("<th scope=\"row\">Receptcentret</th><td><span class=\"status disrupted\">Störning</span>"), "{html}");
        assert!(html.contains("<th scope=\"row\">MittKanta</th><td><span class=\"status maintenance\">Underhåll</span>"), "{html}");
        assert!(html.contains("<th scope=\"row\">Kelain</th><td><span class=\"status ok\">I drift</span>"));
        assert!(html.contains("(UTC+02:00)"), "Helsinki times with the offset");
        assert!(html.contains("aria-current=\"page\">På svenska</a>"));

        let english = page(&app, "/", Some("de-DE, en-GB;q=0.8, fi;q=0.5")).await;
        assert!(english.text().await.unwrap().contains("<html lang=\"en\">"), "the best language the client accepts");
        let finnish = page(&app, "/", None).await.text().await.unwrap();
        assert!(finnish.contains("<h2>Häiriöt nyt</h2>"), "Finnish by default");
        let bad = page(&app, "/?lang=de", None).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn a_notice_page_shows_its_timeline_newest_first_and_unknown_ones_are_404(app: TestApp) {
        let id = publish(&app, fault("major", &["prescription-centre"])).await;
        app.post(&format!("/api/v1/notices/{id}/revisions"), &app.operator,
            json!({"action": "update", "state": "identified", "body": {"fi": "Syy löytyi.\nKorjaamme.", "sv": "Orsaken hittad."}})).await;
        let html = text(&app, &format!("/notices/{id}?lang=fi")).await;
        assert!(at(&html, "Päivitys · Syy tunnistettu") < at(&html, "Julkaistu · Selvitetään"), "{html}");
        assert!(html.contains("Syy löytyi.<br>Korjaamme."));
        assert!(html.contains("<strong>Apteekit: </strong>Käytä varajärjestelyä."), "the audience by its name, in the page's language");
        let sv = text(&app, &format!("/notices/{id}?lang=sv")).await;
        assert!(sv.contains("<strong>Apotek: </strong>Använd reservrutinen."));
        for path in ["/notices/01a20557-5318-767b-a38f-99f18d82dde9", "/notices/not-an-id"] {
            let res = page(&app, path, None).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND);
            assert!(res.text().await.unwrap().contains("Tiedotetta ei löydy"));
        }
    }

    async fn pages_carry_a_strict_csp_are_cached_and_change_at_once(app: TestApp) {
        let first = page(&app, "/", None).await;
        let h = first.headers().clone();
        assert!(h["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'; style-src 'self'"));
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["content-type"], "text/html; charset=utf-8");
        let tag = h["etag"].to_str().unwrap().to_owned();
        let again = reqwest::Client::new().get(app.url("/")).header("if-none-match", &tag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        publish(&app, fault("minor", &["prescription-centre"])).await;
        let changed = reqwest::Client::new().get(app.url("/")).header("if-none-match", &tag).send().await.unwrap();
        assert_eq!(changed.status(), StatusCode::OK, "a publish shows at once");
        let css = page(&app, "/assets/faultcast.css", None).await;
        assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    }
}
