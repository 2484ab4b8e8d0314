//! Typed configuration: `config/faultcast.toml`, then `FAULTCAST__SECTION__KEY` variables.

mod load;
mod paths;
mod settings;

pub use load::{DEFAULT_CONFIG_PATH, DEFAULT_TOML, ENV_PREFIX, load};
pub use settings::*;
