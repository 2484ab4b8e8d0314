//! "Did we get it?": for each recent notice, which of the organisation's own contacts were
//! sent what, on which channel, when, and how far it got.

use super::layout::{Viewer, layout};
use super::notice_page::delivery_state;
use super::t;
use crate::notices::{DeliveryState, kind_label, local_time};
use crate::query::{RECEIVED_DAYS, ReceivedDelivery, ReceivedNotice};
use crate::registry::{Language, NoticeKind};
use maud::html;

/// How far one delivery got, said for the channel: a mail server's acceptance is not a
/// phone's receipt.
fn how_far(lang: Language, d: &ReceivedDelivery) -> &'static str {
    let state = DeliveryState::parse(&d.state).unwrap_or(DeliveryState::Pending);
    match (state, d.channel.as_str()) {
        (DeliveryState::Sent, "email") => t(
            lang,
            [
                "vastaanottajan sähköpostipalvelin otti vastaan",
                "mottagarens e-postserver tog emot",
                "accepted by the recipient's mail server",
            ],
        ),
        (DeliveryState::Sent, _) => t(
            lang,
            [
                "lähetetty, ei vielä kuittausta puhelimesta",
                "skickat, ingen kvittens från telefonen ännu",
                "sent, no receipt from the phone yet",
            ],
        ),
        (DeliveryState::Delivered, _) => t(
            lang,
            [
                "perillä puhelimessa",
                "levererat till telefonen",
                "delivered to the phone",
            ],
        ),
        (other, _) => delivery_state(lang, other),
    }
}

fn channel(lang: Language, code: &str) -> &'static str {
    match code {
        "sms" => t(lang, ["tekstiviesti", "SMS", "SMS"]),
        _ => t(lang, ["sähköposti", "e-post", "email"]),
    }
}

/// The portal's "did we get it?" page.
pub fn received_page(lang: Language, viewer: &Viewer, notices: &[ReceivedNotice]) -> String {
    let title = t(
        lang,
        [
            "Tavoittiko tiedote?",
            "Nådde meddelandet fram?",
            "Did we get it?",
        ],
    );
    let body = html! {
        h1 { (title) }
        p { (t(lang, [
            "Tiedotteet, jotka on lähetetty organisaationne vastaanottajille viimeisten",
            "Meddelanden som har skickats till er organisations mottagare under de senaste",
            "The notices sent to your organisation's recipients in the last",
        ])) " " (RECEIVED_DAYS) " " (t(lang, [
            "päivän aikana: kuka sai minkäkin viestin, millä kanavalla, milloin ja kuinka pitkälle se eteni. Päivitys on saman tiedotteen uusi viesti.",
            "dagarna: vem som fick vilket meddelande, i vilken kanal, när och hur långt det kom. En uppdatering är ett nytt meddelande om samma sak.",
            "days: who was sent which message, on which channel, when, and how far it got. An update is a new message about the same notice.",
        ])) }
        @if notices.is_empty() {
            p.notice { (t(lang, [
                "Vastaanottajillenne ei ole lähetetty tiedotteita tänä aikana.",
                "Inga meddelanden har skickats till era mottagare under den här tiden.",
                "No notice was sent to your recipients in this time.",
            ])) }
        }
        @for n in notices {
            @let heading = n.title.get(lang.code()).or_else(|| n.title.get("fi")).map(String::as_str).unwrap_or("");
            @let kind = NoticeKind::parse(&n.kind).map(|k| kind_label(lang, k)).unwrap_or("");
            section.received aria-labelledby={ "n-" (n.id) } {
                h2 id={ "n-" (n.id) } { (heading) }
                p.meta { (kind) " · " a href={ "/notices/" (n.id) "?lang=" (lang.code()) } { (t(lang, ["Tiedote tilasivulla", "Meddelandet på statussidan", "The notice on the status page"])) } }
                div.scroll tabindex="0" role="region" aria-label=(heading) {
                    table.deliveries {
                        thead { tr {
                            th scope="col" { (t(lang, ["Vastaanottaja", "Mottagare", "Recipient"])) }
                            th scope="col" { (t(lang, ["Viesti ja tila", "Meddelande och status", "Message and state"])) }
                        } }
                        tbody {
                            @for d in &n.deliveries {
                                tr {
                                    td { (d.contact) br; small { (channel(lang, &d.channel)) " " (d.address.as_deref().unwrap_or("–")) } }
                                    td {
                                        (how_far(lang, d))
                                        @if let Some(e) = &d.last_error { br; small { (e) } }
                                        br;
                                        small {
                                            @if d.revision == 1 {
                                                (t(lang, ["Ensimmäinen viesti", "Första meddelandet", "First message"]))
                                            } @else {
                                                (t(lang, ["Päivitys", "Uppdatering", "Update"])) " " (d.revision - 1)
                                            }
                                            ", "
                                            time datetime=(d.updated_at.to_rfc3339()) { (local_time(lang, d.updated_at)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(lang, title, "/portal/notices", Some(viewer), body)
}
