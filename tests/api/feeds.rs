//! `/feed.rss` and `/feed.atom` (domain §7), read back by an independent feed parser
//! (Python's feedparser), and their caching: one rendering per change, gzip, 304.

use crate::on_both_databases;
use crate::support::TestApp;
use crate::support::parsers::{python, python_has};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PARSE: &str = r#"
import sys, json, html, feedparser
f = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    'bozo': int(f.bozo), 'version': f.version,
    'ttl': f.feed.get('ttl'), 'title': f.feed.get('title'), 'language': f.feed.get('language'),
    'self': [l['href'] for l in f.feed.get('links', []) if l.get('rel') == 'self'],
    'entries': [{
        # RSS text is HTML to readers (we escape it once more); Atom says type="text".
        'id': e.get('id'), 'title': html.unescape(e.get('title')) if f.version.startswith('rss') else e.get('title'),
        'link': e.get('link'),
        'tags': sorted(t['term'] for t in e.get('tags', [])),
        'published': e.get('published'), 'summary': e.get('summary') or e.get('content', [{}])[0].get('value'),
        'guidislink': e.get('guidislink'),
    } for e in f.entries],
}))
"#;

async fn raw(app: &TestApp, path: &str) -> reqwest::Response {
    reqwest::get(app.url(path)).await.unwrap()
}

async fn parsed(app: &TestApp, path: &str) -> (Value, String) {
    let res = raw(app, path).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    let b = body.clone();
    let out = tokio::task::spawn_blocking(move || python(PARSE, &b))
        .await
        .unwrap();
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["bozo"], 0, "well-formed: {body}");
    (v, body)
}

on_both_databases! {
    async fn feeds_carry_one_item_per_revision_newest_first_for_feed_readers(app: TestApp) {
        if !python_has("feedparser") {
            return;
        }
        let mut hostile = crate::notices::fault("critical", &["prescription-centre"]);
        hostile["title"]["sv"] = json!("<script>alert(1)</script> ]]> & \"Receptcentret\"");
        let a = app.post("/api/v1/notices", &app.operator, hostile).await;
        let id = a.body["id"].as_str().unwrap().to_owned();
        app.post(&format!("/api/v1/notices/{id}/revisions"), &app.operator, json!({"action": "update", "state": "identified"})).await;
        app.post(&format!("/api/v1/notices/{id}/revisions"), &app.operator, json!({"action": "end"})).await;
        let m = app.post("/api/v1/notices", &app.operator, json!({
            "kind": "maintenance", "services": ["kelain"],
            "title": {"fi": "Kelainin huolto", "sv": "Underhåll av Kelain"}, "body": {"fi": "Katko.", "sv": "Avbrott."},
            "window_start": "2036-12-15T18:00:00Z", "window_end": "2036-12-15T20:00:00Z"})).await;
        let maintenance = m.body["id"].as_str().unwrap().to_owned();

        let (rss, body) = parsed(&app, "/feed.rss?lang=sv").await;
        assert_eq!(rss["version"], "rss20");
        assert_eq!(rss["ttl"], "5");
        assert_eq!(rss["language"], "sv");
        assert!(rss["self"][0].as_str().unwrap().ends_with("/feed.rss?lang=sv"), "{rss}");
        let ids: Vec<&str> = rss["entries"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
        assert_eq!(ids, [format!("{maintenance}/1"), format!("{id}/3"), format!("{id}/2"), format!("{id}/1")]);
        let first = &rss["entries"][3];
        assert_eq!(first["guidislink"], false, "the guid is not a permalink");
        assert_eq!(first["tags"], json!(["fault", "prescription-centre"]));
        assert!(first["published"].as_str().unwrap().ends_with("+0200"), "{first}");
        assert!(first["title"].as_str().unwrap().contains("<script>alert(1)</script> ]]> & \"Receptcentret\""), "the text comes back as written: {first}");
        assert!(!body.contains("<script>"), "escaped, never markup");
        assert_eq!(rss["entries"][0]["tags"], json!(["kelain", "maintenance"]));

        let (atom, _) = parsed(&app, "/feed.atom?lang=fi&kind=fault").await;
        assert_eq!(atom["version"], "atom10");
        assert_eq!(atom["entries"].as_array().unwrap().len(), 3, "kind filter");
        assert!(atom["entries"][0]["link"].as_str().unwrap().ends_with(&format!("/notices/{id}")));
        let (by_service, _) = parsed(&app, "/feed.rss?service=kelain").await;
        assert_eq!(by_service["entries"].as_array().unwrap().len(), 1, "service filter");
    }

    async fn feeds_are_rendered_once_per_change_and_answer_304_and_gzip(app: TestApp) {
        let first = raw(&app, "/feed.rss").await;
        let tag = first.headers()["etag"].to_str().unwrap().to_owned();
        assert_eq!(first.headers()["content-type"], "application/rss+xml; charset=utf-8");
        let client = reqwest::Client::new();
        let again = client.get(app.url("/feed.rss")).header("if-none-match", &tag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        let gz = client.get(app.url("/feed.rss")).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(gz.headers()["content-encoding"], "gzip");
        assert_eq!(gz.headers()["vary"], "Accept-Encoding");
        let gz_tag = gz.headers()["etag"].to_str().unwrap().to_owned();
        assert_ne!(gz_tag, tag, "each representation has its own tag");
        assert_eq!(&gz.bytes().await.unwrap()[..2], &[0x1f, 0x8b]);
        app.post("/api/v1/notices", &app.operator, crate::notices::fault("minor", &["prescription-centre"])).await;
        let changed = client.get(app.url("/feed.rss")).header("if-none-match", &tag).send().await.unwrap();
        assert_eq!(changed.status(), StatusCode::OK, "a publish shows at once");
        assert_ne!(changed.headers()["etag"].to_str().unwrap(), tag);
        assert!(changed.headers().contains_key("last-modified"));
        let bad = raw(&app, "/feed.atom?lang=de&service=nope&kind=x").await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: Value = bad.json().await.unwrap();
        let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["lang", "service", "kind"]);
    }
}
