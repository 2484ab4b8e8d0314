//! The small page a public address answers when something is wrong: in the page's style
//! and language, saying what happened and where to go, never a bare text or JSON body.

use super::page::{layout, t};
use crate::registry::Language;
use maud::html;

/// What went wrong, in words for people.
fn headline(lang: Language, status: u16) -> &'static str {
    t(
        lang,
        match status {
            400 | 422 => [
                "Osoitteessa on virhe",
                "Adressen innehåller ett fel",
                "Something in the address is not right",
            ],
            404 => ["Sivua ei löytynyt", "Sidan hittades inte", "Page not found"],
            405 => [
                "Tätä osoitetta voi vain lukea",
                "Den här adressen kan bara läsas",
                "This address can only be read",
            ],
            408 | 413 | 414 | 431 => [
                "Pyyntö oli liian suuri tai hidas",
                "Begäran var för stor eller för långsam",
                "The request was too large or too slow",
            ],
            429 => [
                "Liian monta pyyntöä",
                "För många förfrågningar",
                "Too many requests",
            ],
            503 => [
                "Palvelu on hetken poissa käytöstä",
                "Tjänsten är tillfälligt otillgänglig",
                "The service is briefly unavailable",
            ],
            _ => [
                "Jokin meni vikaan",
                "Något gick fel",
                "Something went wrong",
            ],
        },
    )
}

/// An error page for HTTP `status`. `details` are the problem's field errors
/// (`lang: must be one of fi, sv, en`); `retry_after` the seconds a client should wait.
pub fn error_page(
    lang: Language,
    status: u16,
    details: &[(String, String)],
    retry_after: Option<u64>,
) -> String {
    let body = html! {
        h1 { (headline(lang, status)) }
        @if !details.is_empty() {
            ul.details {
                @for (field, message) in details {
                    li { code { (field) } " " (message) }
                }
            }
        }
        @if let Some(secs) = retry_after {
            p {
                (t(lang, ["Yritä uudelleen", "Försök igen om", "Try again in"])) " "
                (secs) " s"
                (t(lang, [" kuluttua.", ".", "."]))
            }
        }
        p { a href={ "/?lang=" (lang.code()) } { (t(lang, ["Palveluiden tila", "Tjänsternas status", "Service status"])) } }
        p.meta { "HTTP " (status) }
    };
    layout(lang, headline(lang, status), "/", body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_page_says_what_happened_in_the_chosen_language() {
        let page = error_page(
            Language::Sv,
            422,
            &[("lang".into(), "must be one of fi, sv, en".into())],
            None,
        );
        assert!(page.contains("<html lang=\"sv\""), "{page}");
        assert!(page.contains("Adressen innehåller ett fel"));
        assert!(page.contains("<code>lang</code> must be one of fi, sv, en"));
        let page = error_page(Language::Fi, 429, &[], Some(7));
        assert!(page.contains("Yritä uudelleen 7 s kuluttua."), "{page}");
    }

    #[test]
    fn details_are_escaped() {
        let page = error_page(
            Language::En,
            400,
            &[("<b>".into(), "<script>".into())],
            None,
        );
        assert!(!page.contains("<script>") && page.contains("&lt;script&gt;"));
    }
}
