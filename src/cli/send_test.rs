//! `faultcast send-test --email ADDRESS | --sms NUMBER`: one message through the configured
//! channel, now, with the relay's or gateway's answer — a drill of the channel end to end
//! before it is needed (a wrong password, a blocked port, an expired gateway token).

use crate::config::Settings;
use crate::delivery::{EmailChannel, OutgoingEmail, SendError, SmsChannel};
use crate::gateways::OutgoingSms;
use crate::notices::RenderedEmail;
use crate::registry::{EmailAddress, PhoneNumber};

/// What the test message says, in the three languages (a recipient may read any of them).
const SUBJECT: &str = "faultcast: testiviesti / testmeddelande / test message";
const TEXT: &str = "Tämä on faultcastin testiviesti: kanava toimii. Toimenpiteitä ei tarvita.\n\n\
Detta är ett testmeddelande från faultcast: kanalen fungerar. Inga åtgärder behövs.\n\n\
This is a test message from faultcast: the channel works. Nothing needs to be done.";
const SMS: &str = "faultcast: testiviesti / testmeddelande / test message. OK.";

/// Which channel to check, and to whom.
pub enum Target {
    Email(String),
    Sms(String),
}

/// The answer as one line.
fn outcome(channel: &str, to: &str, sent: Result<String, SendError>) -> anyhow::Result<String> {
    match sent {
        Ok(detail) => Ok(format!("{channel} to {to}: accepted{detail}")),
        Err(e) => {
            let why = match &e {
                SendError::Config(_) => "check the channel's settings and credentials",
                SendError::Permanent(_) => "refused for this recipient",
                SendError::Transient(_) | SendError::Throttled(..) => {
                    "try again; the server may be down or busy"
                }
            };
            anyhow::bail!("{channel} to {to} failed ({e}): {why}")
        }
    }
}

/// Sends the test message; `Ok` with a line to print when the relay or gateway accepted it.
pub async fn send_test(target: Target, settings: &Settings) -> anyhow::Result<String> {
    settings.validate().map_err(anyhow::Error::msg)?;
    let id = uuid::Uuid::now_v7().simple().to_string();
    match target {
        Target::Email(to) => {
            let to = EmailAddress::parse(&to)
                .map_err(|e| anyhow::anyhow!("--email: the address {e}"))?;
            let channel = EmailChannel::from_settings(&settings.email)?;
            let rendered = RenderedEmail {
                subject: SUBJECT.to_owned(),
                text: TEXT.to_owned(),
                html: format!(
                    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{SUBJECT}</title></head><body>{}</body></html>",
                    TEXT.split("\n\n")
                        .map(|p| format!("<p>{p}</p>"))
                        .collect::<String>()
                ),
            };
            let mail = OutgoingEmail {
                to: to.as_str().to_owned(),
                return_path: None,
                message_id: format!("<send-test.{id}@faultcast.invalid>"),
                language: "fi",
                content: std::sync::Arc::new(rendered.into()),
                own_link: None,
            };
            let sent = channel.send(&mail).await.map(|()| String::new());
            outcome("email", to.as_str(), sent)
        }
        Target::Sms(to) => {
            let to =
                PhoneNumber::parse(&to).map_err(|e| anyhow::anyhow!("--sms: the number {e}"))?;
            let channel = SmsChannel::from_settings(&settings.sms)?;
            let sms = OutgoingSms {
                to: to.as_str().to_owned(),
                text: SMS.to_owned(),
                reference: format!("send-test-{id}"),
            };
            let sent = channel
                .send(&sms)
                .await
                .map(|gw| gw.map(|g| format!(" (gateway id {g})")).unwrap_or_default());
            outcome("sms", to.as_str(), sent)
        }
    }
}
