//! S6 of delivery.md: 200 XSS and encoding payloads as notice titles and bodies, read back
//! from every output — the status page, a notice page, RSS, Atom, CAP, iCalendar and
//! email — by independent parsers: 0 executable markup, every feed well-formed, the text
//! coming back exactly as written.

use crate::support::TestApp;
use crate::support::parsers::{python, python_has};
use serde_json::{Value, json};

pub(crate) const BASE: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=javascript:alert(1)>",
    "<body onload=alert(1)>",
    "<style>*{background:url(javascript:alert(1))}</style>",
    "]]><script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<base href=javascript:alert(1)//>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<template><script>alert(1)</script></template>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "\u{202e}gnp.exe ä ö å € ✓ 🚑 𝔘",
    "BEGIN:VEVENT SUMMARY:injected END:VEVENT",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
    "\"; alert(1); //",
    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><msgType>Cancel</msgType></alert>",
    "</title><entry><title>fake</title></entry>",
    "</description><item><title>fake</title></item>",
    "a\\;b,c\\nd;e",
    "=?utf-8?b?PHNjcmlwdD4=?=",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "\"onmouseover=\"alert(1)",
];

/// 200 payloads: each base one as is, wrapped in text, upper-cased, doubled, and with a
/// line break (bodies keep it; titles get a space).
fn corpus() -> Vec<String> {
    BASE.iter()
        .flat_map(|p| {
            [
                (*p).to_owned(),
                format!("Huolto {p} klo 20"),
                p.to_uppercase(),
                format!("{p}{p}"),
                format!("{p}\nrivi 2 {p}"),
            ]
        })
        .collect()
}

fn title(p: &str) -> String {
    p.replace('\n', " ").chars().take(160).collect()
}

/// Checks HTML documents (a JSON list on stdin) for markup that could run: a forbidden
/// element, an event-handler attribute or a `javascript:` URL.
const HTML_CHECK: &str = r#"
import sys, json, lxml.html
bad = []
FORBIDDEN = {'script', 'img', 'svg', 'iframe', 'object', 'embed', 'style', 'base', 'form', 'input', 'button',
             'math', 'details', 'template', 'textarea', 'x', 'entry', 'item', 'alert', 'mtext', 'mglyph'}
for i, doc in enumerate(json.load(sys.stdin)):
    root = lxml.html.document_fromstring(doc)
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ''
        if tag.lower() in FORBIDDEN:
            bad.append([i, 'element', tag])
        if tag == 'meta' and el.get('http-equiv'):
            bad.append([i, 'meta', el.get('http-equiv')])
        for name, value in el.attrib.items():
            if name.lower().startswith('on') or value.strip().lower().startswith('javascript:'):
                bad.append([i, 'attribute', name + '=' + value])
print(json.dumps(bad))
"#;

/// Parses the feeds and the calendar and prints every title/summary they carry.
const FEEDS_CHECK: &str = r#"
import sys, json, html, feedparser, icalendar
from lxml import etree
docs = json.load(sys.stdin)
out = {}
for name in ['rss', 'atom', 'cap']:
    etree.fromstring(docs[name].encode())   # well-formed XML, or this raises
for name in ['rss', 'atom']:
    f = feedparser.parse(docs[name].encode())
    assert not f.bozo, (name, f.bozo_exception)
    # RSS text is HTML to readers (escaped once more by us); Atom says type="text".
    out[name] = [html.unescape(e.title) if name == 'rss' else e.title for e in f.entries]
cap = etree.fromstring(docs['cap'].encode())
C = '{urn:oasis:names:tc:emergency:cap:1.2}'
out['cap'] = [i.findtext(C + 'headline') for i in cap.iter(C + 'info')]
cal = icalendar.Calendar.from_ical(docs['ics'])
out['ics'] = [str(e.get('summary')) for e in cal.walk('VEVENT')]
print(json.dumps(out))
"#;

/// The HTML part of a raw email, decoded.
fn html_part(raw: &str) -> String {
    let text = crate::support::inspect::readable(raw);
    let start = text.find("<!DOCTYPE html>").expect("an HTML part");
    let end = text[start..]
        .find("</html>")
        .map(|e| start + e + 7)
        .unwrap_or(text.len());
    text[start..end].to_owned()
}

