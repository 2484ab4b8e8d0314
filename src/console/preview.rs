//! What publishing would do, shown before Publish: recipients per channel and language,
//! and each language's SMS (encoding, parts) and email.

use super::t;
use crate::intake::NoticePreview;
use crate::registry::Language;
use maud::{Markup, html};

/// The preview section of a notice form.
pub(super) fn preview_section(lang: Language, p: &NoticePreview) -> Markup {
    html! {
        section.preview aria-labelledby="preview" {
            h2 #preview { (t(lang, ["Esikatselu", "Förhandsgranskning", "Preview"])) }
            table {
                caption { (t(lang, ["Vastaanottajat kanavittain ja kielittäin", "Mottagare per kanal och språk", "Recipients per channel and language"])) }
                thead { tr { th scope="col" { (t(lang, ["Kieli", "Språk", "Language"])) } th scope="col" { (t(lang, ["Sähköposti", "E-post", "Email"])) } th scope="col" { "SMS" } } }
                tbody {
                    @for (l, c) in &p.recipients {
                        tr { th scope="row" { (l) } td { (c.email) } td { (c.sms) } }
                    }
                }
            }
            @if !p.sms {
                p { (t(lang, ["Tätä tiedotetta ei lähetetä tekstiviestinä.", "Meddelandet skickas inte som SMS.", "This notice is not sent by SMS."])) }
            }
            @for (l, s) in &p.sms_texts {
                h3 { "SMS (" (l) "): " (s.parts) " " (t(lang, ["osaa", "delar", "parts"])) ", " (s.encoding) }
                pre { (s.text) }
            }
            @for (l, e) in &p.email {
                h3 { (t(lang, ["Sähköposti", "E-post", "Email"])) " (" (l) "): " (e.subject) }
                pre { (e.text) }
            }
        }
    }
}
