//! `/cap.xml` (domain §7): every alert validated against the OASIS CAP 1.2 schema with
//! lxml, and the mapping of revisions to CAP messages checked.

use crate::on_both_databases;
use crate::support::parsers::{python, python_has};
use crate::support::{TestApp, utc};
use serde_json::{Value, json};

const PARSE: &str = r#"
import sys, json
from lxml import etree
schema = etree.XMLSchema(etree.parse(sys.argv[1]))
feed = etree.fromstring(sys.stdin.buffer.read())
A = '{http://www.w3.org/2005/Atom}'
C = '{urn:oasis:names:tc:emergency:cap:1.2}'
out = []
for entry in feed.iter(A + 'entry'):
    alert = entry.find(A + 'content').find(C + 'alert')
    schema.assertValid(etree.ElementTree(alert))
    t = lambda e, n: (e.findtext(C + n) or None)
    out.append({
        'identifier': t(alert, 'identifier'), 'msgType': t(alert, 'msgType'), 'sent': t(alert, 'sent'),
        'references': t(alert, 'references'),
        'infos': [{k: t(i, k) for k in ['language', 'urgency', 'responseType', 'severity', 'certainty', 'headline', 'category', 'instruction']}
                  for i in alert.findall(C + 'info')],
    })
print(json.dumps(out))
"#;

async fn cap(app: &TestApp) -> Vec<Value> {
    let res = reqwest::get(app.url("/cap.xml")).await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    let xsd = format!(
        "{}/tests/support/cap/CAP-v1.2-schema.xsd",
        env!("CARGO_MANIFEST_DIR")
    );
    let script = PARSE.replace("sys.argv[1]", &format!("{xsd:?}"));
    let out = tokio::task::spawn_blocking(move || python(&script, &body))
        .await
        .unwrap();
    serde_json::from_str::<Vec<Value>>(&out).unwrap()
}

fn by_id<'a>(alerts: &'a [Value], id: &str, rev: u32) -> &'a Value {
    alerts
        .iter()
        .find(|a| a["identifier"] == format!("{id}.{rev}"))
        .unwrap_or_else(|| panic!("no {id}.{rev}"))
}

on_both_databases! {
    async fn cap_messages_follow_each_notice_and_validate_against_the_schema(app: TestApp) {
        if !python_has("lxml") {
            return;
        }
        // Ended 25 hours before now: not in the feed.
        app.clock.set(utc("2026-11-22T08:00:00Z"));
        let old = app.post("/api/v1/notices", &app.operator, crate::notices::fault("minor", &["prescription"])).await;
        let old = old.body["id"].as_str().unwrap().to_owned();
        app.post(&format!("/api/v1/notices/{old}/revisions"), &app.operator, json!({"action": "end"})).await;
        app.clock.set(utc("2026-11-23T09:00:00Z"));
        let f = app.post("/api/v1/notices", &app.operator, crate::notices::fault("critical", &["prescription-centre"])).await;
        let fault = f.body["id"].as_str().unwrap().to_owned();
        app.post(&format!("/api/v1/notices/{fault}/revisions"), &app.operator, json!({"action": "update", "state": "identified"})).await;
        app.post(&format!("/api/v1/notices/{fault}/revisions"), &app.operator, json!({"action": "end"})).await;
        let maintenance = |start: &str, end: &str| json!({"kind": "maintenance", "services": ["mykanta"],
            "title": {"fi": "OmaKannan huolto & <päivitys>", "sv": "Underhåll av MittKanta"}, "body": {"fi": "Katko.", "sv": "Avbrott."},
            "window_start": start, "window_end": end});
        let m = app.post("/api/v1/notices", &app.operator, maintenance("2026-12-15T18:00:00Z", "2026-12-15T20:00:00Z")).await;
        let planned = m.body["id"].as_str().unwrap().to_owned();
        let c = app.post("/api/v1/notices", &app.operator, maintenance("2026-12-16T18:00:00Z", "2026-12-16T20:00:00Z")).await;
        let cancelled = c.body["id"].as_str().unwrap().to_owned();
        app.post(&format!("/api/v1/notices/{cancelled}/revisions"), &app.operator, json!({"action": "cancel"})).await;

        let alerts = cap(&app).await;
        assert_eq!(alerts.len(), 3 + 1 + 2, "{alerts:?}");
        assert!(alerts.iter().all(|a| !a["identifier"].as_str().unwrap().starts_with(&old)), "ended > 24 h ago");
        let start = by_id(&alerts, &fault, 1);
        assert_eq!(start["msgType"], "Alert");
        assert_eq!(start["sent"], "2026-11-23T11:00:00+02:00");
        let langs: Vec<&str> = start["infos"].as_array().unwrap().iter().map(|i| i["language"].as_str().unwrap()).collect();
        assert_eq!(langs, ["fi-FI", "sv-FI", "en-GB"]);
        assert_eq!((start["infos"][0]["urgency"].clone(), start["infos"][0]["severity"].clone(), start["infos"][0]["category"].clone()),
            (json!("Immediate"), json!("Severe"), json!("Infra")));
        assert_eq!(start["infos"][1]["instruction"], "Apotek: Använd reservrutinen.", "the audience by its name in the info's language");
        let update = by_id(&alerts, &fault, 2);
        assert_eq!(update["msgType"], "Update");
        assert!(update["references"].as_str().unwrap().contains(&format!(",{fault}.1,2026-11-23T11:00:00+02:00")));
        let end = by_id(&alerts, &fault, 3);
        assert_eq!((end["msgType"].clone(), end["infos"][0]["responseType"].clone(), end["infos"][0]["urgency"].clone()),
            (json!("Update"), json!("AllClear"), json!("Past")));
        assert_eq!(end["references"].as_str().unwrap().split(' ').count(), 2);
        let announced = by_id(&alerts, &planned, 1);
        assert_eq!((announced["msgType"].clone(), announced["infos"][0]["urgency"].clone()), (json!("Alert"), json!("Future")));
        assert_eq!(announced["infos"][0]["headline"], "Huoltotiedote: OmaKannan huolto & <päivitys>", "escaped and read back");
        assert_eq!(by_id(&alerts, &cancelled, 2)["msgType"], "Cancel");
    }
}
