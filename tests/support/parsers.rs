//! Independent parsers of our public outputs: Debian's Python with its packages
//! (`python3-icalendar`, …), which CI installs. Without them a test is skipped here,
//! and fails where the tools are required (`support::tools`).

use std::io::Write;
use std::process::{Command, Stdio};

/// Debian's interpreter, not whatever `python3` a shell finds first.
const PYTHON: &str = "/usr/bin/python3";

/// Whether `module` imports; panics when it does not and the tools are required.
pub fn python_has(module: &str) -> bool {
    let ok = Command::new(PYTHON)
        .args(["-c", &format!("import {module}")])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    super::tools::available(
        &format!("{PYTHON} with the module {module}"),
        ok,
        &format!("apt-get install python3-{module}"),
    )
}

/// Runs `script` with `input` on standard input; returns standard output, or panics with
/// the script's error.
pub fn python(script: &str, input: &str) -> String {
    let mut child = Command::new(PYTHON)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the parser refused it: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Reads a CAP feed (`/cap.xml`) with lxml, checking each alert against the CAP 1.2 schema.
const CAP_INFOS: &str = r#"
import sys, json
from lxml import etree
schema = etree.XMLSchema(etree.parse(XSD))
feed = etree.fromstring(sys.stdin.buffer.read())
A = '{http://www.w3.org/2005/Atom}'
C = '{urn:oasis:names:tc:emergency:cap:1.2}'
out = []
for entry in feed.iter(A + 'entry'):
    alert = entry.find(A + 'content').find(C + 'alert')
    schema.assertValid(etree.ElementTree(alert))
    for i in alert.findall(C + 'info'):
        out.append({'status': alert.findtext(C + 'status'), 'language': i.findtext(C + 'language'),
                    'responseType': i.findtext(C + 'responseType'), 'senderName': i.findtext(C + 'senderName'),
                    'parameters': [[p.findtext(C + 'valueName'), p.findtext(C + 'value')] for p in i.findall(C + 'parameter')]})
print(json.dumps(out))
"#;

/// Every `<info>` of the CAP feed `xml`, newest alert first, each alert valid against the
/// CAP 1.2 schema: `status` (of its alert), `language`, `responseType`, `senderName` and
/// `parameters` as `[name, value]` pairs.
pub async fn cap_infos(xml: String) -> serde_json::Value {
    let xsd = format!(
        "{}/tests/support/cap/CAP-v1.2-schema.xsd",
        env!("CARGO_MANIFEST_DIR")
    );
    let script = CAP_INFOS.replace("XSD", &format!("{xsd:?}"));
    let out = tokio::task::spawn_blocking(move || python(&script, &xml))
        .await
        .unwrap();
    serde_json::from_str(&out).unwrap()
}

/// Reads an RSS or Atom feed with feedparser: each entry's author and summary.
const FEED_ENTRIES: &str = r#"
import sys, json, feedparser
f = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps([{'author': e.get('author'), 'summary': e.get('summary') or e.get('content', [{}])[0].get('value')} for e in f.entries]))
"#;

/// The entries of an RSS or Atom feed as feedparser reads them: `author`, `summary`.
pub async fn feed_entries(xml: String) -> serde_json::Value {
    let out = tokio::task::spawn_blocking(move || python(FEED_ENTRIES, &xml))
        .await
        .unwrap();
    serde_json::from_str(&out).unwrap()
}
