//! The maintenance calendar (RFC 5545, domain §7): one VEVENT per maintenance notice, UID
//! stable per notice, times in UTC, SEQUENCE = revision, cancelled events kept as
//! STATUS:CANCELLED so that subscribed calendars remove them.

use crate::notices::{NoticeState, Revision, Texts};
use crate::registry::{Catalogue, Language};
use chrono::{DateTime, Utc};

/// RFC 5545 §3.1: lines longer than 75 octets are folded.
const FOLD_AT: usize = 75;

fn calendar_name(lang: Language) -> &'static str {
    match lang {
        Language::Fi => "Huoltokatkot",
        Language::Sv => "Underhållsavbrott",
        Language::En => "Maintenance breaks",
    }
}

fn cancelled(lang: Language) -> &'static str {
    match lang {
        Language::Fi => "Peruttu",
        Language::Sv => "Inställt",
        Language::En => "Cancelled",
    }
}

/// A TEXT value (§3.3.11): backslash, semicolon, comma and newlines escaped, other
/// control characters dropped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Appends one content line, folded at 75 octets without splitting a character.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > FOLD_AT {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// The `VEVENT` of one maintenance notice (none without a window).
fn event(
    out: &mut String,
    rev: &Revision,
    lang: Language,
    catalogue: &Catalogue,
    base_url: &str,
    host: &str,
) {
    let d = &rev.draft;
    let (Some(start), Some(end)) = (d.window_start, d.window_end) else {
        return;
    };
    let link = format!("{base_url}/notices/{}", rev.notice_id);
    let (title, _) = Texts::pick(&d.texts.title, lang);
    let (body, _) = Texts::pick(&d.texts.body, lang);
    let is_cancelled = d.state == NoticeState::Cancelled;
    let summary = if is_cancelled {
        format!("{}: {title}", cancelled(lang))
    } else {
        title.to_owned()
    };
    let services: Vec<String> = d
        .services
        .iter()
        .map(|s| catalogue.name(s.as_str(), lang))
        .collect();
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:{}@{host}", rev.notice_id));
    line(out, &format!("DTSTAMP:{}", utc(rev.published_at)));
    line(out, &format!("LAST-MODIFIED:{}", utc(rev.published_at)));
    line(out, &format!("SEQUENCE:{}", rev.number));
    line(out, &format!("DTSTART:{}", utc(start)));
    line(out, &format!("DTEND:{}", utc(end)));
    line(out, &format!("SUMMARY:{}", text(&summary)));
    line(
        out,
        &format!(
            "DESCRIPTION:{}",
            text(&format!(
                "{body}\n\n{phases}{}\n{link}",
                services.join(", "),
                phases = crate::notices::phases(d, lang)
                    .iter()
                    .map(|p| format!("{p}\n"))
                    .collect::<String>()
            ))
        ),
    );
    line(
        out,
        &format!(
            "CATEGORIES:{}",
            services
                .iter()
                .map(|s| text(s))
                .collect::<Vec<_>>()
                .join(",")
        ),
    );
    line(out, &format!("URL:{}", text(&link)));
    line(
        out,
        if is_cancelled {
            "STATUS:CANCELLED"
        } else {
            "STATUS:CONFIRMED"
        },
    );
    line(out, "TRANSP:TRANSPARENT");
    line(out, "END:VEVENT");
}

/// The calendar of `notices` (current revisions of maintenance notices) in `lang`.
/// `base_url` is the public URL; its host names the UIDs.
pub fn maintenance_calendar(
    notices: &[Revision],
    lang: Language,
    catalogue: &Catalogue,
    base_url: &str,
) -> String {
    let host = url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "faultcast".to_owned());
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//faultcast//maintenance calendar//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(
        &mut out,
        &format!("X-WR-CALNAME:{}", text(calendar_name(lang))),
    );
    for rev in notices {
        event(&mut out, rev, lang, catalogue, base_url, &host);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_escape_what_rfc_5545_reserves() {
        assert_eq!(text("a;b,c\\d\ne\rf"), "a\\;b\\,c\\\\d\\nef");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        let content = format!("SUMMARY:{}", "ä".repeat(60));
        line(&mut out, &content);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= FOLD_AT, "{} octets: {l}", l.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, content);
    }
}
