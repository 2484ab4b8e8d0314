//! Delivery status notifications (RFC 3464): the MIME structure is read by `mail-parser`,
//! the `message/delivery-status` fields (per-message, then one block per recipient) here.
//! Anything else — an auto-reply, a plain-text bounce without a report, a broken message —
//! is not a DSN.

use mail_parser::{MessageParser, MimeHeaders};

/// What one recipient block of a DSN says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DsnRecipient {
    /// `Final-Recipient`, without its address type.
    pub recipient: Option<String>,
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
    pub action: String,
    /// The enhanced status code, e.g. `5.1.1`.
    pub status: String,
    /// `Diagnostic-Code`, without its type, unfolded.
    pub diagnostic: Option<String>,
}

impl DsnRecipient {
    /// A permanent failure: the address does not work (RFC 3463 class 5).
    pub fn is_hard(&self) -> bool {
        self.action.eq_ignore_ascii_case("failed") && self.status.starts_with('5')
    }
}

/// The longest field text kept (a diagnostic is a line or two; a hostile one is cut).
const MAX_FIELD: usize = 1_000;
/// Recipient blocks read at most (a bounce to our VERP address is about one).
const MAX_RECIPIENTS: usize = 100;

/// The recipient blocks of `message` if it is a DSN; none if it is not one.
pub fn recipients(message: &[u8]) -> Option<Vec<DsnRecipient>> {
    let parsed = MessageParser::default().parse(message)?;
    let report = parsed.parts.iter().find(|p| {
        p.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("message")
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("delivery-status"))
        })
    })?;
    let text = String::from_utf8_lossy(report.contents());
    let found = fields(&text);
    (!found.is_empty()).then_some(found)
}

/// The recipient blocks of a `message/delivery-status` body.
fn fields(body: &str) -> Vec<DsnRecipient> {
    let mut out = Vec::new();
    // Blocks are separated by blank lines; the first is the per-message block.
    for block in body.replace("\r\n", "\n").split("\n\n").skip(1) {
        let mut unfolded: Vec<String> = Vec::new();
        for line in block.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some(last) = unfolded.last_mut() {
                    last.push(' ');
                    last.push_str(line.trim());
                }
            } else if !line.trim().is_empty() {
                unfolded.push(line.trim().to_owned());
            }
        }
        let get = |name: &str| {
            unfolded.iter().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| v.trim().chars().take(MAX_FIELD).collect::<String>())
            })
        };
        let typed = |v: String| match v.split_once(';') {
            Some((_, rest)) => rest.trim().to_owned(),
            None => v,
        };
        let (Some(action), Some(status)) = (get("Action"), get("Status")) else {
            continue;
        };
        // The status code alone: some servers add a comment after it.
        let status = status.split_whitespace().next().unwrap_or("").to_owned();
        out.push(DsnRecipient {
            recipient: get("Final-Recipient").map(typed),
            action: action.to_ascii_lowercase(),
            status,
            diagnostic: get("Diagnostic-Code").map(typed),
        });
        if out.len() >= MAX_RECIPIENTS {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const POSTFIX: &str = "From: MAILER-DAEMON@mx.example.fi (Mail Delivery System)\r\n\
Subject: Undelivered Mail Returned to Sender\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status;\r\n boundary=\"B1\"\r\n\r\n\
--B1\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n\
--B1\r\nContent-Type: message/delivery-status\r\n\r\n\
Reporting-MTA: dns; mx.example.fi\r\n\r\n\
Final-Recipient: rfc822; tuki@apteekki.fi\r\nAction: failed\r\nStatus: 5.1.1\r\n\
Diagnostic-Code: smtp; 550 5.1.1 <tuki@apteekki.fi>: Recipient address\r\n    rejected: User unknown\r\n\r\n\
--B1--\r\n";

    #[test]
    fn a_postfix_bounce_is_a_hard_failure_of_its_recipient() {
        let r = recipients(POSTFIX.as_bytes()).expect("a DSN");
        assert_eq!(r.len(), 1);
        assert!(r[0].is_hard());
        assert_eq!(r[0].recipient.as_deref(), Some("tuki@apteekki.fi"));
        assert_eq!(r[0].status, "5.1.1");
        assert_eq!(
            r[0].diagnostic.as_deref(),
            Some("550 5.1.1 <tuki@apteekki.fi>: Recipient address rejected: User unknown")
        );
    }

    #[test]
    fn a_delay_is_soft_and_an_auto_reply_is_no_dsn() {
        let delayed = POSTFIX
            .replace("Action: failed", "Action: delayed")
            .replace("5.1.1\r\n", "4.4.7\r\n");
        let r = recipients(delayed.as_bytes()).unwrap();
        assert!(!r[0].is_hard());
        let reply = "From: a@b.fi\r\nSubject: Automatic reply: on leave\r\nAuto-Submitted: auto-replied\r\n\r\nBack on Monday.\r\n";
        assert_eq!(recipients(reply.as_bytes()), None);
        assert_eq!(recipients(b""), None);
        assert_eq!(recipients(&[0xff, 0xfe, 0x00, 0x80]), None);
    }
}
