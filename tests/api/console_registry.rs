//! Keeping an organisation's recipients current from the console, and the CSRF matrix over
//! every state-changing console route.

use crate::console::{browser, csrf_of, hidden, location, session};
use crate::on_both_databases;
use crate::support::TestApp;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, ORIGIN};

pub(crate) async fn page(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let res = browser()
        .get(app.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

pub(crate) async fn post(
    app: &TestApp,
    cookie: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    browser()
        .post(app.url(path))
        .header(COOKIE, cookie)
        .header(ORIGIN, app.url(""))
        .form(fields)
        .send()
        .await
        .unwrap()
}

pub(crate) async fn contacts(app: &TestApp, org: &str) -> Vec<serde_json::Value> {
    let a = app
        .get(
            &format!("/api/v1/organisations/{org}/contacts"),
            &app.operator,
        )
        .await;
    a.body["items"].as_array().unwrap().clone()
}

/// The id of a new org_admin token of a new organisation.
async fn uuid_of_a_token(app: &TestApp) -> String {
    let org = app
        .organisation("Toinen", "1572860-0", "pharmacy", &["prescription-centre"])
        .await;
    let a = app
        .post(
            "/api/v1/tokens",
            &app.operator,
            serde_json::json!({"role": "org_admin", "org_id": org, "label": "IT"}),
        )
        .await;
    a.body["id"].as_str().unwrap().to_owned()
}

async fn audit_count(app: &TestApp) -> usize {
    let a = app.get("/api/v1/audit?limit=200", &app.operator).await;
    a.body["items"].as_array().unwrap().len()
}

on_both_databases! {
    async fn an_operator_adds_changes_and_deletes_a_recipient_from_the_console(app: TestApp) {
        let org = app.pharmacy().await;
        let cookie = session(&app, "Anna (support)").await;
        let new = format!("/console/organisations/{org}/contacts/new?lang=en");
        let (status, form) = page(&app, &cookie, &new).await;
        assert_eq!(status, StatusCode::OK);
        let (csrf, idem) = (hidden(&form, "csrf"), hidden(&form, "idem"));
        let fields = [
            ("csrf", csrf.as_str()), ("idem", idem.as_str()), ("name", "Helpdesk Ässä"), ("role", "helpdesk"),
            ("email", "tuki@assa.fi"), ("phone", "040 123 4567"), ("language", "fi"),
            ("channels", "email"), ("channels", "sms"), ("all_services", "yes"),
            ("kinds", "fault"), ("kinds", "maintenance"),
        ];
        let path = format!("/console/organisations/{org}/contacts/new?lang=en");
        let res = post(&app, &cookie, &path, &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("/console/organisations/{org}?lang=en"));
        // The same form sent twice (a double click) adds one recipient.
        assert_eq!(post(&app, &cookie, &path, &fields).await.status(), StatusCode::SEE_OTHER);
        let list = contacts(&app, &org).await;
        assert_eq!(list.len(), 1, "{list:?}");
        let c = &list[0];
        assert_eq!((c["phone"].as_str(), c["source"].as_str()), (Some("+358401234567"), Some("operator")));
        assert_eq!(c["kinds"], serde_json::json!(["fault", "maintenance"]));
        let id = c["id"].as_str().unwrap().to_owned();

        let (_, org_page) = page(&app, &cookie, &format!("/console/organisations/{org}?lang=en")).await;
        assert!(org_page.contains(&format!("/console/organisations/{org}/contacts/{id}?lang=en")));
        let edit = format!("/console/organisations/{org}/contacts/{id}");
        let (status, form) = page(&app, &cookie, &format!("{edit}?lang=en")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("value=\"+358401234567\""), "filled in from the contact");
        let changed = [
            ("csrf", csrf.as_str()), ("name", "Helpdesk Ässä"), ("role", "on-call"), ("email", ""),
            ("phone", "+358401234567"), ("language", "sv"), ("channels", "sms"), ("all_services", "no"),
            ("services", "prescription-centre"), ("kinds", "fault"),
        ];
        assert_eq!(post(&app, &cookie, &edit, &changed).await.status(), StatusCode::SEE_OTHER);
        let c = &contacts(&app, &org).await[0];
        assert_eq!((c["language"].as_str(), c["role"].as_str()), (Some("sv"), Some("on-call")));
        assert_eq!((c["email"].as_str(), c["all_services"].as_bool()), (None, Some(false)));

        let res = post(&app, &cookie, &format!("{edit}/delete"), &[("csrf", &csrf)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(contacts(&app, &org).await.is_empty());
        let log = app.get("/api/v1/audit", &app.operator).await;
        let by_anna: Vec<&str> = log.body["items"].as_array().unwrap().iter()
            .filter(|e| e["actor"] == "console:Anna (support)")
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        for action in ["contact.create", "contact.update", "contact.delete"] {
            assert!(by_anna.contains(&action), "{action} by the person: {by_anna:?}");
        }
    }

    async fn a_bad_recipient_comes_back_marked_with_everything_typed_kept(app: TestApp) {
        let org = app.pharmacy().await;
        let cookie = session(&app, "Anna (support)").await;
        let (_, form) = page(&app, &cookie, &format!("/console/organisations/{org}/contacts/new?lang=fi")).await;
        let csrf = hidden(&form, "csrf");
        let xss = "<script>alert(1)</script>";
        let res = post(&app, &cookie, &format!("/console/organisations/{org}/contacts/new?lang=fi"), &[
            ("csrf", &csrf), ("name", ""), ("role", "helpdesk"), ("email", xss), ("phone", "123"),
            ("language", "fi"), ("channels", "sms"), ("all_services", "yes"),
        ]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = res.text().await.unwrap();
        for field in ["name", "email", "phone", "kinds"] {
            assert!(page.contains(&format!("id=\"{field}-error\"")), "{field} is marked: {page}");
        }
        assert!(page.contains("value=\"123\""), "what was typed is kept");
        assert!(page.contains("ei saa olla tyhjä"), "the API's message, in the page's language");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains(xss), "escaped");
        assert!(contacts(&app, &org).await.is_empty(), "nothing was added");
    }

    async fn no_state_changing_console_route_acts_without_the_session_token_and_origin(app: TestApp) {
        let org = app.pharmacy().await;
        crate::notices::contact(&app, &org, Some("tuki@apteekki.fi"), None, "fi", serde_json::json!({})).await;
        let contact = contacts(&app, &org).await[0]["id"].as_str().unwrap().to_owned();
        let published = app.post("/api/v1/notices", &app.operator, crate::notices::fault("critical", &["prescription-centre"])).await;
        let notice = published.body["id"].as_str().unwrap().to_owned();
        let filed = app.post("/api/v1/fault-reports", &app.operator, crate::fault_reports::report(serde_json::json!({}))).await;
        let report = filed.body["id"].as_str().unwrap().to_owned();
        let cookie = session(&app, "Anna (support)").await;
        let csrf = csrf_of(&page(&app, &cookie, "/console").await.1);
        let other = session(&app, "Bertil (support)").await;
        let others_csrf = csrf_of(&page(&app, &other, "/console").await.1);
        let routes = [
            "/console/logout".to_owned(),
            "/console/language".to_owned(),
            "/console/notices/new".to_owned(),
            format!("/console/notices/{notice}/revise?action=update"),
            format!("/console/notices/{notice}/retry"),
            format!("/console/notices/{notice}/end"),
            format!("/console/notices/{notice}/cancel"),
            format!("/console/organisations/{org}/contacts/new"),
            format!("/console/organisations/{org}/contacts/{contact}"),
            format!("/console/organisations/{org}/contacts/{contact}/delete"),
            "/console/tokens".to_owned(),
            format!("/console/tokens/{}/revoke", uuid_of_a_token(&app).await),
            format!("/console/reports/{report}"),
        ];
        let fields = |token: &str| vec![
            ("csrf", token.to_owned()), ("act", "publish".to_owned()), ("kind", "fault".to_owned()),
            ("name", "X".to_owned()), ("role", "helpdesk".to_owned()), ("email", "x@example.fi".to_owned()),
            ("channels", "email".to_owned()), ("kinds", "fault".to_owned()), ("language", "fi".to_owned()),
            ("status", "closed".to_owned()),
        ];
        let before = audit_count(&app).await;
        for route in &routes {
            for (origin, token, why) in [
                (Some(app.url("")), None, "no token"),
                (Some(app.url("")), Some(others_csrf.as_str()), "another session's token"),
                (Some("https://evil.example".to_owned()), Some(csrf.as_str()), "a foreign origin"),
                (None, Some(csrf.as_str()), "no origin"),
            ] {
                let mut req = browser().post(app.url(route)).header(COOKIE, &cookie);
                if let Some(o) = origin {
                    req = req.header(ORIGIN, o);
                }
                let body = fields(token.unwrap_or("")).into_iter().filter(|(k, _)| token.is_some() || *k != "csrf").collect::<Vec<_>>();
                let res = req.form(&body).send().await.unwrap();
                assert_eq!(res.status(), StatusCode::FORBIDDEN, "{route} with {why}");
            }
            // A GET shows at most; it never acts.
            let res = browser().get(app.url(route)).header(COOKIE, &cookie).send().await.unwrap();
            assert!(res.status() == StatusCode::OK || res.status() == StatusCode::METHOD_NOT_ALLOWED, "GET {route}: {}", res.status());
        }
        assert_eq!(audit_count(&app).await, before, "nothing was changed");
        assert_eq!(contacts(&app, &org).await.len(), 1);
        assert_eq!(page(&app, &cookie, "/console").await.0, StatusCode::OK, "still signed in");
    }
}

/// A `multipart/form-data` body of `fields` and a file `file`, as a browser sends the form.
fn multipart(fields: &[(&str, &str)], file: &str) -> (String, Vec<u8>) {
    let boundary = "----faultcast-test-boundary";
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"contacts.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    ));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

on_both_databases! {
    async fn an_operator_imports_a_recipient_list_and_a_bad_file_is_reported_by_row(app: TestApp) {
        let org = app.pharmacy().await;
        crate::notices::contact(&app, &org, Some("tuki@apteekki.fi"), None, "fi", serde_json::json!({})).await;
        let cookie = session(&app, "Anna (support)").await;
        let path = format!("/console/organisations/{org}/contacts/import?lang=en");
        let (status, form) = page(&app, &cookie, &path).await;
        assert_eq!(status, StatusCode::OK);
        let csrf = hidden(&form, "csrf");
        let (_, csv) = page(&app, &cookie, &format!("/console/organisations/{org}/contacts.csv")).await;
        let header = csv.lines().next().unwrap().to_owned();
        let columns: Vec<&str> = header.split(',').collect();
        let row = |name: &str, phone: &str| {
            columns.iter().map(|c| match *c {
                "name" => name.to_owned(), "role" => "on-call".into(), "phone" => phone.into(),
                "language" => "sv".into(), "channels" => "sms".into(), _ => String::new(),
            }).collect::<Vec<_>>().join(",")
        };
        let send = |fields: Vec<(&'static str, String)>, file: String| {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (content_type, body) = multipart(&fields, &file);
            browser().post(app.url(&path)).header(COOKIE, &cookie).header(ORIGIN, app.url(""))
                .header("content-type", content_type).body(body).send()
        };
        let added = format!("{}{}\n", csv, row("Night desk", "040 765 4321"));

        // Not confirmed: refused, nothing changed.
        let res = send(vec![("csrf", csrf.clone())], added.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains("id=\"replace-error\""));
        // A bad row: reported with its row number, nothing changed.
        let bad = format!("{}{}\n", csv, row("Night desk", "123"));
        let res = send(vec![("csrf", csrf.clone()), ("replace", "yes".into())], bad).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let report = res.text().await.unwrap();
        assert!(report.contains("<strong>Row 3, phone</strong>"), "{report}");
        assert_eq!(contacts(&app, &org).await.len(), 1);
        // Without the session's token: refused.
        let res = send(vec![("csrf", "0".repeat(64)), ("replace", "yes".into())], added.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(contacts(&app, &org).await.len(), 1);
        // Confirmed and valid: done, and said what it did.
        let res = send(vec![("csrf", csrf.clone()), ("replace", "yes".into())], added).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let done = res.text().await.unwrap();
        assert!(done.contains("<dt>Added</dt><dd>1</dd>") && done.contains("<dt>Unchanged</dt><dd>1</dd>"), "{done}");
        let list = contacts(&app, &org).await;
        assert_eq!(list.len(), 2);
        assert!(list.iter().any(|c| c["name"] == "Night desk" && c["phone"] == "+358407654321"));
    }
}
