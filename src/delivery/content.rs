//! What an email says, encoded once. A fan-out sends one revision to thousands of
//! recipients in a few languages; rendering, HTML-escaping and quoted-printable encoding
//! each message again cost more than sending it. So a notice's text and HTML parts are
//! encoded once per (revision, language, audience), and only the lines that carry a
//! recipient's own link (an acknowledgement link) are encoded per message.
//!
//! Quoted-printable encodes each line on its own (a hard line break ends every soft-wrapped
//! line), so the parts joined line by line are byte for byte what encoding the whole
//! message would give.

use crate::notices::{NoticeId, RenderedEmail, escape_html};
use crate::registry::{Audience, Language};
use lettre::message::header::ContentTransferEncoding;
use lettre::message::{Body, MultiPart, SinglePart};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Stands for the recipient's own link in a rendered message. Control characters cannot
/// come from a notice's text, and HTML escaping leaves it as it is.
pub const OWN_LINK: &str = "\u{1}own-link\u{1}";

/// Contents kept rendered, at most (a fan-out has a few: languages × audiences).
const CONTENTS_KEPT: usize = 64;

/// The rendered contents of the revisions being sent, one per `K` (for email a revision,
/// language and audience): rendering and encoding a notice once instead of once per
/// recipient.
pub struct SharedContents<K, V>(Mutex<HashMap<K, Arc<V>>>);

/// Which email content: a revision, and the language and audience it is rendered for.
pub type EmailKey = (NoticeId, i32, Language, Audience);

