//! CAP 1.2 (domain §7): an Atom feed with one entry per CAP message — one per revision —
//! of active notices and of those ended in the last 24 hours, the `<alert>` inline.
//! Publication = Alert (maintenance: urgency Future); an update = Update referencing the
//! earlier messages; an end = Update with responseType AllClear, urgency Past; a
//! retraction or cancelled maintenance = Cancel. One `<info>` per language, category
//! Infra, times with a numeric offset.

use crate::calendar::HELSINKI;
use crate::notices::{Action, Revision, Severity, Texts, subject};
use crate::registry::{Catalogue, Language, NoticeKind};
use chrono::{DateTime, Utc};
use quick_xml::escape::escape;

const CAP_NS: &str = "urn:oasis:names:tc:emergency:cap:1.2";

/// CAP's dateTime: seconds and a numeric offset, never `Z`.
fn cap_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&HELSINKI)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn element(out: &mut String, name: &str, value: &str) {
    out.push_str(&format!("<{name}>{}</{name}>", escape(value)));
}

/// Where the messages come from, for `sender` and the identifiers.
pub struct CapSource<'a> {
    pub base_url: &'a str,
    pub host: &'a str,
}

impl CapSource<'_> {
    fn sender(&self) -> String {
        format!("faultcast@{}", self.host)
    }

    fn identifier(&self, rev: &Revision) -> String {
        format!("{}.{}", rev.notice_id, rev.number)
    }
}

/// How CAP grades a revision, the same in every language.
struct Grades {
    ended: bool,
    urgency: &'static str,
    severity: &'static str,
    certainty: &'static str,
    onset: Option<DateTime<Utc>>,
    expires: Option<DateTime<Utc>>,
}

impl Grades {
    fn of(rev: &Revision) -> Self {
        let d = &rev.draft;
        let ended = rev.action == Action::End;
        let urgency = match (ended, d.kind, d.window_start) {
            (true, _, _) => "Past",
            (false, k, Some(ws)) if k.is_planned() && ws > rev.published_at => "Future",
            _ => "Immediate",
        };
        let severity = match d.severity {
            Severity::Minor => "Minor",
            Severity::Major => "Moderate",
            Severity::Critical => "Severe",
        };
        let certainty = match d.kind {
            NoticeKind::Maintenance | NoticeKind::Change if !ended => "Likely",
            _ => "Observed",
        };
        let (onset, expires) = match d.kind {
            NoticeKind::Maintenance | NoticeKind::Change => (d.window_start, d.window_end),
            _ => (d.started_at, d.ended_at.or(d.estimated_end_at)),
        };
        Self {
            ended,
            urgency,
            severity,
            certainty,
            onset,
            expires,
        }
    }
}

/// One `<info>` of an alert: `lang` with its CAP language code and area name.
fn info(
    out: &mut String,
    rev: &Revision,
    (lang, code, area): (Language, &str, &str),
    g: &Grades,
    link: &str,
    catalogue: &Catalogue,
) {
    let d = &rev.draft;
    out.push_str("<info>");
    element(out, "language", code);
    element(out, "category", "Infra");
    element(out, "event", crate::notices::kind_label(lang, d.kind));
    element(out, "responseType", response_type(rev, g));
    element(out, "urgency", g.urgency);
    element(out, "severity", g.severity);
    element(out, "certainty", g.certainty);
    if let Some(t) = g.onset {
        element(out, "onset", &cap_time(t));
    }
    if let Some(t) = g.expires {
        element(out, "expires", &cap_time(t));
    }
    // An instruction is sent in the name of the authority that issued it.
    match &d.issuer {
        Some(i) => element(out, "senderName", i.name(lang)),
        None => element(out, "senderName", "faultcast"),
    }
    element(out, "headline", &subject(rev, lang));
    let (body, _) = Texts::pick(&d.texts.body, lang);
    element(out, "description", body);
    let instructions: Vec<String> = d
        .texts
        .instructions
        .iter()
        .map(|(aud, m)| {
            let name = crate::notices::audience_label(lang, *aud);
            format!("{name}: {}", Texts::pick(m, lang).0)
        })
        .collect();
    if !instructions.is_empty() {
        element(out, "instruction", &instructions.join("\n"));
    }
    element(out, "web", link);
    for s in &d.services {
        out.push_str("<parameter>");
        element(out, "valueName", "service");
        element(
            out,
            "value",
            &format!("{} ({})", catalogue.name(s.as_str(), lang), s.as_str()),
        );
        out.push_str("</parameter>");
    }
    let mut parameters: Vec<(&str, String)> = Vec::new();
    if let Some(i) = &d.issuer {
        parameters.push(("issuer", i.as_str().to_owned()));
    }
    if let Some(b) = d.prevents_use() {
        parameters.push(("usage_break", b.to_string()));
    }
    for (s, i) in &d.impact {
        parameters.push(("impact", format!("{}={}", s.as_str(), i.code())));
    }
    for (s, dep) in catalogue.affected_through(&d.services) {
        parameters.push((
            "affected_through",
            format!("{}<{}", s.code.as_str(), dep.service.as_str()),
        ));
    }
    if !d.state.is_final() {
        if let Some(t) = d.estimated_end_at {
            parameters.push(("estimated_end", cap_time(t)));
        }
        if let Some(t) = d.next_update_at {
            parameters.push(("next_update", cap_time(t)));
        }
    }
    for (name, value) in parameters {
        out.push_str("<parameter>");
        element(out, "valueName", name);
        element(out, "value", &value);
        out.push_str("</parameter>");
    }
    out.push_str("<area>");
    element(out, "areaDesc", area);
    out.push_str("</area></info>");
}

