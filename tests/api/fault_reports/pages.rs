//! Reports in the console and the portal over HTTP: the queue with its probable national
//! fault, a report and its triage form (errors marked, a step saved), attachments as
//! downloads, a notice started from a report and published from the console's form; the
//! portal sees its own organisation's reports and nobody else's, and reports through its
//! own form with the organisation fixed.

use super::{png_base64, report};
use crate::console::{browser, csrf_of, hidden, session};
use crate::console_registry::page;
use crate::on_both_databases;
use crate::portal::{portal_admin, portal_session};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, ORIGIN};
use serde_json::json;

on_both_databases! {
    async fn support_triages_a_report_in_the_console_and_publishes_a_notice_from_it(app: TestApp) {
        let body = report(json!({"criteria": ["patient-safety"], "attachments": [{"filename": "ruutu.png", "content_base64": png_base64()}]}));
        let a = app.post("/api/v1/fault-reports", &app.operator, body).await;
        let (id, reference) = (a.body["id"].as_str().unwrap().to_owned(), a.body["reference"].as_str().unwrap().to_owned());
        let cookie = session(&app, "Anna (support)").await;

        let (status, queue) = page(&app, &cookie, "/console/reports?lang=en&critical=true").await;
        assert_eq!(status, StatusCode::OK);
        assert!(queue.contains(&reference) && queue.contains("Critical"), "{queue}");
        let (_, board) = page(&app, &cookie, "/console?lang=en").await;
        assert!(board.contains("1 new fault reports wait for triage"), "the dashboard counts new reports");

        let path = format!("/console/reports/{id}");
        let (status, shown) = page(&app, &cookie, &format!("{path}?lang=en")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(shown.contains("Fimea") && shown.contains("Incident report"), "the incident-report duty of patient safety");
        assert!(shown.contains("Maija Tuki"));
        let csrf = csrf_of(&shown);
        let post = |fields: Vec<(&'static str, String)>| {
            browser().post(app.url(&format!("{path}?lang=en"))).header(COOKIE, &cookie).header(ORIGIN, app.url("")).form(&fields).send()
        };
        let refused = post(vec![("csrf", csrf.clone()), ("status", "linked".into()), ("reply", "Kiitos".into())]).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page_text = refused.text().await.unwrap();
        assert!(page_text.contains("is required to link the report to a notice") && page_text.contains(">Kiitos</textarea>"), "marked, and the reply kept");
        let saved = post(vec![("csrf", csrf.clone()), ("status", "investigating".into()), ("note", "Soitettu".into())]).await.unwrap();
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.get(&format!("/api/v1/fault-reports/{id}"), &app.operator).await.body["status"], "investigating");

        let file = app.get(&format!("/api/v1/fault-reports/{id}"), &app.operator).await.body["attachments"][0]["id"].as_str().unwrap().to_owned();
        let dl = browser().get(app.url(&format!("{path}/attachments/{file}"))).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(dl.status(), StatusCode::OK);
        assert!(dl.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));

        let (status, form) = page(&app, &cookie, &format!("/console/reports/notice?report={id}&lang=en")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(hidden(&form, "fault_reports"), id);
        assert!(form.contains("Fault: Prescription Centre"), "the title is prefilled");
        let mut fields: Vec<(String, String)> = vec![("csrf".into(), csrf_of(&form)), ("act".into(), "publish".into()), ("kind".into(), "fault".into()),
            ("idem".into(), hidden(&form, "idem")), ("fault_reports".into(), id.clone()), ("severity".into(), "critical".into()), ("state".into(), "investigating".into()),
            ("services".into(), "prescription-centre".into()), ("started_at".into(), "2026-01-01T10:00".into())];
        for (l, title) in [("fi", "Häiriö: Reseptikeskus"), ("sv", "Störning: Receptcentret")] {
            fields.push((format!("title_{l}"), title.into()));
            fields.push((format!("body_{l}"), title.into()));
        }
        let published = browser().post(app.url("/console/notices/new?lang=en")).header(COOKIE, &cookie).header(ORIGIN, app.url("")).form(&fields).send().await.unwrap();
        assert_eq!(published.status(), StatusCode::SEE_OTHER);
        let r = app.get(&format!("/api/v1/fault-reports/{id}"), &app.operator).await;
        assert_eq!(r.body["status"], "linked", "publishing from the form links the report");
        assert!(r.body["notice_id"].is_string());
    }

    async fn the_portal_reports_for_its_organisation_and_sees_only_its_own_reports(app: TestApp) {
        let org = app.pharmacy().await;
        portal_admin(&app, &org, "johto@apteekki.fi", "fi").await;
        let other = app.organisation("Terveyskeskus", "2331972-7", "healthcare", &["patient-data-repository"]).await;
        let theirs = app.post("/api/v1/fault-reports", &app.org_admin(&other).await, report(json!({"services": ["patient-data-repository"]}))).await;
        let their_id = theirs.body["id"].as_str().unwrap().to_owned();
        let cookie = portal_session(&app, "johto@apteekki.fi").await;

        let (status, form) = page(&app, &cookie, "/portal/reports/new?lang=fi").await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("0112038-9") && !form.contains("id=\"business_id\""), "the organisation is fixed");
        let csrf = csrf_of(&form);
        let boundary = "----portal-report";
        let mut body = String::new();
        for (k, v) in [("csrf", csrf.as_str()), ("language", "fi"), ("reporter_name", "Admin"), ("reporter_email", "johto@apteekki.fi"), ("reporter_phone", "040 123 4567"),
            ("organisation_name", "Somebody else"), ("business_id", "2331972-7"),
            ("services", "prescription-centre"), ("started_at", "2026-01-01T10:00"), ("criteria", "extent-unknown"), ("description", "Hidasta")] {
            body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let sent = browser().post(app.url("/portal/reports?lang=fi")).header(COOKIE, &cookie).header(ORIGIN, app.url(""))
            .header("content-type", format!("multipart/form-data; boundary={boundary}")).body(body.clone()).send().await.unwrap();
        assert_eq!(sent.status(), StatusCode::CREATED);
        assert!(sent.text().await.unwrap().contains("Viitetunnus"));
        let forged = browser().post(app.url("/portal/reports?lang=fi")).header(COOKIE, &cookie).header(ORIGIN, app.url(""))
            .header("content-type", format!("multipart/form-data; boundary={boundary}")).body(body.replace(&csrf, "wrong")).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN, "the session's form token is required");

        let (status, list) = page(&app, &cookie, "/portal/reports?lang=fi").await;
        assert_eq!(status, StatusCode::OK);
        let mine = app.get("/api/v1/fault-reports?status=new", &app.operator).await;
        let my_id = mine.body["items"].as_array().unwrap().iter().find(|r| r["org_id"] == org.as_str()).unwrap()["id"].as_str().unwrap().to_owned();
        assert!(list.contains(&my_id) && !list.contains(&their_id), "only the organisation's own reports");
        let got = app.get(&format!("/api/v1/fault-reports/{my_id}"), &app.operator).await;
        assert_eq!(got.body["organisation_name"], "Apteekki", "as registered");
        assert_eq!(got.body["source"], "portal");
        assert_eq!(page(&app, &cookie, &format!("/portal/reports/{their_id}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(page(&app, &cookie, &format!("/portal/reports/{my_id}")).await.0, StatusCode::OK);
        assert_ne!(page(&app, &cookie, "/console/reports").await.0, StatusCode::OK, "a portal session opens no console page");
    }
}
