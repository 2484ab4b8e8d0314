//! One notice in the console: its timeline, its latest revision's deliveries (summary and a
//! masked, filterable list), re-drive of given-up deliveries, and ending or cancelling it.

use super::layout::{Viewer, layout};
use super::t;
use crate::notices::{
    DeliveryState, Revision, Texts, action_label, kind_label, local_time, state_label,
};
use crate::query::DeliveriesView;
use crate::registry::{Language, NoticeKind};
use crate::validation::FieldError;
use maud::{Markup, html};

/// What the notice page shows.
pub struct NoticePage<'a> {
    /// Every revision, oldest first.
    pub revisions: &'a [Revision],
    pub deliveries: &'a DeliveriesView,
    /// The delivery state the list is filtered by, if any.
    pub status: Option<DeliveryState>,
    /// A fresh key for each form on the page (a double click acts once).
    pub form_id: &'a str,
    /// Why the last action was refused, if it was.
    pub errors: &'a [FieldError],
    /// An end or cancel being previewed: what it would do, with the texts typed.
    pub closing: Option<Closing<'a>>,
    /// How it was published, when it was held first: author, approver, override reason.
    pub record: Option<&'a crate::query::PendingView>,
}

/// An end or cancel shown before it is done.
pub struct Closing<'a> {
    /// `end` or `cancel`.
    pub action: &'a str,
    /// The closing texts as typed, by language code.
    pub bodies: &'a [(String, String)],
    /// The form's key, kept so that acting after the preview acts once.
    pub form_id: &'a str,
    pub preview: &'a crate::intake::NoticePreview,
}

/// A delivery state's name.
pub(super) fn delivery_state(lang: Language, s: DeliveryState) -> &'static str {
    t(
        lang,
        match s {
            DeliveryState::Pending => ["odottaa", "väntar", "pending"],
            DeliveryState::Sending => ["lähetetään", "skickas", "sending"],
            DeliveryState::Retry => ["yritetään uudelleen", "försöks igen", "retrying"],
            DeliveryState::Sent => ["lähetetty", "skickad", "sent"],
            DeliveryState::Delivered => ["perillä", "levererad", "delivered"],
            DeliveryState::Undeliverable => ["ei perillä", "kunde inte levereras", "undeliverable"],
            DeliveryState::Failed => ["epäonnistui", "misslyckades", "failed"],
            DeliveryState::Superseded => ["korvattu uudemmalla", "ersatt av nyare", "superseded"],
            DeliveryState::Expired => ["vanhentui", "för gammal", "expired"],
            DeliveryState::Dead => ["luovuttu", "uppgiven", "gave up"],
            DeliveryState::Bounced => ["palautui", "studsade", "bounced"],
        },
    )
}

