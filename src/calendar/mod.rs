//! Time as people in Finland read it: local wall-clock times across daylight-saving changes,
//! and the Finnish public holidays.

mod holidays;
mod local;

pub use holidays::{Holiday, easter_sunday, finnish_holidays, holiday_on};
pub use local::{
    Edge, HELSINKI, SERVICE_YEARS, at_local, in_service_years, parse_rfc3339, parse_time,
};
