//! Typed configuration: `config/faultcast.toml`, then `FAULTCAST__SECTION__KEY` variables.

mod intake;
mod load;
mod paths;
mod settings;
mod validate;

pub use intake::{IncidentLink, IntakeSettings};
pub use load::{DEFAULT_CONFIG_PATH, DEFAULT_TOML, ENV_PREFIX, load};
pub use settings::*;
pub use validate::valid_sender_id;
