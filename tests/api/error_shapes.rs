//! Every error under `/api/` is `application/problem+json`, whatever layer answers it; the
//! public pages answer theirs as a small page in the page's style and language, and the
//! outputs programs read (feeds, calendar, CAP) answer problem+json unless a browser asks.

use crate::on_both_databases;
use crate::support::Answer;
use reqwest::{Method, StatusCode};

fn is_problem(a: &Answer, status: u16, code: &str) {
    assert_eq!(a.status.as_u16(), status, "{}", a.text);
    assert_eq!(
        a.headers["content-type"], "application/problem+json",
        "{}",
        a.text
    );
    assert_eq!(a.body["code"], code, "{}", a.text);
    assert_eq!(a.body["status"], status);
}

fn is_page(a: &Answer, status: u16, lang: &str) {
    assert_eq!(a.status.as_u16(), status, "{}", a.text);
    assert_eq!(a.headers["content-type"], "text/html; charset=utf-8");
    assert!(
        a.text.contains(&format!("<html lang=\"{lang}\"")),
        "{}",
        a.text
    );
    assert!(
        a.text.contains("href=\"/assets/faultcast.css\""),
        "in the page's style"
    );
    assert!(
        a.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
}

on_both_databases! {
    async fn every_error_under_the_api_is_problem_json(app: TestApp) {
        let op = app.operator.clone();
        is_problem(&app.get("/api/v1/organisations/%c0%af", &op).await, 404, "not_found");
        is_problem(&app.get("/api/v1/organisations/%c0%af/contacts/%ff", &op).await, 404, "not_found");
        is_problem(&app.public_get("/api/v2/anything").await, 404, "not_found");
        is_problem(&app.public_get("/api").await, 404, "not_found");
        let a = app.call(Method::PUT, "/api/v1/notices", Some(&op), None).await;
        is_problem(&a, 405, "method_not_allowed");
        assert!(a.headers.contains_key("allow"));
        let a = app.send_raw(Method::POST, "/api/v1/notices", Some(&op), "text/plain", b"{}".to_vec()).await;
        is_problem(&a, 415, "unsupported_media_type");
        let big = vec![b' '; 5 * 1024 * 1024];
        for (method, path, token) in [
            (Method::POST, "/api/v1/notices".to_owned(), Some(op.as_str())),
            (Method::POST, "/api/v1/sms/receipts/generic".to_owned(), None),
        ] {
            let a = app.send_raw(method, &path, token, "application/json", big.clone()).await;
            assert!(a.status == StatusCode::PAYLOAD_TOO_LARGE || a.status == StatusCode::NOT_FOUND, "{path}: {}", a.status);
            assert_eq!(a.headers["content-type"], "application/problem+json", "{path}");
        }
        let org = app.pharmacy().await;
        let a = app.send_raw(Method::PUT, &format!("/api/v1/organisations/{org}/contacts.csv"), Some(&op), "text/csv", big).await;
        is_problem(&a, 413, "too_large");
        let a = app.call(Method::GET, "/api/v1/audit", None, None).await;
        is_problem(&a, 401, "unauthorized");
        assert_eq!(a.headers["www-authenticate"], "Bearer");
    }

    async fn public_pages_answer_errors_as_a_page_in_their_language(app: TestApp) {
        let get = |path: &'static str, accept_language: &'static str, accept: &'static str| {
            let req = app.http.get(app.url(path)).header("accept-language", accept_language).header("accept", accept);
            async move { crate::support::app::answer(req.send().await.unwrap()).await }
        };
        let a = get("/no/such/page", "sv-FI, fi;q=0.5", "*/*").await;
        is_page(&a, 404, "sv");
        assert!(a.text.contains("Sidan hittades inte"), "{}", a.text);
        let a = get("/?lang=de", "en", "text/html").await;
        is_page(&a, 422, "en");
        assert!(a.text.contains("<code>lang</code> must be one of fi, sv, en"), "the bad field is named: {}", a.text);
        is_page(&get("/notices/%c0%af?lang=fi", "sv", "text/html").await, 404, "fi");
        is_page(&get("/notices/01a20557-5318-767b-a38f-99f18d82dde9", "en", "text/html").await, 404, "en");
        let a = app.http.post(app.url("/?lang=en")).send().await.unwrap();
        let a = crate::support::app::answer(a).await;
        is_page(&a, 405, "en");
        assert!(a.headers.contains_key("allow"));
        // A browser opening a feed with a bad filter gets a page; a feed reader gets a problem.
        is_page(&get("/feed.rss?kind=nope", "fi", "text/html,application/xhtml+xml,*/*;q=0.8").await, 422, "fi");
        is_problem(&get("/feed.rss?kind=nope", "fi", "application/rss+xml, */*").await, 422, "invalid");
        is_problem(&get("/maintenance.ics?lang=de", "fi", "text/calendar").await, 422, "invalid");
    }
}
