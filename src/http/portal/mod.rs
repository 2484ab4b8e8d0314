//! `/portal`: the organisation portal. A portal admin signs in with a link emailed to them
//! and works on their own organisation only: its record, its recipients (the console's own
//! forms, limited by the session), "still current" and "did we get it?". Anything of another
//! organisation is simply not found.

mod home;
mod signin;

use super::AppState;
use super::console::{contacts, import, registry, reports};
use axum::Router;
use axum::routing::{get, post};

/// The portal's routes.
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/portal", get(home::show))
        .route("/portal/link-request", post(signin::request_link))
        .route("/portal/link", get(signin::link).post(signin::sign_in))
        .route("/portal/logout", post(signin::sign_out))
        .route("/portal/language", post(signin::choose_language))
        .route("/portal/confirm", post(home::confirm))
        .route("/portal/services", post(home::services))
        .route("/portal/notices", get(home::received))
        .route("/portal/reports", get(reports::portal_list))
        .route("/portal/reports/{id}", get(reports::portal_show))
        .route("/portal/contacts.csv", get(registry::export_csv))
        .route(
            "/portal/contacts/new",
            get(contacts::new).post(contacts::create),
        )
        .route(
            "/portal/contacts/import",
            get(import::show).post(import::import),
        )
        .route(
            "/portal/contacts/{contact}",
            get(contacts::edit).post(contacts::update),
        )
        .route("/portal/contacts/{contact}/delete", post(contacts::delete))
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            super::rate_limits::console,
        ))
        .layer(axum::middleware::from_fn(super::console::private))
}
