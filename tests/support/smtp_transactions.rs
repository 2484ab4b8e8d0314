//! What the SMTP sink answers (a script per recipient and attempt) and what it records of
//! each message it takes.

use std::sync::Arc;

/// How the sink answers one recipient's attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    Accept,
    /// 451 at RCPT TO: try again later.
    TempFail,
    /// 550 5.1.1 at RCPT TO: no such user.
    Reject,
    /// Take the whole message, then close the connection instead of answering the final dot.
    DropAfterData,
    /// Take the whole message and never answer.
    StallAfterData,
}

/// Decides the reply from the recipient address and its attempt number (1 for the first).
pub type Script = Arc<dyn Fn(&str, u32) -> Reply + Send + Sync>;

/// A message the sink took (even if it then dropped the connection).
#[derive(Clone, Debug)]
pub struct Received {
    /// The envelope sender (MAIL FROM), as given.
    pub mail_from: String,
    pub rcpt: Vec<String>,
    pub data: String,
    /// Whether the message came over TLS.
    pub encrypted: bool,
    /// The user the client authenticated as, if it did.
    pub user: Option<String>,
}

impl Received {
    /// A header's value (first occurrence, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let mut lines = self.data.split("\r\n").peekable();
        while let Some(line) = lines.next() {
            if line.is_empty() {
                return None;
            }
            if let Some(v) = line.strip_prefix(&format!("{name}: ")) {
                let mut v = v.to_owned();
                while lines
                    .peek()
                    .is_some_and(|l| l.starts_with(' ') || l.starts_with('\t'))
                {
                    v.push_str(lines.next().unwrap());
                }
                return Some(v);
            }
        }
        None
    }
}
