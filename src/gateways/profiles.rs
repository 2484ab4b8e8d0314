//! The provider list: which provider each configured profile is.

use super::provider::SmsProvider;
use super::{gatewayapi::Gatewayapi, generic::Generic, twilio::Twilio};
use crate::config::{SmsHttpSettings, SmsProfile};
use std::sync::Arc;

/// The configured profile's provider, with its keys.
pub fn provider(settings: &SmsHttpSettings) -> Arc<dyn SmsProvider> {
    match settings.profile {
        SmsProfile::Generic => Arc::new(Generic::new(settings)),
        SmsProfile::Gatewayapi => Arc::new(Gatewayapi::new(settings)),
        SmsProfile::Twilio => Arc::new(Twilio::new(settings)),
    }
}
