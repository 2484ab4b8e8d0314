//! Email addresses: validated, stored as given, compared case-insensitively.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// RFC 5321 limits a forward path to 256 octets, i.e. 254 for the address itself.
const MAX_EMAIL_LEN: usize = 254;

/// A syntactically valid email address (`local@domain`, no display name).
#[derive(Clone, Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Validates syntax and length; the address is kept exactly as given (trimmed).
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        if s.is_empty() {
            return Err("must not be empty".into());
        }
        if s.len() > MAX_EMAIL_LEN {
            return Err(format!("must be at most {MAX_EMAIL_LEN} characters"));
        }
        // Reject anything that could smuggle a header or a second recipient into SMTP.
        if s.chars()
            .any(|c| c.is_control() || c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>'))
        {
            return Err("must be a single plain address like name@example.fi".into());
        }
        let parsed = email_address::EmailAddress::from_str(s)
            .map_err(|_| "is not a valid email address".to_owned())?;
        if !parsed.domain().contains('.') && !parsed.domain().eq_ignore_ascii_case("localhost") {
            return Err("must have a domain with a dot, like name@example.fi".into());
        }
        Ok(Self(s.to_owned()))
    }

    /// The address as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key under which two registrations are the same address.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    /// A form safe for logs and listings: first character of the local part and the domain.
    pub fn masked(&self) -> String {
        match self.0.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".into(),
        }
    }
}

impl PartialEq for EmailAddress {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0) || self.key() == other.key()
    }
}
impl Eq for EmailAddress {}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ordinary_addresses_are_kept_as_given() {
        for a in [
            "helpdesk@apteekki.fi",
            "Tuki.Palvelu@Sairaala.FI",
            "a+b@x.example.com",
            "ops@localhost",
        ] {
            assert_eq!(EmailAddress::parse(a).unwrap().as_str(), a);
        }
    }

    #[test]
    fn addresses_compare_case_insensitively() {
        let a = EmailAddress::parse("Helpdesk@Apteekki.fi").unwrap();
        let b = EmailAddress::parse("helpdesk@apteekki.FI").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.key(), b.key());
    }

    #[test]
    fn invalid_addresses_are_rejected() {
        let long = format!("{}@example.fi", "a".repeat(250));
        for a in [
            "",
            "no-at-sign",
            "@example.fi",
            "a@",
            "a b@example.fi",
            "a@example",
            "x@y.fi\r\nBcc: z@w.fi",
            "a@x.fi, b@y.fi",
            "<a@x.fi>",
            long.as_str(),
        ] {
            assert!(EmailAddress::parse(a).is_err(), "{a:?} accepted");
        }
    }

    #[test]
    fn debug_output_masks_the_address() {
        let a = EmailAddress::parse("matti.meikalainen@example.fi").unwrap();
        assert_eq!(format!("{a:?}"), "EmailAddress(m***@example.fi)");
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_accepted_addresses_have_no_controls(s in "\\PC{0,40}") {
            if let Ok(a) = EmailAddress::parse(&s) {
                prop_assert!(!a.as_str().chars().any(|c| c.is_control()));
                prop_assert!(a.as_str().len() <= MAX_EMAIL_LEN);
            }
        }
    }
}
