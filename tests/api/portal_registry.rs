//! A portal admin keeps their organisation's recipients current from the portal (the
//! console's forms, limited to their organisation), and the tenant matrix: with organisation
//! A's portal session, every portal route given B's ids reads nothing and writes nothing.

use crate::console::{browser, hidden, location};
use crate::console_registry::{contacts, page, post};
use crate::notices::contact;
use crate::on_both_databases;
use crate::portal::{portal_admin, portal_session};
use crate::support::TestApp;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, ORIGIN};
use serde_json::{Value, json};

async fn organisation(app: &TestApp, org: &str) -> Value {
    app.get(&format!("/api/v1/organisations/{org}"), &app.operator)
        .await
        .body
}

async fn audit_of(app: &TestApp, org: &str) -> Vec<Value> {
    let a = app.get("/api/v1/audit?limit=200", &app.operator).await;
    a.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["org_id"] == org)
        .cloned()
        .collect()
}

on_both_databases! {
    async fn a_portal_admin_keeps_the_recipients_current_without_a_token(app: TestApp) {
        let org = app.pharmacy().await;
        let admin = portal_admin(&app, &org, "admin@apteekki.fi", "en").await;
        let cookie = portal_session(&app, "admin@apteekki.fi").await;

        let (status, form) = page(&app, &cookie, "/portal/contacts/new?lang=en").await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("action=\"/portal/contacts/new?lang=en\""), "the console's form, posting to the portal");
        let (csrf, idem) = (hidden(&form, "csrf"), hidden(&form, "idem"));
        let fields = [
            ("csrf", csrf.as_str()), ("idem", idem.as_str()), ("name", "Night desk"), ("role", "on-call"),
            ("email", "yo@apteekki.fi"), ("phone", "040 765 4321"), ("language", "sv"),
            ("channels", "email"), ("channels", "sms"), ("all_services", "yes"), ("kinds", "fault"),
            ("portal_admin", "yes"),
        ];
        let res = post(&app, &cookie, "/portal/contacts/new?lang=en", &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/portal?lang=en");
        assert_eq!(post(&app, &cookie, "/portal/contacts/new?lang=en", &fields).await.status(), StatusCode::SEE_OTHER, "a double click");
        let list = contacts(&app, &org).await;
        assert_eq!(list.len(), 2, "{list:?}");
        let night = list.iter().find(|c| c["name"] == "Night desk").unwrap();
        assert_eq!((night["source"].as_str(), night["portal_admin"].as_bool()), (Some("self-service"), Some(true)));
        let id = night["id"].as_str().unwrap().to_owned();

        // A bad change comes back marked, with what was typed.
        let bad = [("csrf", csrf.as_str()), ("name", "Night desk"), ("role", "on-call"), ("email", ""),
            ("phone", "123"), ("language", "sv"), ("channels", "sms"), ("all_services", "yes"), ("kinds", "fault")];
        let res = post(&app, &cookie, &format!("/portal/contacts/{id}?lang=en"), &bad).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = res.text().await.unwrap();
        assert!(text.contains("id=\"phone-error\"") && text.contains("value=\"123\""), "{text}");
        let changed = [("csrf", csrf.as_str()), ("name", "Night desk"), ("role", "on-call"), ("email", ""),
            ("phone", "040 765 4321"), ("language", "fi"), ("channels", "sms"), ("all_services", "yes"), ("kinds", "fault")];
        assert_eq!(post(&app, &cookie, &format!("/portal/contacts/{id}"), &changed).await.status(), StatusCode::SEE_OTHER);
        let night = contacts(&app, &org).await.into_iter().find(|c| c["id"] == id.as_str()).unwrap();
        assert_eq!((night["language"].as_str(), night["portal_admin"].as_bool()), (Some("fi"), Some(false)));

        let (status, csv) = page(&app, &cookie, "/portal/contacts.csv").await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with("id,name,role,email,phone,language,channels,services,kinds,portal_admin"), "{csv}");
        assert!(csv.contains("admin@apteekki.fi") && csv.contains(",yes,"), "{csv}");

        assert_eq!(post(&app, &cookie, &format!("/portal/contacts/{id}/delete"), &[("csrf", &csrf)]).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(contacts(&app, &org).await.len(), 1);

        // Every recipient still current, in one step.
        app.clock.advance(chrono::Duration::minutes(10));
        let res = post(&app, &cookie, "/portal/confirm?lang=en", &[("csrf", &csrf)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let (_, home) = page(&app, &cookie, &location(&res)).await;
        assert!(home.contains("Confirmed as current: 1"), "{home}");
        let me = &contacts(&app, &org).await[0];
        assert_eq!(me["id"], admin.as_str());
        let reviewed: chrono::DateTime<chrono::Utc> = me["reviewed_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(reviewed, faultcast::clock::Clock::now_micros(&*app.clock));

        // The services in use: changeable; an unknown one is marked and changes nothing.
        let res = post(&app, &cookie, "/portal/services?lang=en", &[("csrf", &csrf), ("services", "no-such-service")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(organisation(&app, &org).await["services"], json!(["prescription-centre"]));
        let res = post(&app, &cookie, "/portal/services?lang=en", &[("csrf", &csrf), ("services", "prescription-centre"), ("services", "prescription")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(organisation(&app, &org).await["services"], json!(["prescription", "prescription-centre"]));

        let actions: Vec<String> = audit_of(&app, &org).await.iter()
            .filter(|e| e["actor"] == format!("contact:{admin}"))
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect();
        for action in ["contact.create", "contact.update", "contact.delete", "contact.confirm", "organisation.update"] {
            assert!(actions.iter().any(|a| a == action), "{action} by the contact: {actions:?}");
        }
    }
}

on_both_databases! {
    async fn a_portal_session_of_one_organisation_reads_and_writes_nothing_of_another(app: TestApp) {
        let a = app.pharmacy().await;
        let b = app.organisation("Toinen apteekki", "1572860-0", "pharmacy", &["prescription-centre"]).await;
        portal_admin(&app, &a, "admin@a.fi", "en").await;
        let b_admin = portal_admin(&app, &b, "admin@b.fi", "en").await;
        let b_contact = contact(&app, &b, Some("secret@b.fi"), Some("040 111 2222"), "fi", json!({"name": "B desk"})).await;
        let cookie = portal_session(&app, "admin@a.fi").await;
        let (_, home) = page(&app, &cookie, "/portal?lang=en").await;
        let csrf = hidden(&home, "csrf");
        let b_before = (contacts(&app, &b).await, organisation(&app, &b).await, audit_of(&app, &b).await);

        for id in [&b_contact, &b_admin] {
            let (status, text) = page(&app, &cookie, &format!("/portal/contacts/{id}")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "GET of B's contact");
            assert!(!text.contains("secret@b.fi") && !text.contains("B desk"));
            let fields = [("csrf", csrf.as_str()), ("name", "Taken"), ("role", "helpdesk"), ("email", "x@a.fi"),
                ("language", "fi"), ("channels", "email"), ("all_services", "yes"), ("kinds", "fault"), ("portal_admin", "yes")];
            let res = post(&app, &cookie, &format!("/portal/contacts/{id}"), &fields).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "a change of B's contact");
            let res = post(&app, &cookie, &format!("/portal/contacts/{id}/delete"), &[("csrf", &csrf)]).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "deleting B's contact");
        }
        // The routes without ids work on A alone: B's people appear in nothing they answer.
        for path in ["/portal?lang=en", "/portal/contacts.csv", "/portal/contacts/new", "/portal/contacts/import"] {
            let (status, text) = page(&app, &cookie, path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(!text.contains("secret@b.fi") && !text.contains("admin@b.fi") && !text.contains(&b), "{path}");
        }
        // A file naming B's contact by id: refused by row, nothing changed anywhere.
        let file = format!("id,name,role,email,language,channels\n{b_contact},Taken,helpdesk,x@a.fi,fi,email\n");
        let boundary = "----portal-test";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"replace\"\r\n\r\nyes\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
        );
        let res = browser().post(app.url("/portal/contacts/import?lang=en")).header(COOKIE, &cookie).header(ORIGIN, app.url(""))
            .header("content-type", format!("multipart/form-data; boundary={boundary}")).body(body).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // Confirming and changing services touch A only.
        assert_eq!(post(&app, &cookie, "/portal/confirm", &[("csrf", &csrf)]).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(post(&app, &cookie, "/portal/services", &[("csrf", &csrf), ("services", "prescription")]).await.status(), StatusCode::SEE_OTHER);
        // The console and the API are not the portal's.
        for path in [format!("/console/organisations/{b}"), format!("/console/organisations/{a}")] {
            let res = browser().get(app.url(&path)).header(COOKIE, cookie.replace("faultcast_portal", "faultcast_session")).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        }
        let api = browser().get(app.url(&format!("/api/v1/organisations/{b}/contacts"))).header(COOKIE, &cookie).send().await.unwrap();
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED);

        let b_after = (contacts(&app, &b).await, organisation(&app, &b).await, audit_of(&app, &b).await);
        assert_eq!(b_before, b_after, "B is as it was");
        assert_eq!(organisation(&app, &a).await["services"], json!(["prescription"]));
    }
}

on_both_databases! {
    async fn did_we_get_it_shows_what_each_of_the_organisations_own_contacts_was_sent(app: TestApp) {
        let a = app.pharmacy().await;
        let b = app.organisation("Toinen apteekki", "1572860-0", "pharmacy", &["prescription-centre"]).await;
        portal_admin(&app, &a, "admin@a.fi", "en").await;
        contact(&app, &a, Some("desk@a.fi"), Some("040 123 4567"), "sv", json!({"name": "Night desk"})).await;
        contact(&app, &b, Some("secret@b.fi"), Some("040 765 4321"), "fi", json!({"name": "B desk"})).await;
        let cookie = portal_session(&app, "admin@a.fi").await;
        let (status, empty) = page(&app, &cookie, "/portal/notices?lang=en").await;
        assert_eq!(status, StatusCode::OK);
        assert!(empty.contains("No notice was sent"), "{empty}");

        let mut notice = crate::notices::fault("critical", &["prescription-centre"]);
        notice["sms"] = json!({"fi": "Reseptikeskuksessa häiriö.", "sv": "Störning i Receptcentret."});
        let published = app.post("/api/v1/notices", &app.operator, notice).await;
        assert_eq!(published.status, StatusCode::ACCEPTED, "{}", published.text);
        app.drain().await;

        let (status, text) = page(&app, &cookie, "/portal/notices?lang=en").await;
        assert_eq!(status, StatusCode::OK);
        assert!(text.contains("Prescription Centre disruption"), "{text}");
        for own in ["admin@a.fi", "desk@a.fi", "+358401234567", "Night desk"] {
            assert!(text.contains(own), "the organisation's own {own} in full: {text}");
        }
        assert!(text.contains("accepted by the recipient&#39;s mail server") || text.contains("accepted by the recipient's mail server"), "{text}");
        assert!(text.contains("sent, no receipt from the phone yet"), "{text}");
        for other in ["secret@b.fi", "+358407654321", "B desk"] {
            assert!(!text.contains(other), "another organisation's {other}");
        }
        assert_eq!(text.matches("<td>Night desk<br>").count(), 2, "email and SMS: {text}");

        // Another organisation's admin sees theirs, not A's.
        portal_admin(&app, &b, "admin@b.fi", "fi").await;
        let b_cookie = portal_session(&app, "admin@b.fi").await;
        let (_, b_text) = page(&app, &b_cookie, "/portal/notices?lang=fi").await;
        assert!(b_text.contains("secret@b.fi") && !b_text.contains("desk@a.fi"), "{b_text}");
    }
}
