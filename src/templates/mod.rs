//! Notice templates: the words technical support publishes again and again, with the
//! standing procedures of the fault-situation instructions, per kind, service, audience and
//! phase. Shipped as data (`config/templates/`), managed in the console and the API as
//! versions.

mod files;
mod phase;
mod template;

pub use files::{TemplateFile, load as load_files};
pub use phase::Phase;
pub use template::{MAX_NAME_LEN, Template, TemplateId, TemplateInput};
