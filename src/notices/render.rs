//! A revision as one recipient reads it: email subject, plain text and HTML, or SMS text.

use super::content::Texts;
use super::labels::{self, Field};
use super::notice::Revision;
use crate::registry::{Audience, Catalogue, Language, NoticeKind};

/// The links an email carries.
#[derive(Clone, Copy, Debug)]
pub struct EmailLinks<'a> {
    /// The notice on the public page.
    pub notice: &'a str,
    /// Where the organisation manages its recipients (the portal's sign-in).
    pub manage: &'a str,
    /// "Received and passed on", signed for this delivery (critical faults, instructions).
    pub acknowledge: Option<&'a str>,
}

/// An email ready for the transport.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The message lines (label, value) shown under the title.
fn facts(rev: &Revision, lang: Language, catalogue: &Catalogue) -> Vec<(&'static str, String)> {
    let d = &rev.draft;
    let service_names: Vec<String> = d
        .services
        .iter()
        .map(|s| catalogue.name(s.as_str(), lang))
        .collect();
    let mut out = Vec::new();
    if let Some(i) = &d.issuer {
        out.push((super::issued_by(lang), i.name(lang).to_owned()));
    }
    out.push((
        labels::field(lang, Field::Services),
        service_names.join(", "),
    ));
    out.extend(super::impact_facts(d, lang, catalogue));
    out.push((
        labels::field(lang, Field::State),
        labels::state(lang, d.state).to_owned(),
    ));
    if d.kind == NoticeKind::Fault {
        out.push((
            labels::field(lang, Field::Severity),
            labels::severity(lang, d.severity).to_owned(),
        ));
    }
    let times = [
        (Field::WindowStart, d.window_start),
        (Field::WindowEnd, d.window_end),
        (
            Field::Started,
            if d.kind.is_planned() {
                None
            } else {
                d.started_at
            },
        ),
        (Field::EstimatedEnd, d.estimated_end_at),
        (
            Field::NextUpdate,
            if d.state.is_final() {
                None
            } else {
                d.next_update_at
            },
        ),
        (Field::Ended, d.ended_at),
    ];
    for (f, t) in times {
        if let Some(t) = t {
            out.push((labels::field(lang, f), labels::time(lang, t)));
            if f == Field::WindowEnd {
                out.extend(
                    phases(d, lang)
                        .into_iter()
                        .map(|p| (labels::field(lang, Field::Phase), p)),
                );
            }
        }
    }
    out
}

/// One line per phase of a maintenance window: its times and label.
pub fn phases(d: &super::NoticeDraft, lang: Language) -> Vec<String> {
    d.sub_windows
        .iter()
        .map(|w| {
            let (label, _) = if w.label.is_empty() {
                ("", lang)
            } else {
                Texts::pick(&w.label, lang)
            };
            format!(
                "{} – {}{}{}",
                labels::time(lang, w.start),
                labels::time(lang, w.end),
                if label.is_empty() { "" } else { ": " },
                label
            )
        })
        .collect()
}

/// The subject: kind, what changed, and the title.
pub fn subject(rev: &Revision, lang: Language) -> String {
    let title = Texts::pick(&rev.draft.texts.title, lang).0;
    let kind = labels::kind(lang, rev.draft.kind);
    let subject = match labels::action(lang, rev.action) {
        Some(a) => format!("{kind} ({a}): {title}"),
        None => format!("{kind}: {title}"),
    };
    if rev.draft.status.is_actual() {
        subject
    } else {
        format!("{}: {subject}", super::EXERCISE_MARK)
    }
}

/// What an email says, in the order both its forms show it.
struct EmailParts<'a> {
    lang: Language,
    title: &'a str,
    body: &'a str,
    /// Why the text is not in the reader's language, or that the notice is short.
    note: Option<&'a str>,
    /// The reader's audience's instructions.
    instructions: Option<&'a str>,
    facts: Vec<(&'static str, String)>,
    links: EmailLinks<'a>,
}

