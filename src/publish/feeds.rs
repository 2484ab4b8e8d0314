//! RSS 2.0 and Atom feeds (domain §7): one item per revision, newest first; guid
//! `{notice-id}/{revision}` (not a permalink); a category per service code and the kind;
//! dates with a numeric offset; `ttl` 5; a self link. Text is plain text, never HTML: the
//! writers escape it.

use crate::calendar::HELSINKI;
use crate::notices::{Revision, Texts, escape_html, local_time, phases, subject};
use crate::registry::{Catalogue, Language};
use std::collections::BTreeMap;

/// Feed readers poll; five minutes between looks (`ttl`).
const TTL_MINUTES: &str = "5";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// What a feed shows and where it lives.
pub struct FeedSpec<'a> {
    pub lang: Language,
    /// The public base URL, without a trailing slash.
    pub base_url: &'a str,
    /// This feed's own URL (path and query), for the self link.
    pub self_path: &'a str,
}

fn feed_title(lang: Language) -> &'static str {
    match lang {
        Language::Fi => "Häiriö- ja huoltotiedotteet",
        Language::Sv => "Störnings- och underhållsmeddelanden",
        Language::En => "Fault and maintenance notices",
    }
}

/// The plain-text description of a revision: body, then state, times and phases.
fn description(rev: &Revision, lang: Language, catalogue: &Catalogue) -> String {
    let d = &rev.draft;
    let (body, _) = Texts::pick(&d.texts.body, lang);
    let services: Vec<String> = d
        .services
        .iter()
        .map(|s| catalogue.name(s.as_str(), lang))
        .collect();
    let mut text = match &d.issuer {
        Some(i) => format!("{}: {}\n\n", crate::notices::issued_by(lang), i.name(lang)),
        None => String::new(),
    };
    text.push_str(&format!("{body}\n\n{}", services.join(", ")));
    for (label, value) in crate::notices::impact_facts(d, lang, catalogue) {
        text.push_str(&format!("\n{label}: {value}"));
    }
    if !d.state.is_final() {
        let outlook = [
            (
                ["Arvioitu päättyminen", "Beräknat slut", "Estimated end"],
                d.estimated_end_at,
            ),
            (
                [
                    "Seuraava päivitys viimeistään",
                    "Nästa uppdatering senast",
                    "Next update by",
                ],
                d.next_update_at,
            ),
        ];
        for (label, at) in outlook {
            if let Some(at) = at {
                let label = match lang {
                    Language::Fi => label[0],
                    Language::Sv => label[1],
                    Language::En => label[2],
                };
                text.push_str(&format!("\n{label}: {}", local_time(lang, at)));
            }
        }
    }
    for (start, end) in [
        (d.window_start, d.window_end),
        (
            d.started_at.filter(|_| d.window_start.is_none()),
            d.ended_at,
        ),
    ] {
        match (start, end) {
            (Some(s), Some(e)) => text.push_str(&format!(
                "\n{} – {}",
                local_time(lang, s),
                local_time(lang, e)
            )),
            (Some(s), None) => text.push_str(&format!("\n{} –", local_time(lang, s))),
            _ => {}
        }
    }
    for p in phases(d, lang) {
        text.push('\n');
        text.push_str(&p);
    }
    text
}

fn link(spec: &FeedSpec, rev: &Revision) -> String {
    format!("{}/notices/{}", spec.base_url, rev.notice_id)
}

fn categories(rev: &Revision) -> Vec<String> {
    let mut c: Vec<String> = rev
        .draft
        .services
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    c.push(rev.draft.kind.code().to_owned());
    c
}

/// RSS 2.0 of `revisions` (newest first).
pub fn rss(revisions: &[Revision], spec: &FeedSpec, catalogue: &Catalogue) -> String {
    let items: Vec<rss::Item> = revisions
        .iter()
        .map(|rev| rss::Item {
            title: Some(escape_html(&subject(rev, spec.lang))),
            link: Some(link(spec, rev)),
            // Feed readers take an RSS title and description as HTML: escaped once more,
            // the plain text shows as written and can never become markup.
            description: Some(escape_html(&description(rev, spec.lang, catalogue))),
            guid: Some(rss::Guid {
                value: format!("{}/{}", rev.notice_id, rev.number),
                permalink: false,
            }),
            categories: categories(rev)
                .into_iter()
                .map(|name| rss::Category { name, domain: None })
                .collect(),
            pub_date: Some(rev.published_at.with_timezone(&HELSINKI).to_rfc2822()),
            ..Default::default()
        })
        .collect();
    let self_link = rss::extension::Extension {
        name: "atom:link".into(),
        value: None,
        attrs: BTreeMap::from([
            (
                "href".into(),
                format!("{}{}", spec.base_url, spec.self_path),
            ),
            ("rel".into(), "self".into()),
            ("type".into(), "application/rss+xml".into()),
        ]),
        children: BTreeMap::new(),
    };
    let channel = rss::Channel {
        title: feed_title(spec.lang).into(),
        link: format!("{}/?lang={}", spec.base_url, spec.lang.code()),
        description: feed_title(spec.lang).into(),
        language: Some(spec.lang.code().into()),
        ttl: Some(TTL_MINUTES.into()),
        last_build_date: revisions
            .first()
            .map(|r| r.published_at.with_timezone(&HELSINKI).to_rfc2822()),
        generator: Some("faultcast".into()),
        items,
        namespaces: BTreeMap::from([("atom".into(), ATOM_NS.into())]),
        extensions: BTreeMap::from([(
            "atom".into(),
            BTreeMap::from([("link".into(), vec![self_link])]),
        )]),
        ..Default::default()
    };
    channel.to_string()
}

/// Atom of `revisions` (newest first).
pub fn atom(revisions: &[Revision], spec: &FeedSpec, catalogue: &Catalogue) -> String {
    use atom_syndication::{Category, Content, Entry, Feed, Link, Person, Text};
    let fixed = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&HELSINKI).fixed_offset();
    let entries: Vec<Entry> = revisions
        .iter()
        .map(|rev| Entry {
            title: Text::plain(subject(rev, spec.lang)),
            id: format!("{}#revision-{}", link(spec, rev), rev.number),
            updated: fixed(rev.published_at),
            published: Some(fixed(rev.published_at)),
            links: vec![Link {
                href: link(spec, rev),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            }],
            categories: categories(rev)
                .into_iter()
                .map(|term| Category {
                    term,
                    ..Default::default()
                })
                .collect(),
            // An instruction's author is the authority that issued it.
            authors: rev
                .draft
                .issuer
                .iter()
                .map(|i| Person {
                    name: i.name(spec.lang).to_owned(),
                    ..Default::default()
                })
                .collect(),
            content: Some(Content {
                value: Some(description(rev, spec.lang, catalogue)),
                content_type: Some("text".into()),
                lang: Some(spec.lang.code().into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let mut feed = Feed {
        title: Text::plain(feed_title(spec.lang)),
        id: format!("{}{}", spec.base_url, spec.self_path),
        updated: revisions
            .first()
            .map(|r| fixed(r.published_at))
            .unwrap_or_else(|| fixed(chrono::DateTime::UNIX_EPOCH)),
        authors: vec![Person {
            name: "faultcast".into(),
            ..Default::default()
        }],
        links: vec![
            Link {
                href: format!("{}{}", spec.base_url, spec.self_path),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Default::default()
            },
            Link {
                href: format!("{}/?lang={}", spec.base_url, spec.lang.code()),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            },
        ],
        entries,
        ..Default::default()
    };
    feed.set_lang(Some(spec.lang.code().to_owned()));
    feed.to_string()
}
