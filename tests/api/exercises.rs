//! Exercise notices: a drill reaches the organisations it targets like a real notice, is
//! marked HARJOITUS / ÖVNING / EXERCISE in every subject, body and SMS, is CAP
//! `status=Exercise`, never appears among real notices on the page, in the feeds, the
//! calendar or the public JSON, and yields a reach report per organisation.

use crate::console::browser;
use crate::notices::{contact, fault};
use crate::on_both_databases;
use crate::support::TestApp;
use crate::support::inspect::readable;
use reqwest::StatusCode;
use reqwest::header::ORIGIN;
use serde_json::json;

const MARK: &str = "HARJOITUS / ÖVNING / EXERCISE";

/// The decoded subject of a raw message.
fn subject(raw: &str) -> String {
    mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .and_then(|m| m.subject().map(str::to_owned))
        .unwrap_or_default()
}

async fn text(app: &TestApp, path: &str) -> String {
    let res = reqwest::get(app.url(path)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

on_both_databases! {
    async fn an_exercise_reaches_its_organisations_marked_everywhere_and_is_never_listed_as_real(app: TestApp) {
        let a = app.organisation("Apteekki A", "0112038-9", "pharmacy", &["prescription-centre"]).await;
        let b = app.organisation("Apteekki B", "1572860-0", "pharmacy", &["prescription-centre"]).await;
        contact(&app, &a, Some("a@a.fi"), Some("040 111 2222"), "fi", json!({})).await;
        contact(&app, &b, Some("b@b.fi"), None, "sv", json!({})).await;
        let mut drill = fault("major", &["prescription-centre"]);
        drill["status"] = json!("exercise");
        let published = app.post("/api/v1/notices", &app.operator, drill).await;
        assert_eq!(published.status, StatusCode::ACCEPTED, "{}", published.text);
        let id = published.body["id"].as_str().unwrap().to_owned();
        app.drain().await;

        // Every message says it is an exercise, in its subject, its body and its SMS.
        let mails = app.emails();
        assert_eq!(mails.len(), 2);
        for m in &mails {
            assert!(subject(m).starts_with(&format!("{MARK}: ")), "{}", subject(m));
            let parsed = mail_parser::MessageParser::default().parse(m.as_bytes()).unwrap();
            let text = parsed.body_text(0).unwrap();
            assert!(text.starts_with(MARK), "the body begins with it: {text}");
            assert!(parsed.body_html(0).unwrap().contains(MARK), "the HTML too");
            let m = readable(m);
            assert!(m.contains("/links/ack?t="), "an exercise asks to be acknowledged: it measures reach");
        }
        let sms = app.sms();
        assert_eq!(sms.len(), 1, "{sms:?}");
        assert!(sms[0]["text"].as_str().unwrap().starts_with(&format!("{MARK}: ")), "{sms:?}");

        // Never among real notices: the page, the feeds, the calendar, CAP, the public list.
        for path in ["/", "/?lang=sv", "/feed.rss", "/feed.atom", "/maintenance.ics", "/cap.xml"] {
            assert!(!text(&app, path).await.contains(&id), "{path} lists the exercise");
        }
        let list = app.public_get("/api/v1/notices").await.body;
        assert!(list["items"].as_array().unwrap().iter().all(|n| n["id"] != id.as_str()), "{list}");
        // Its own page and JSON say what it is, for whoever follows the link in a message.
        let page = text(&app, &format!("/notices/{id}?lang=fi")).await;
        assert!(page.contains(MARK), "the notice's page is marked");
        assert_eq!(app.public_get(&format!("/api/v1/notices/{id}")).await.body["status"], "exercise");
        // CAP consumers can drill too: the exercise feed carries it as status Exercise.
        let cap = text(&app, "/cap.xml?status=exercise").await;
        assert!(cap.contains(&id) && cap.contains("<status>Exercise</status>") && !cap.contains("<status>Actual</status>"), "{cap}");

        // The reach report: who was reached and who acknowledged, exportable as CSV.
        let ack = {
            let mail = readable(mails.iter().find(|m| m.contains("To: a@a.fi")).unwrap());
            let at = mail.find("/links/ack?t=").unwrap();
            mail[at..].chars().take_while(|c| !c.is_whitespace() && !"\"<>".contains(*c)).collect::<String>()
        };
        let res = browser().post(app.url(&ack)).header(ORIGIN, app.url("")).send().await.unwrap();
        assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
        let board = app.get(&format!("/api/v1/notices/{id}/reach"), &app.operator).await.body;
        assert_eq!(board["counts"]["acknowledged"], 1, "{board}");
        assert_eq!(board["counts"]["reached"], 1, "{board}");
        let csv = app.http.get(app.url(&format!("/api/v1/notices/{id}/reach")))
            .bearer_auth(&app.operator).header("accept", "text/csv").send().await.unwrap().text().await.unwrap();
        assert!(csv.contains("Apteekki A") && csv.contains("acknowledged") && csv.contains("Apteekki B"), "{csv}");

        // An exercise stays one.
        let real = app.post(&format!("/api/v1/notices/{id}/revisions"), &app.operator,
            json!({"action": "update", "status": "actual", "body": {"fi": "Jatkuu.", "sv": "Fortsätter."}})).await;
        assert_eq!(real.error_fields(), ["status"], "{}", real.text);
        let update = app.post(&format!("/api/v1/notices/{id}/revisions"), &app.operator,
            json!({"action": "end"})).await;
        assert_eq!(update.status, StatusCode::ACCEPTED, "{}", update.text);
        app.drain().await;
        let last = subject(app.emails().last().unwrap());
        assert!(last.starts_with(&format!("{MARK}: ")), "the end of an exercise is marked too: {last}");
    }
}

on_both_databases! {
    async fn support_runs_an_exercise_from_the_console_and_downloads_its_reach_report(app: TestApp) {
        use crate::console::{browser, hidden, session};
        use reqwest::header::COOKIE;
        let org = app.pharmacy().await;
        contact(&app, &org, Some("tuki@apteekki.fi"), None, "fi", json!({})).await;
        let cookie = session(&app, "Anna (support)").await;
        let form = browser().get(app.url("/console/notices/new?kind=fault&lang=en")).header(COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
        assert!(form.contains("name=\"status\" value=\"exercise\""), "the form offers an exercise");
        let fields = vec![
            ("csrf", hidden(&form, "csrf")), ("idem", hidden(&form, "idem")), ("kind", "fault".to_owned()),
            ("act", "publish".to_owned()), ("status", "exercise".to_owned()),
            ("severity", "major".to_owned()), ("services", "prescription-centre".to_owned()),
            ("title_fi", "Harjoitus: Reseptikeskus".to_owned()), ("title_sv", "Övning: Receptcentret".to_owned()),
            ("body_fi", "Kuittaa tämä viesti.".to_owned()), ("body_sv", "Kvittera meddelandet.".to_owned()),
        ];
        let published = browser().post(app.url("/console/notices/new?lang=en")).header(COOKIE, &cookie)
            .header(ORIGIN, app.url("")).form(&fields).send().await.unwrap();
        assert_eq!(published.status(), StatusCode::SEE_OTHER);
        app.drain().await;
        let dashboard = browser().get(app.url("/console?lang=en")).header(COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
        assert!(dashboard.contains(MARK), "the console shows the exercise, marked");
        let at = dashboard.find("/console/notices/0").expect("a link to the exercise") + "/console/notices/".len();
        let id = &dashboard[at..at + 36];
        let report = browser().get(app.url(&format!("/console/notices/{id}/reach.csv"))).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(report.status(), StatusCode::OK);
        assert!(report.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        let csv = report.text().await.unwrap();
        assert!(csv.contains("Apteekki") && csv.contains("reached"), "{csv}");
        let anonymous = browser().get(app.url(&format!("/console/notices/{id}/reach.csv"))).send().await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::SEE_OTHER, "the report needs a console session");

        assert!(crate::support::parsers::python_has("lxml"), "CAP is checked against its schema");
        let infos = crate::support::parsers::cap_infos(text(&app, "/cap.xml?status=exercise").await).await;
        let statuses: Vec<&str> = infos.as_array().unwrap().iter().map(|i| i["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, ["Exercise", "Exercise"], "one info per language (fi, sv), both an exercise");
        assert_eq!(app.public_get("/cap.xml?status=drill").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