#[tokio::test]
async fn two_hundred_hostile_texts_never_become_markup_in_any_output() {
    if !(python_has("lxml") && python_has("feedparser") && python_has("icalendar")) {
        return;
    }
    let app = crate::support::spawn_app(crate::support::Backend::Sqlite)
        .await
        .unwrap();
    let org = app.pharmacy().await;
    crate::notices::contact(&app, &org, Some("fi@a.example"), None, "fi", json!({})).await;
    let payloads = corpus();
    assert_eq!(payloads.len(), 200);
    let mut titles = Vec::new();
    let mut ids = Vec::new();
    for chunk in payloads.chunks(4) {
        let body = json!({"kind": "fault", "severity": "minor", "services": ["prescription-centre"],
            "title": {"fi": title(&chunk[0]), "sv": title(&chunk[1])},
            "body": {"fi": chunk[2], "sv": chunk[3]}, "sms": {"fi": "Häiriö", "sv": "Störning"}});
        let a = app.post("/api/v1/notices", &app.operator, body).await;
        assert_eq!(a.status, 202, "{}", a.text);
        ids.push(a.body["id"].as_str().unwrap().to_owned());
        titles.push((title(&chunk[0]), title(&chunk[1])));
    }
    app.drain().await;
    let get = |path: String| {
        let url = app.url(&path);
        async move { reqwest::get(url).await.unwrap() }
    };
    let mut html = Vec::new();
    for lang in ["fi", "sv"] {
        let page = get(format!("/?lang={lang}")).await;
        assert!(
            page.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .starts_with("default-src 'none'")
        );
        html.push(page.text().await.unwrap());
    }
    for id in ids.iter().take(10) {
        html.push(
            get(format!("/notices/{id}?lang=sv"))
                .await
                .text()
                .await
                .unwrap(),
        );
    }
    html.extend(app.emails().iter().map(|m| html_part(m)));
    assert_eq!(html.len(), 2 + 10 + 50);
    let docs = serde_json::to_string(&html).unwrap();
    let bad = tokio::task::spawn_blocking(move || python(HTML_CHECK, &docs))
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&bad).unwrap(),
        json!([]),
        "executable markup"
    );

    let feeds = json!({
        "rss": get("/feed.rss?lang=fi".into()).await.text().await.unwrap(),
        "atom": get("/feed.atom?lang=sv".into()).await.text().await.unwrap(),
        "cap": get("/cap.xml".into()).await.text().await.unwrap(),
        "ics": get("/maintenance.ics".into()).await.text().await.unwrap(),
    })
    .to_string();
    let out = tokio::task::spawn_blocking(move || python(FEEDS_CHECK, &feeds))
        .await
        .unwrap();
    let seen: Value = serde_json::from_str(&out).unwrap();
    let rss: Vec<&str> = seen["rss"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let atom: Vec<&str> = seen["atom"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let cap: Vec<&str> = seen["cap"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(rss.len(), 50);
    for (fi, sv) in &titles {
        assert!(
            rss.iter().any(|t| t.ends_with(fi.as_str())),
            "RSS lost {fi:?}"
        );
        assert!(
            atom.iter().any(|t| t.ends_with(sv.as_str())),
            "Atom lost {sv:?}"
        );
        assert!(
            cap.iter().any(|t| t.ends_with(fi.as_str())),
            "CAP lost {fi:?}"
        );
    }
}

#[tokio::test]
async fn hostile_maintenance_titles_come_back_whole_from_the_calendar() {
    if !python_has("icalendar") {
        return;
    }
    let app: TestApp = crate::support::spawn_app(crate::support::Backend::Sqlite)
        .await
        .unwrap();
    let mut want = Vec::new();
    for p in corpus().iter().step_by(5).take(20) {
        let t = title(p);
        let a = app
            .post(
                "/api/v1/notices",
                &app.operator,
                json!({"kind": "maintenance", "services": ["kelain"],
            "title": {"fi": t, "sv": "x"}, "body": {"fi": p, "sv": "y"},
            "window_start": "2036-12-15T18:00:00Z", "window_end": "2036-12-15T20:00:00Z"}),
            )
            .await;
        assert_eq!(a.status, 202, "{}", a.text);
        want.push(t);
    }
    let ics = reqwest::get(app.url("/maintenance.ics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let script = "import sys, json, icalendar\nprint(json.dumps([str(e.get('summary')) for e in icalendar.Calendar.from_ical(sys.stdin.read()).walk('VEVENT')]))";
    let out = tokio::task::spawn_blocking(move || python(script, &ics))
        .await
        .unwrap();
    let mut got: Vec<String> = serde_json::from_str(&out).unwrap();
    got.sort();
    want.sort();
    assert_eq!(got, want, "every SUMMARY exactly as written");
}