/// What recipients should do: all clear once it is over; prepare for maintenance; follow
/// the standing procedures (`Execute`) for an instruction or a fault that prevents use or
/// comes with instructions; otherwise keep an eye on it.
fn response_type(rev: &Revision, g: &Grades) -> &'static str {
    let d = &rev.draft;
    if g.ended {
        return "AllClear";
    }
    match d.kind {
        NoticeKind::Maintenance => "Prepare",
        NoticeKind::Change => "Monitor",
        NoticeKind::Instruction => "Execute",
        NoticeKind::Fault if d.prevents_use() == Some(true) || !d.texts.instructions.is_empty() => {
            "Execute"
        }
        NoticeKind::Fault => "Monitor",
    }
}

/// The `<alert>` of one revision; `earlier` are the notice's earlier revisions.
pub fn alert(
    rev: &Revision,
    earlier: &[&Revision],
    src: &CapSource,
    catalogue: &Catalogue,
) -> String {
    let d = &rev.draft;
    let msg_type = match rev.action {
        Action::Publish => "Alert",
        Action::Cancel => "Cancel",
        _ => "Update",
    };
    let mut out = format!("<alert xmlns=\"{CAP_NS}\">");
    element(&mut out, "identifier", &src.identifier(rev));
    element(&mut out, "sender", &src.sender());
    element(&mut out, "sent", &cap_time(rev.published_at));
    let status = if d.status.is_actual() {
        "Actual"
    } else {
        "Exercise"
    };
    element(&mut out, "status", status);
    element(&mut out, "msgType", msg_type);
    element(&mut out, "scope", "Public");
    if rev.action != Action::Publish && !earlier.is_empty() {
        let refs: Vec<String> = earlier
            .iter()
            .map(|e| {
                format!(
                    "{},{},{}",
                    src.sender(),
                    src.identifier(e),
                    cap_time(e.published_at)
                )
            })
            .collect();
        element(&mut out, "references", &refs.join(" "));
    }
    let g = Grades::of(rev);
    let link = format!("{}/notices/{}", src.base_url, rev.notice_id);
    for (lang, code, area) in [
        (Language::Fi, "fi-FI", "Suomi"),
        (Language::Sv, "sv-FI", "Finland"),
        (Language::En, "en-GB", "Finland"),
    ] {
        if d.texts.title.contains_key(&lang) {
            info(&mut out, rev, (lang, code, area), &g, &link, catalogue);
        }
    }
    out.push_str("</alert>");
    out
}

/// The Atom feed of CAP messages for `revisions` (every revision of each notice shown,
/// newest first).
pub fn cap_feed(
    revisions: &[Revision],
    src: &CapSource,
    catalogue: &Catalogue,
    self_url: &str,
) -> String {
    let updated = revisions
        .first()
        .map(|r| r.published_at)
        .unwrap_or(DateTime::UNIX_EPOCH);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">");
    element(&mut out, "title", "faultcast CAP");
    element(&mut out, "id", self_url);
    element(&mut out, "updated", &updated.to_rfc3339());
    out.push_str(&format!(
        "<link rel=\"self\" href=\"{}\"/><author><name>faultcast</name></author>",
        escape(self_url)
    ));
    for rev in revisions {
        let earlier: Vec<&Revision> = revisions
            .iter()
            .filter(|r| r.notice_id == rev.notice_id && r.number < rev.number)
            .collect();
        let mut earlier = earlier;
        earlier.sort_by_key(|r| r.number);
        out.push_str("<entry>");
        element(
            &mut out,
            "id",
            &format!("urn:cap:{}:{}", src.host, src.identifier(rev)),
        );
        element(&mut out, "title", &subject(rev, Language::Fi));
        element(&mut out, "updated", &rev.published_at.to_rfc3339());
        out.push_str(&format!(
            "<link rel=\"alternate\" href=\"{}\"/>",
            escape(format!("{}/notices/{}", src.base_url, rev.notice_id).as_str())
        ));
        out.push_str("<content type=\"application/cap+xml\">");
        out.push_str(&alert(rev, &earlier, src, catalogue));
        out.push_str("</content></entry>");
    }
    out.push_str("</feed>");
    out
}