/// The notice page.
pub fn notice_page(lang: Language, viewer: &Viewer, p: &NoticePage) -> String {
    let Some(last) = p.revisions.last() else {
        return layout(lang, "", "/console", Some(viewer), html! {});
    };
    let (title, _) = Texts::pick(&last.draft.texts.title, lang);
    let id = last.notice_id;
    let path = format!("/console/notices/{id}");
    let body = html! {
        p { a href={ "/console?lang=" (lang.code()) } { "← " (t(lang, ["Tilannekuva", "Lägesbild", "Dashboard"])) } }
        h1 {
            @if !last.draft.status.is_actual() { strong { (crate::notices::EXERCISE_MARK) } ": " }
            (title)
        }
        p.meta {
            (kind_label(lang, last.draft.kind)) " · " (state_label(lang, last.draft.state)) " · "
            a href={ "/notices/" (id) "?lang=" (lang.code()) } { (t(lang, ["julkinen sivu", "offentlig sida", "public page"])) } " · "
            a href={ (path) "/reach?lang=" (lang.code()) } { (t(lang, ["Tavoittavuus organisaatioittain", "Räckvidd per organisation", "Reach per organisation"])) }
        }
        @if let Some(r) = p.record {
            p.meta {
                (t(lang, ["Kirjoittaja", "Författare", "Author"])) ": " (r.author)
                @if let Some(by) = &r.approved_by {
                    " · " (t(lang, ["Hyväksyjä", "Godkänt av", "Approved by"])) ": " (by)
                    @if let Some(at) = r.approved_at { " " (crate::notices::local_time(lang, at)) }
                }
            }
            @if let Some(reason) = &r.override_reason {
                p.alert { strong { (t(lang, ["Julkaistu ilman hyväksyntää", "Publicerat utan godkännande", "Published without approval"])) ": " } (reason) }
            }
        }
        @if !p.errors.is_empty() {
            section.alert role="alert" aria-labelledby="problems" {
                h2 #problems { (t(lang, ["Toimintoa ei tehty", "Åtgärden gjordes inte", "Nothing was done"])) }
                ul { @for e in p.errors { li { code { (e.field) } ": " (super::messages::translate(lang, &e.message)) } } }
            }
        }
        @if !last.draft.state.is_final() {
            p.actions {
                a.button href={ (path) "/revise?action=update&lang=" (lang.code()) } { (t(lang, ["Päivitä tilannetta", "Uppdatera läget", "Post an update"])) }
                @if last.draft.kind.is_planned() {
                    a.button href={ (path) "/revise?action=reschedule&lang=" (lang.code()) } { (t(lang, ["Muuta ajankohtaa", "Ändra tidpunkt", "Reschedule"])) }
                }
            }
        }
        (deliveries(lang, viewer, p, &path))
        @if !last.draft.state.is_final() {
            (closing(lang, viewer, p, &path, last.draft.kind))
        }
        section aria-labelledby="timeline" {
            h2 #timeline { (t(lang, ["Aikajana", "Tidslinje", "Timeline"])) }
            ul.timeline {
                @for r in p.revisions.iter().rev() {
                    li {
                        strong { (r.number) ". " (action_label(lang, r.action).unwrap_or(t(lang, ["Julkaistu", "Publicerat", "Published"]))) }
                        " · " time datetime=(r.published_at.to_rfc3339()) { (local_time(lang, r.published_at)) }
                        " · " (state_label(lang, r.draft.state))
                        @if r.sms { " · SMS" }
                        p { (Texts::pick(&r.draft.texts.body, lang).0) }
                    }
                }
            }
        }
    };
    layout(lang, title, &path, Some(viewer), body)
}

