//! The templates in the console: the list, and one template's texts to change — each
//! change a new version, the earlier ones listed.

use super::fields::{Posted, error_list, localized, sms_fields};
use super::layout::{Viewer, layout};
use super::t;
use crate::notices::{audience_label, kind_label, local_time};
use crate::query::TemplateView;
use crate::registry::{Audience, Catalogue, Language};
use crate::validation::FieldError;
use maud::html;

/// Every template, by id.
pub fn templates_page(
    lang: Language,
    viewer: &Viewer,
    list: &[TemplateView],
    catalogue: &Catalogue,
) -> String {
    let title = t(
        lang,
        ["Tiedotepohjat", "Meddelandemallar", "Notice templates"],
    );
    let body = html! {
        h1 { (title) }
        p { (t(lang, [
            "Pohjat tuovat tiedotteeseen tekstit ja pysyvät toimintaohjeet. Jokainen muutos tallentuu uutena versiona.",
            "Mallarna ger meddelandet dess texter och stående anvisningar. Varje ändring sparas som en ny version.",
            "Templates give a notice its texts and the standing procedures. Every change is kept as a new version.",
        ])) }
        div.scroll tabindex="0" role="region" aria-label=(title) {
            table.record {
                thead { tr {
                    th scope="col" { (t(lang, ["Pohja", "Mall", "Template"])) }
                    th scope="col" { (t(lang, ["Laji ja vaihe", "Typ och fas", "Kind and phase"])) }
                    th scope="col" { (t(lang, ["Palvelut", "Tjänster", "Services"])) }
                    th scope="col" { (t(lang, ["Versio", "Version", "Version"])) }
                } }
                tbody {
                    @for v in list {
                        @let name = crate::notices::Texts::pick(&v.name, lang).0;
                        tr {
                            td { a href={ "/console/templates/" (v.id) "?lang=" (lang.code()) } { (name) } br; small { code { (v.id) } } }
                            td { (kind_label(lang, v.kind)) " · " (v.phase.label(lang)) }
                            td {
                                @if v.services.is_empty() { (t(lang, ["kaikki", "alla", "any"])) }
                                @else { (v.services.iter().map(|s| catalogue.name(s, lang)).collect::<Vec<_>>().join(", ")) }
                            }
                            td { (v.version) " · " (local_time(lang, v.updated_at)) }
                        }
                    }
                }
            }
        }
    };
    layout(lang, title, "/console/templates", Some(viewer), body)
}

/// One template's texts to change, with what was typed and its errors when refused.
pub fn template_page(
    lang: Language,
    viewer: &Viewer,
    v: &TemplateView,
    form: &Posted,
    errors: &[FieldError],
) -> String {
    let name = crate::notices::Texts::pick(&v.name, lang).0.to_owned();
    let path = format!("/console/templates/{}", v.id);
    let body = html! {
        p { a href={ "/console/templates?lang=" (lang.code()) } { "← " (t(lang, ["Tiedotepohjat", "Meddelandemallar", "Notice templates"])) } }
        h1 { (name) }
        p.meta {
            code { (v.id) } " · " (kind_label(lang, v.kind)) " · " (v.phase.label(lang)) " · "
            (t(lang, ["versio", "version", "version"])) " " (v.version)
        }
        p { a href={ "/console/notices/new?kind=" (v.kind.code()) "&template=" (v.id) "&lang=" (lang.code()) } {
            (t(lang, ["Aloita tiedote tästä pohjasta", "Börja ett meddelande från mallen", "Start a notice from this template"]))
        } }
        @if !errors.is_empty() {
            section.alert role="alert" aria-labelledby="problems" {
                h2 #problems { (t(lang, ["Korjaa nämä kohdat", "Rätta dessa fält", "Please correct these fields"])) " (" (errors.len()) ")" }
                ul { @for e in errors { li { code { (e.field) } ": " (e.message) } } }
            }
        }
        form method="post" action={ (path) "?lang=" (lang.code()) } {
            input type="hidden" name="csrf" value=(viewer.csrf);
            p.help { (t(lang, [
                "Paikkamerkit: {service}, {start}, {estimated_end}, {next_update}, {window_start}, {window_end}, {link}.",
                "Platshållare: {service}, {start}, {estimated_end}, {next_update}, {window_start}, {window_end}, {link}.",
                "Placeholders: {service}, {start}, {estimated_end}, {next_update}, {window_start}, {window_end}, {link}.",
            ])) }
            (error_list(errors, "id"))
            (localized(form, errors, "name", t(lang, ["Pohjan nimi", "Mallens namn", "Template name"]), false, &["fi", "sv"]))
            (localized(form, errors, "title", t(lang, ["Otsikko", "Rubrik", "Title"]), false, &["fi", "sv"]))
            (localized(form, errors, "body", t(lang, ["Teksti", "Text", "Text"]), true, &["fi", "sv"]))
            (sms_fields(form, errors, lang, t(lang, ["Tekstiviesti", "SMS", "SMS"])))
            @for a in Audience::ALL {
                (localized(form, errors, &format!("instructions_{}", a.code()), audience_label(lang, *a), true, &[]))
            }
            div.actions { button type="submit" { (t(lang, ["Tallenna uutena versiona", "Spara som ny version", "Save as a new version"])) } }
        }
        h2 { (t(lang, ["Versiot", "Versioner", "Versions"])) }
        ul {
            @for ver in v.versions.iter().flatten() {
                li { (ver.version) " · " (local_time(lang, ver.created_at)) " · " (ver.actor) " · " code { (ver.source) } }
            }
        }
    };
    layout(lang, &name, &path, Some(viewer), body)
}

/// The form of a template's current texts.
pub fn template_form(v: &TemplateView) -> Posted {
    let mut f = Posted::default();
    for (field, map) in [
        ("name", &v.name),
        ("title", &v.title),
        ("body", &v.body),
        ("sms", &v.sms),
    ] {
        for (l, text) in map {
            f.push(&format!("{field}_{}", l.code()), text);
        }
    }
    for (a, map) in &v.instructions {
        for (l, text) in map {
            f.push(&format!("instructions_{}_{}", a.code(), l.code()), text);
        }
    }
    f
}
