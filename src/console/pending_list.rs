//! The dashboard's notices not yet out: drafts, those awaiting approval — with the approve
//! button for any operator but the author — and those scheduled.

use super::layout::Viewer;
use super::t;
use crate::notices::local_time;
use crate::query::PendingView;
use crate::registry::Language;
use maud::{Markup, html};

fn state_label(lang: Language, code: &str) -> &'static str {
    match code {
        "draft" => t(lang, ["Luonnos", "Utkast", "Draft"]),
        "awaiting_approval" => t(
            lang,
            [
                "Odottaa hyväksyntää",
                "Väntar på godkännande",
                "Awaiting approval",
            ],
        ),
        "scheduled" => t(lang, ["Ajastettu", "Schemalagt", "Scheduled"]),
        _ => t(lang, ["Julkaistu", "Publicerat", "Published"]),
    }
}

/// The section; `me` is the viewer's audit name (an author cannot approve their own).
pub(super) fn pending_section(
    lang: Language,
    viewer: &Viewer,
    pending: &[PendingView],
    me: &str,
) -> Markup {
    html! {
        @if !pending.is_empty() {
            section aria-labelledby="pending" {
                h2 #pending { (t(lang, ["Julkaisematta", "Inte publicerade", "Not yet published"])) " (" (pending.len()) ")" }
                @for p in pending {
                        @let title = p.title.get(lang.code()).or_else(|| p.title.get("fi")).cloned().unwrap_or_default();
                        article.notice {
                            h3 { (title) }
                            p.meta {
                                strong { (state_label(lang, &p.publication)) }
                                " · " (t(lang, ["Kirjoittaja", "Författare", "Author"])) ": " (p.author)
                                @if let Some(at) = p.publish_at {
                                    " · " (t(lang, ["Julkaistaan", "Publiceras", "Goes out"])) " " (local_time(lang, at))
                                }
                            }
                            @if p.publication == "awaiting_approval" {
                                @if p.author == me {
                                    p.help { (t(lang, [
                                        "Toisen päivystäjän on hyväksyttävä tämä tiedote.",
                                        "En annan jourhavande måste godkänna meddelandet.",
                                        "Another operator must approve this notice.",
                                    ])) }
                                } @else {
                                    form method="post" action={ "/console/notices/" (p.id) "/approve?lang=" (lang.code()) } {
                                        input type="hidden" name="csrf" value=(viewer.csrf);
                                        button type="submit" { (t(lang, ["Hyväksy ja julkaise", "Godkänn och publicera", "Approve and publish"])) }
                                    }
                                }
                            }
                            @if p.publication == "draft" {
                                form method="post" action={ "/console/notices/" (p.id) "/submit?lang=" (lang.code()) } {
                                    input type="hidden" name="csrf" value=(viewer.csrf);
                                    button type="submit" { (t(lang, ["Lähetä julkaistavaksi", "Skicka för publicering", "Submit for publication"])) }
                                }
                            }
                        }
                }
            }
        }
    }
}
