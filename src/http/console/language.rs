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

/// Where to go back to: a path of ours under `home`, never another site.
fn back_to<'a>(path: Option<&'a String>, home: &'a str) -> &'a str {
    path.map(String::as_str)
        .filter(|p| p.starts_with(home) && !p.contains("//") && !p.contains('\\'))
        .unwrap_or(home)
}

/// `POST /console/language`.
pub async fn choose(
    State(s): State<AppState>,
    signed: Signed,
    req: Request,
) -> Result<Response, ApiError> {
    choose_for(&s, &signed, "/console", req).await
}

/// The language chosen by `signed`, who signed in at `home` (`/console` or `/portal`).
pub(in crate::http) async fn choose_for(
    s: &AppState,
    signed: &Signed,
    home: &str,
    req: Request,
) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map_err(|e| super::super::extract::body_error(&e))?;
    let form = fields(&body);
    if !same_origin(s, &parts.headers)
        || !csrf_matches(&signed.session, form.get("csrf").map(String::as_str))
    {
        return Err(forbidden());
    }
    let lang = form
        .get("lang")
        .and_then(|l| Language::parse(l).ok())
        .unwrap_or(signed.lang);
    s.intake.set_console_language(&signed.session, lang).await?;
    Ok(see_other(back_to(form.get("back"), home)))
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn only_a_path_of_the_same_desk_is_gone_back_to() {
        let p = |s: &str| Some(s.to_owned());
        let c = "/console";
        assert_eq!(back_to(p("/console/tokens").as_ref(), c), "/console/tokens");
        assert_eq!(back_to(p("https://evil.example/").as_ref(), c), "/console");
        assert_eq!(back_to(p("//evil.example/console").as_ref(), c), "/console");
        assert_eq!(back_to(p("/console//evil.example").as_ref(), c), "/console");
        assert_eq!(back_to(None, c), "/console");
        assert_eq!(back_to(p("/console").as_ref(), "/portal"), "/portal");
        assert_eq!(
            back_to(p("/portal/notices").as_ref(), "/portal"),
            "/portal/notices"
        );
    }
}
