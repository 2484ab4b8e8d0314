//! `POST /console/language`: the signed-in person chooses the console's language; it is
//! remembered for their next sessions too. (A `?lang=` on an address only shows that page
//! in a language: a GET changes nothing.)

use super::super::{ApiError, AppState};
use super::form::fields;
use super::session::{Signed, csrf_matches, same_origin, see_other};
use super::signin::forbidden;
use crate::registry::Language;
use axum::extract::{Request, State};
use axum::response::Response;

/// Where to go back to: a console path of ours, never another site.
fn back_to(path: Option<&String>) -> &str {
    path.map(String::as_str)
        .filter(|p| p.starts_with("/console") && !p.contains("//") && !p.contains('\\'))
        .unwrap_or("/console")
}

pub async fn choose(
    State(s): State<AppState>,
    signed: Signed,
    req: Request,
) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map_err(|e| super::super::extract::body_error(&e))?;
    let form = fields(&body);
    if !same_origin(&s, &parts.headers)
        || !csrf_matches(&signed.session, form.get("csrf").map(String::as_str))
    {
        return Err(forbidden());
    }
    let lang = form
        .get("lang")
        .and_then(|l| Language::parse(l).ok())
        .unwrap_or(signed.lang);
    s.intake.set_console_language(&signed.session, lang).await?;
    Ok(see_other(back_to(form.get("back"))))
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn only_a_console_path_is_gone_back_to() {
        let p = |s: &str| Some(s.to_owned());
        assert_eq!(back_to(p("/console/tokens").as_ref()), "/console/tokens");
        assert_eq!(back_to(p("https://evil.example/").as_ref()), "/console");
        assert_eq!(back_to(p("//evil.example/console").as_ref()), "/console");
        assert_eq!(back_to(p("/console//evil.example").as_ref()), "/console");
        assert_eq!(back_to(None), "/console");
    }
}
