//! API tokens from the console: the list (who holds which, and whether it still works),
//! a form to issue one (its secret shown once), and revoking.

use super::fields::{error_list, text_field, time_field};
use super::layout::{Viewer, layout};
use super::t;
use crate::notices::local_time;
use crate::query::{TokenList, TokenView};
use crate::registry::Language;
use crate::validation::FieldError;
use chrono::{DateTime, Utc};
use maud::{Markup, html};

/// What was typed into the new-token form.
pub type TokenForm = super::fields::Posted;

/// A token just issued: its secret, to be copied now.
pub struct Issued<'a> {
    pub label: &'a str,
    pub secret: &'a str,
}

fn role_label(lang: Language, role: &str) -> &'static str {
    match role {
        "operator" => t(
            lang,
            [
                "Ylläpitäjä (kaikki)",
                "Operatör (allt)",
                "Operator (everything)",
            ],
        ),
        _ => t(
            lang,
            [
                "Organisaation pääkäyttäjä",
                "Organisationens huvudanvändare",
                "Organisation admin",
            ],
        ),
    }
}

fn state(lang: Language, tok: &TokenView, now: DateTime<Utc>) -> Markup {
    html! {
        @if let Some(at) = tok.revoked_at {
            (t(lang, ["Peruttu", "Återkallad", "Revoked"])) " " (local_time(lang, at))
        } @else if tok.works_at(now) {
            (t(lang, ["Voimassa", "Giltig", "Works"]))
            @if let Some(e) = tok.expires_at { " " (t(lang, ["–", "till", "until"])) " " (local_time(lang, e)) }
        } @else {
            (t(lang, ["Vanhentunut", "Utgången", "Expired"]))
        }
    }
}

/// The tokens page.
pub fn tokens_page(
    lang: Language,
    viewer: &Viewer,
    list: &TokenList,
    (form, errors): (&TokenForm, &[FieldError]),
    issued: Option<&Issued>,
    now: DateTime<Utc>,
) -> String {
    let errors = &super::messages::translated(lang, errors);
    let title = t(lang, ["Rajapinta-avaimet", "API-nycklar", "API tokens"]);
    let body = html! {
        h1 { (title) }
        @if let Some(i) = issued {
            div.preview role="status" {
                h2 { (t(lang, ["Uusi avain", "Ny nyckel", "New token"])) ": " (i.label) }
                p { strong { (t(lang, [
                    "Kopioi avain nyt ja anna se haltijalleen turvallista reittiä. Sitä ei näytetä uudelleen.",
                    "Kopiera nyckeln nu och ge den till innehavaren på ett säkert sätt. Den visas inte igen.",
                    "Copy the token now and hand it over safely. It is not shown again.",
                ])) } }
                pre { code { (i.secret) } }
            }
        }
        @if !errors.is_empty() {
            div.alert role="alert" { p { (t(lang, ["Tarkista merkityt kentät.", "Kontrollera de markerade fälten.", "Check the marked fields."])) } }
        }
        h2 { (t(lang, ["Uusi avain", "Ny nyckel", "New token"])) }
        form method="post" action={ "/console/tokens?lang=" (lang.code()) } novalidate {
            input type="hidden" name="csrf" value=(viewer.csrf);
            input type="hidden" name="idem" value=(form.get("idem"));
            fieldset id="role" {
                legend { (t(lang, ["Oikeudet", "Behörighet", "Rights"])) }
                (error_list(errors, "role"))
                ul.choices.single {
                    @for r in ["org_admin", "operator"] {
                        li {
                            input type="radio" id={ "role-" (r) } name="role" value=(r) checked[form.get("role") == r];
                            label for={ "role-" (r) } { (role_label(lang, r)) }
                        }
                    }
                }
            }
            (text_field(form, errors, "org_id", t(lang, ["Organisaation tunniste (pääkäyttäjän avaimelle)", "Organisationens id (för en huvudanvändares nyckel)", "Organisation id (for an organisation admin's token)"]), false, false))
            (text_field(form, errors, "label", t(lang, ["Kenen avain (esim. \"Apteekki Ässä, IT\")", "Vems nyckel (t.ex. \"Apotek Ässä, IT\")", "Whose token (e.g. \"Pharmacy Ässä, IT\")"]), false, true))
            (time_field(form, errors, lang, "expires_at", t(lang, ["Voimassa asti (tyhjä: toistaiseksi)", "Giltig till (tom: tills vidare)", "Valid until (empty: until revoked)"])))
            button type="submit" { (t(lang, ["Luo avain", "Skapa nyckel", "Create the token"])) }
        }
        h2 { (t(lang, ["Avaimet", "Nycklar", "Tokens"])) }
        ul.cards {
            @for tok in &list.items {
                li {
                    h3 { (tok.label) }
                    p {
                        (role_label(lang, &tok.role))
                        @if let (Some(id), Some(name)) = (&tok.org_id, &tok.org_name) {
                            ": " a href={ "/console/organisations/" (id) "?lang=" (lang.code()) } { (name) }
                        }
                    }
                    p { (state(lang, tok, now)) }
                    p.meta { (t(lang, ["Luotu", "Skapad", "Created"])) " " (local_time(lang, tok.created_at)) }
                    @if tok.revoked_at.is_none() {
                        form method="post" action={ "/console/tokens/" (tok.id) "/revoke?lang=" (lang.code()) } {
                            input type="hidden" name="csrf" value=(viewer.csrf);
                            button.danger type="submit" { (t(lang, ["Peru avain", "Återkalla nyckeln", "Revoke the token"])) }
                        }
                    }
                }
            }
        }
        @if let Some(c) = &list.next_cursor {
            p { a href={ "/console/tokens?lang=" (lang.code()) "&cursor=" (c) } { (t(lang, ["Vanhemmat", "Äldre", "Older"])) " →" } }
        }
    };
    layout(lang, title, "/console/tokens", Some(viewer), body)
}