/// The plain-text form of an email.
fn plain_email(p: &EmailParts) -> String {
    let mut text = String::new();
    if let Some(note) = p.note {
        text.push_str(note);
        text.push_str("\n\n");
    }
    text.push_str(p.title);
    text.push_str("\n\n");
    for (label, value) in &p.facts {
        text.push_str(&format!("{label}: {value}\n"));
    }
    text.push('\n');
    text.push_str(p.body);
    text.push('\n');
    if let Some(i) = p.instructions {
        text.push_str(&format!(
            "\n{}:\n{i}\n",
            labels::field(p.lang, Field::Instructions)
        ));
    }
    if let Some(ack) = p.links.acknowledge {
        text.push_str(&format!(
            "\n{}:\n{ack}\n",
            labels::field(p.lang, Field::Acknowledge)
        ));
    }
    text.push_str(&format!(
        "\n{}: {}\n\n-- \n{}\n{}: {}\n",
        labels::field(p.lang, Field::MoreInformation),
        p.links.notice,
        labels::field(p.lang, Field::Footer),
        labels::field(p.lang, Field::ManageRecipients),
        p.links.manage,
    ));
    text
}

/// The HTML form of an email.
fn html_email(p: &EmailParts) -> String {
    let paragraphs = |s: &str| {
        s.split("\n\n")
            .map(|para| format!("<p>{}</p>", escape_html(para).replace('\n', "<br>")))
            .collect::<String>()
    };
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>",
        p.lang.code(),
        escape_html(p.title)
    );
    if let Some(note) = p.note {
        html.push_str(&format!(
            "<p><em>{}</em></p>",
            escape_html(note).replace('\n', "<br>")
        ));
    }
    html.push_str(&format!("<h1>{}</h1><table>", escape_html(p.title)));
    for (label, value) in &p.facts {
        html.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            escape_html(label),
            escape_html(value)
        ));
    }
    html.push_str("</table>");
    html.push_str(&paragraphs(p.body));
    if let Some(i) = p.instructions {
        html.push_str(&format!(
            "<h2>{}</h2>{}",
            escape_html(labels::field(p.lang, Field::Instructions)),
            paragraphs(i)
        ));
    }
    if let Some(ack) = p.links.acknowledge {
        html.push_str(&format!(
            // On a line of its own: the link is the one thing that differs per recipient.
            "\n<p><strong><a href=\"{}\">{}</a></strong></p>\n",
            escape_html(ack),
            escape_html(labels::field(p.lang, Field::Acknowledge))
        ));
    }
    html.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p><hr><p><small>{} <a href=\"{}\">{}</a></small></p></body></html>",
        escape_html(p.links.notice),
        escape_html(labels::field(p.lang, Field::MoreInformation)),
        escape_html(labels::field(p.lang, Field::Footer)),
        escape_html(p.links.manage),
        escape_html(labels::field(p.lang, Field::ManageRecipients)),
    ));
    html
}

/// The email for a recipient reading `lang` in an organisation of `audience`.
pub fn render_email(
    rev: &Revision,
    lang: Language,
    audience: Option<Audience>,
    catalogue: &Catalogue,
    links: EmailLinks,
    short_notice: bool,
) -> RenderedEmail {
    let texts = &rev.draft.texts;
    let (title, title_lang) = Texts::pick(&texts.title, lang);
    let (body, _) = Texts::pick(&texts.body, lang);
    let notes: Vec<&str> = [
        (!rev.draft.status.is_actual()).then(|| labels::field(lang, Field::Exercise)),
        (title_lang != lang).then(|| labels::field(lang, Field::FinnishOnly)),
        short_notice.then(|| labels::field(lang, Field::ShortNotice)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let fallback_note = (!notes.is_empty()).then(|| notes.join("\n"));
    let instructions = audience
        .and_then(|a| texts.instructions.get(&a))
        .map(|m| Texts::pick(m, lang).0.to_owned())
        .filter(|s| !s.is_empty());
    let parts = EmailParts {
        lang,
        title,
        body,
        note: fallback_note.as_deref(),
        instructions: instructions.as_deref(),
        facts: facts(rev, lang, catalogue),
        links,
    };
    RenderedEmail {
        subject: subject(rev, lang),
        text: plain_email(&parts),
        html: html_email(&parts),
    }
}

/// The SMS for a recipient reading `lang` (validated to fit when published).
pub fn render_sms(rev: &Revision, lang: Language, link: &str) -> String {
    match rev
        .draft
        .texts
        .sms_text(lang, rev.draft.issuer.as_ref(), rev.draft.status, link)
    {
        Ok(t) => t.as_str().to_owned(),
        // Cannot happen for a published revision; fall back to the Finnish SMS.
        Err(_) => rev
            .draft
            .texts
            .sms_text(
                Language::Fi,
                rev.draft.issuer.as_ref(),
                rev.draft.status,
                link,
            )
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
    }
}
