//! What an SMS says, rendered once per (revision, language). A fan-out texts one revision
//! to thousands of numbers; rendering the text and counting its parts again for each of
//! them — twice more to decide whether the recipient's acknowledgement link fits — was
//! most of the daemon's work per SMS. Every link code has the same length and alphabet,
//! so whether a link fits is the same answer for every recipient of the text.

use crate::notices::NoticeId;
use crate::registry::Language;

/// Which SMS content: a revision and the language it is rendered in.
pub type SmsKey = (NoticeId, i32, Language);

/// An SMS text as rendered for a revision and language.
#[derive(Debug)]
pub struct SmsContent {
    /// The text, as every recipient gets it (before a link of their own).
    pub text: String,
    /// Whether a recipient's short acknowledgement link fits in the parts the text takes
    /// anyway (false when the notice asks for none).
    pub link_fits: bool,
}