fn deliveries(lang: Language, viewer: &Viewer, p: &NoticePage, path: &str) -> Markup {
    let d = p.deliveries;
    let given_up = d.summary.email.count(DeliveryState::Dead)
        + d.summary.email.count(DeliveryState::Failed)
        + d.summary.sms.count(DeliveryState::Dead)
        + d.summary.sms.count(DeliveryState::Failed);
    html! {
        section aria-labelledby="deliveries" {
            h2 #deliveries { (t(lang, ["Toimitukset", "Leveranser", "Deliveries"])) " (" (t(lang, ["versio", "version", "revision"])) " " (d.revision) ")" }
            table.summary {
                thead { tr {
                    th scope="col" { (t(lang, ["Tila", "Läge", "State"])) }
                    th scope="col" { (t(lang, ["Sähköposti", "E-post", "Email"])) }
                    th scope="col" { "SMS" }
                } }
                tbody {
                    @for s in DeliveryState::ALL {
                        @let (e, m) = (d.summary.email.count(*s), d.summary.sms.count(*s));
                        @if e + m > 0 {
                            tr { th scope="row" { (delivery_state(lang, *s)) } td { (e) } td { (m) } }
                        }
                    }
                    tr { th scope="row" { (t(lang, ["Yhteensä", "Totalt", "Total"])) } td { (d.summary.email.total()) } td { (d.summary.sms.total()) } }
                }
            }
            @if given_up > 0 {
                form method="post" action={ (path) "/retry?lang=" (lang.code()) } {
                    input type="hidden" name="csrf" value=(viewer.csrf);
                    input type="hidden" name="idem" value=(p.form_id);
                    button type="submit" { (t(lang, ["Lähetä epäonnistuneet uudelleen", "Skicka de misslyckade igen", "Re-send the failed ones"])) " (" (given_up) ")" }
                }
            }
            form.filter method="get" action=(path) {
                input type="hidden" name="lang" value=(lang.code());
                label for="status" { (t(lang, ["Näytä tila", "Visa läge", "Show state"])) }
                select #status name="status" {
                    option value="" { (t(lang, ["kaikki", "alla", "all"])) }
                    @for s in DeliveryState::ALL {
                        option value=(s.code()) selected[p.status == Some(*s)] { (delivery_state(lang, *s)) }
                    }
                }
                button type="submit" { (t(lang, ["Näytä", "Visa", "Show"])) }
            }
            @if d.items.is_empty() {
                p.empty { (t(lang, ["Ei toimituksia.", "Inga leveranser.", "No deliveries."])) }
            } @else {
                div.scroll tabindex="0" role="region" aria-label=(t(lang, ["Taulukko", "Tabell", "Table"])) {
                    table.deliveries {
                        thead { tr {
                            th scope="col" { (t(lang, ["Kanava", "Kanal", "Channel"])) }
                            th scope="col" { (t(lang, ["Osoite", "Adress", "Address"])) }
                            th scope="col" { (t(lang, ["Kieli", "Språk", "Language"])) }
                            th scope="col" { (t(lang, ["Tila", "Läge", "State"])) }
                            th scope="col" { (t(lang, ["Yrityksiä", "Försök", "Attempts"])) }
                            th scope="col" { (t(lang, ["Viimeisin virhe", "Senaste fel", "Last error"])) }
                        } }
                        tbody {
                            @for i in &d.items {
                                tr {
                                    td { (i.channel) } td { (i.address) } td { (i.language) }
                                    td { (DeliveryState::parse(&i.state).map(|s| delivery_state(lang, s)).unwrap_or(i.state.as_str())) }
                                    td { (i.attempts) } td { (i.last_error.as_deref().unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
                @if let Some(next) = &d.next_cursor {
                    p { a href={ (path) "?lang=" (lang.code()) "&cursor=" (next) (p.status.map(|s| format!("&status={}", s.code())).unwrap_or_default()) } { (t(lang, ["Seuraavat", "Nästa", "Next"])) " →" } }
                }
            }
        }
    }
}

/// End and cancel, each with an optional closing text.
fn closing(
    lang: Language,
    viewer: &Viewer,
    p: &NoticePage,
    path: &str,
    kind: NoticeKind,
) -> Markup {
    let actions: &[(&str, [&'static str; 3])] = if kind.is_planned() {
        &[(
            "cancel",
            [
                "Peru huoltokatko",
                "Ställ in underhållet",
                "Cancel the maintenance",
            ],
        )]
    } else {
        &[
            (
                "end",
                [
                    "Päätä tiedote: häiriö on ohi",
                    "Avsluta: störningen är över",
                    "End: the fault is over",
                ],
            ),
            (
                "cancel",
                [
                    "Peru tiedote (julkaistu erehdyksessä)",
                    "Återkalla (publicerat av misstag)",
                    "Cancel (published in error)",
                ],
            ),
        ]
    };
    html! {
        section aria-labelledby="close" {
            h2 #close { (t(lang, ["Päättäminen", "Avslutning", "Ending"])) }
            @for (action, label) in actions {
                @let shown = p.closing.as_ref().filter(|c| c.action == *action);
                @let typed = |l: &str| shown.and_then(|c| c.bodies.iter().find(|(k, _)| k == l)).map(|(_, v)| v.as_str()).unwrap_or("");
                details id={ "close-" (action) } open[shown.is_some()] {
                    summary { (t(lang, *label)) }
                    form method="post" action={ (path) "/" (action) "?lang=" (lang.code()) "#close-" (action) } {
                        input type="hidden" name="csrf" value=(viewer.csrf);
                        input type="hidden" name="idem" value=(shown.map(|c| c.form_id).unwrap_or(p.form_id));
                        p.help { (t(lang, ["Loppuviesti (valinnainen); tyhjä säilyttää nykyisen tekstin.", "Slutmeddelande (valfritt); tomt behåller nuvarande text.", "Closing text (optional); empty keeps the current text."])) }
                        @for (l, name) in [("fi", "suomi"), ("sv", "svenska"), ("en", "English")] {
                            div.field {
                                label for={ (action) "_body_" (l) } { (name) }
                                textarea id={ (action) "_body_" (l) } name={ "body_" (l) } rows="3" { (typed(l)) }
                            }
                        }
                        @if let Some(c) = shown {
                            (super::preview::preview_section(lang, c.preview))
                        }
                        div.actions {
                            button type="submit" name="act" value="preview" { (t(lang, ["Esikatsele", "Förhandsgranska", "Preview"])) }
                            button type="submit" name="act" value="publish" { (t(lang, *label)) }
                        }
                    }
                }
            }
        }
    }
}
