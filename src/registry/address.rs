//! A recipient's address on one channel: an email address, or a mobile number.

use super::email::EmailAddress;
use super::phone::PhoneNumber;
use super::vocabulary::Channel;

/// Where one message goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    Email(EmailAddress),
    Phone(PhoneNumber),
}

impl Address {
    /// Parses `text` as an address of `channel`.
    pub fn parse(channel: Channel, text: &str) -> Result<Self, String> {
        match channel {
            Channel::Email => EmailAddress::parse(text).map(Address::Email),
            Channel::Sms => PhoneNumber::parse(text).map(Address::Phone),
        }
    }

    /// The channel that reaches it.
    pub fn channel(&self) -> Channel {
        match self {
            Address::Email(_) => Channel::Email,
            Address::Phone(_) => Channel::Sms,
        }
    }

    /// The address as given (email) or in E.164 (phone).
    pub fn as_str(&self) -> &str {
        match self {
            Address::Email(e) => e.as_str(),
            Address::Phone(p) => p.as_str(),
        }
    }

    /// A form safe for logs and listings.
    pub fn masked(&self) -> String {
        match self {
            Address::Email(e) => e.masked(),
            Address::Phone(p) => p.masked(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_belongs_to_its_channel_and_masks_itself() {
        let e = Address::parse(Channel::Email, "tuki@apteekki.fi").unwrap();
        assert_eq!(
            (e.channel(), e.as_str()),
            (Channel::Email, "tuki@apteekki.fi")
        );
        assert_eq!(e.masked(), "t***@apteekki.fi");
        let p = Address::parse(Channel::Sms, "040 123 4567").unwrap();
        assert_eq!((p.channel(), p.as_str()), (Channel::Sms, "+358401234567"));
        assert!(!p.masked().contains("1234567"));
        assert!(Address::parse(Channel::Sms, "tuki@apteekki.fi").is_err());
        assert!(Address::parse(Channel::Email, "+358401234567").is_err());
    }
}
