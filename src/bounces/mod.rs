//! Bounces: delivery status notifications taken over LMTP (the way Mailman 3 takes mail
//! from Postfix), each to a VERP address that names the delivery it is about.

mod lmtp;

pub use lmtp::serve;