impl<K, V> Default for SharedContents<K, V> {
    fn default() -> Self {
        Self(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash, V> SharedContents<K, V> {
    /// The content for `key`, rendered by `render` the first time.
    pub fn shared(&self, key: K, render: impl FnOnce() -> V) -> Arc<V> {
        if let Some(c) = self.lock().get(&key) {
            return c.clone();
        }
        let content = Arc::new(render());
        let mut kept = self.lock();
        if kept.len() >= CONTENTS_KEPT {
            kept.clear();
        }
        kept.insert(key, content.clone());
        content
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Arc<V>>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A message's subject and its two parts, encoded.
#[derive(Clone, Debug)]
pub struct EmailContent {
    subject: String,
    text: EncodedPart,
    html: EncodedPart,
}

impl EmailContent {
    /// A message whose text may carry `OWN_LINK`, to be filled in per recipient.
    pub fn with_own_link(rendered: RenderedEmail) -> Self {
        Self {
            subject: rendered.subject,
            text: EncodedPart::new(&rendered.text, true),
            html: EncodedPart::new(&rendered.html, true),
        }
    }

    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The multipart body, with `own_link` where the message leaves room for it (as text
    /// in the text part, escaped in the HTML part).
    pub fn body(&self, own_link: Option<&str>) -> MultiPart {
        let link = own_link.unwrap_or_default();
        MultiPart::alternative()
            .singlepart(SinglePart::plain(self.text.body(link)))
            .singlepart(SinglePart::html(self.html.body(&escape_html(link))))
    }
}

impl From<RenderedEmail> for EmailContent {
    /// A message that is the same for everyone it goes to (nothing is filled in).
    fn from(rendered: RenderedEmail) -> Self {
        Self {
            subject: rendered.subject,
            text: EncodedPart::new(&rendered.text, false),
            html: EncodedPart::new(&rendered.html, false),
        }
    }
}

/// One part, quoted-printable, in pieces.
#[derive(Clone, Debug)]
struct EncodedPart(Vec<Piece>);

#[derive(Clone, Debug)]
enum Piece {
    /// Lines encoded already, each ending in CRLF but perhaps the last of the part.
    Encoded(String),
    /// A line that carries `OWN_LINK`, not encoded, and whether a line break follows it.
    OwnLink(String, bool),
}

impl EncodedPart {
    fn new(source: &str, own_link: bool) -> Self {
        let source = source.replace("\r\n", "\n");
        let mut pieces = Vec::new();
        let mut plain = String::new();
        let mut lines = source.split('\n').peekable();
        while let Some(line) = lines.next() {
            let more = lines.peek().is_some();
            if own_link && line.contains(OWN_LINK) {
                if !plain.is_empty() {
                    pieces.push(Piece::Encoded(quoted_printable::encode_to_str(&plain)));
                    plain.clear();
                }
                pieces.push(Piece::OwnLink(line.to_owned(), more));
                continue;
            }
            plain.push_str(line);
            if more {
                plain.push_str("\r\n");
            }
        }
        if !plain.is_empty() {
            pieces.push(Piece::Encoded(quoted_printable::encode_to_str(&plain)));
        }
        Self(pieces)
    }

    fn body(&self, link: &str) -> Body {
        let mut out = String::with_capacity(self.0.iter().map(Piece::len).sum::<usize>() + 128);
        for piece in &self.0 {
            match piece {
                Piece::Encoded(s) => out.push_str(s),
                Piece::OwnLink(line, more) => {
                    out.push_str(&quoted_printable::encode_to_str(
                        line.replace(OWN_LINK, link),
                    ));
                    if *more {
                        out.push_str("\r\n");
                    }
                }
            }
        }
        Body::dangerous_pre_encoded(out.into_bytes(), ContentTransferEncoding::QuotedPrintable)
    }
}

impl Piece {
    fn len(&self) -> usize {
        match self {
            Piece::Encoded(s) | Piece::OwnLink(s, _) => s.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(text: &str, html: &str) -> RenderedEmail {
        RenderedEmail {
            subject: "Reseptikeskus ei vastaa".into(),
            text: text.into(),
            html: html.into(),
        }
    }

    fn part(body: &MultiPart, n: usize) -> String {
        let formatted = String::from_utf8(body.formatted()).unwrap();
        let boundary = formatted
            .lines()
            .find(|l| l.starts_with("--"))
            .unwrap()
            .to_owned();
        formatted.split(&boundary).nth(n + 1).unwrap().to_owned()
    }

    #[test]
    fn parts_encoded_in_pieces_are_what_encoding_the_whole_message_gives() {
        let long = "Käyttökatko jatkuu. ".repeat(12);
        let text =
            format!("Otsikko\n\n{long}\nKuittaa:\n{OWN_LINK}\n\nLisätietoja: https://x.fi/n/1 \n");
        let html = format!("<p>{long}</p>\n<p><a href=\"{OWN_LINK}\">Kuittaa</a></p>\n<p>ä</p>");
        let link = "https://status.example.fi/ack/Zm9vYmFy?x=1&y=2";
        let body = EmailContent::with_own_link(rendered(&text, &html)).body(Some(link));
        let whole = |s: &str| quoted_printable::encode_to_str(s.replace('\n', "\r\n"));
        let expected_text = whole(&text.replace(OWN_LINK, link));
        let expected_html = whole(&html.replace(OWN_LINK, &escape_html(link)));
        assert!(
            part(&body, 0).contains(&expected_text),
            "{}",
            part(&body, 0)
        );
        assert!(
            part(&body, 1).contains(&expected_html),
            "{}",
            part(&body, 1)
        );
        assert!(part(&body, 1).contains("x=3D1&amp;y=3D2"));
    }

    #[test]
    fn each_recipient_gets_its_own_link_and_nobody_elses() {
        let content = EmailContent::with_own_link(rendered(
            &format!("Kuittaa:\n{OWN_LINK}\n"),
            &format!("<a href=\"{OWN_LINK}\">x</a>"),
        ));
        let a = String::from_utf8(content.body(Some("https://a.fi/1")).formatted()).unwrap();
        let b = String::from_utf8(content.body(Some("https://b.fi/2")).formatted()).unwrap();
        assert!(a.contains("https://a.fi/1") && !a.contains("https://b.fi/2"));
        assert!(b.contains("https://b.fi/2") && !b.contains("https://a.fi/1"));
        assert!(!a.contains('\u{1}') && !a.contains("=01"));
    }

    #[test]
    fn a_message_for_everyone_keeps_its_text_as_written() {
        let text = format!("{OWN_LINK} stays\n");
        let content = EmailContent::from(rendered(&text, "<p>x</p>"));
        let body = String::from_utf8(content.body(Some("https://a.fi")).formatted()).unwrap();
        assert!(!body.contains("https://a.fi"));
        assert!(body.contains("=01own-link=01 stays"));
    }
}
