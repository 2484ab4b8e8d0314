//! The languages notices are written and delivered in.

use crate::codes::code_enum;

code_enum! {
    /// A notice language; Finnish and Swedish are the official ones and always present.
    pub enum Language { Fi = "fi", Sv = "sv", En = "en" }
}
