//! `/console`: the operator console's routes. Pages are rendered by `crate::console`, read
//! through the query layer, and every form posts to a handler that calls intake.

mod approvals;
pub(super) mod contacts;
mod dashboard;
pub(super) mod form;
pub(super) mod import;
mod in_org;
pub(super) mod language;
pub(super) mod notices;
mod provider;
pub(super) mod reach;
pub(super) mod registry;
pub(super) mod reports;
mod revise;
pub(super) mod session;
pub(super) mod signin;
pub(super) mod template_form;
mod templates;
mod tokens;

use super::AppState;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};

/// The console's pages may post their own forms (the public pages post none).
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The policy of a page whose form may also lead to `origins` (the sign-in button's POST
/// is answered with a redirect to the identity provider, which `form-action` governs too).
pub fn csp_with_form_targets(origins: &str) -> String {
    CSP.replace(
        "form-action 'self'",
        &format!("form-action 'self' {origins}"),
    )
}

/// The console's routes.
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/console", get(dashboard::show))
        .route("/console/login", get(signin::page))
        .route(
            "/console/login/link",
            get(signin::link).post(signin::sign_in),
        )
        .route("/console/login/oidc", post(provider::start))
        .route(crate::oidc::CALLBACK_PATH, get(provider::callback))
        .route("/console/logout", post(signin::sign_out))
        .route("/console/language", post(language::choose))
        .route(
            "/console/notices/new",
            get(notices::new).post(notices::post),
        )
        .route("/console/notices/{id}", get(notices::show))
        .route("/console/notices/{id}/reach", get(reach::show))
        .route("/console/notices/{id}/reach.csv", get(reach::csv))
        .route("/console/organisations", get(registry::organisations))
        .route("/console/organisations/{id}", get(registry::organisation))
        .route(
            "/console/organisations/{id}/contacts.csv",
            get(registry::export_csv),
        )
        .route(
            "/console/organisations/{id}/contacts/new",
            get(contacts::new).post(contacts::create),
        )
        .route(
            "/console/organisations/{id}/contacts/import",
            get(import::show).post(import::import),
        )
        .route(
            "/console/organisations/{id}/contacts/{contact}",
            get(contacts::edit).post(contacts::update),
        )
        .route(
            "/console/organisations/{id}/contacts/{contact}/delete",
            post(contacts::delete),
        )
        .route("/console/tokens", get(tokens::show).post(tokens::create))
        .route("/console/templates", get(templates::list))
        .route(
            "/console/templates/{id}",
            get(templates::show).post(templates::change),
        )
        .route("/console/tokens/{id}/revoke", post(tokens::revoke))
        .route("/console/audit", get(registry::audit))
        .route("/console/reports", get(reports::queue))
        .route("/console/reports/notice", get(reports::new_notice))
        .route(
            "/console/reports/{id}",
            get(reports::show).post(reports::triage),
        )
        .route(
            "/console/reports/{id}/attachments/{attachment}",
            get(reports::attachment),
        )
        .route(
            "/console/notices/{id}/revise",
            get(revise::show).post(revise::post),
        )
        .route("/console/notices/{id}/retry", post(notices::retry))
        .route("/console/notices/{id}/approve", post(approvals::approve))
        .route("/console/notices/{id}/submit", post(approvals::submit))
        .route("/console/notices/{id}/end", post(notices::end))
        .route("/console/notices/{id}/cancel", post(notices::cancel))
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            super::rate_limits::console,
        ))
        .layer(axum::middleware::from_fn(private))
}

/// Console answers are private: never cached, never framed, their own forms only.
pub(super) async fn private(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Not `no-referrer`: with it a browser sends `Origin: null` on a form's POST, and
        // the console's own forms could not be told from a foreign site's.
        (header::REFERRER_POLICY, "same-origin"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    res
}
