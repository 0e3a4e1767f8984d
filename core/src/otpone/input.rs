//! Checks on what the caller passes, run before anything is sent. Every parameter the guide lists
//! is "Required"; the guide gives no lengths (docs/vendors/otpone.md, "Parameters"), so the only
//! other rules are those that keep a value meaningful (a mail address has an `@`) or keep it out of
//! trouble (no control characters in ids that end up in pages and logs).

use crate::validate::{no_control, required};
use crate::{Error, Result};

/// Longest mail address (RFC 5321 §4.5.3.1.3 limits a path to 256 octets, brackets included).
const MAX_MAIL_CHARS: usize = 254;

/// `UserMail`: required, one line, with an `@`.
pub(super) fn user_mail(field: &str, value: &str) -> Result<()> {
    required(field, value)?;
    no_control(field, value)?;
    if !value.contains('@') {
        return Err(Error::invalid(field, "must be a mail address (name@domain)"));
    }
    if value.chars().count() > MAX_MAIL_CHARS {
        return Err(Error::invalid(field, format!("must be at most {MAX_MAIL_CHARS} characters")));
    }
    Ok(())
}

/// An id (`transactionid`, `FormID`): required, without control characters or white space.
pub(super) fn id(field: &str, value: &str) -> Result<()> {
    required(field, value)?;
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::invalid(field, "must not contain white space or control characters"));
    }
    Ok(())
}

/// A one-line text (`userIP`, `OSType`, `NavigatorOrAPPName`): required, no control characters.
pub(super) fn line(field: &str, value: &str) -> Result<()> {
    required(field, value)?;
    no_control(field, value)
}

/// `Message` shown on the phone: required; line breaks and tabs are allowed, other control
/// characters are not.
pub(super) fn message(field: &str, value: &str) -> Result<()> {
    required(field, value)?;
    if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Error::invalid(field, "must not contain control characters other than line breaks"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_field() {
        assert!(user_mail("UserMail", "a@b.c").is_ok());
        assert!(user_mail("UserMail", "abc").unwrap_err().to_string().contains("`UserMail`"));
        assert!(user_mail("UserMail", "a@b\n").is_err());
        assert!(id("transactionid", "a b").is_err());
        assert!(id("FormID", "").is_err());
        assert!(message("Message", "line one\nline two").is_ok());
        assert!(message("Message", "bell\u{7}").is_err());
        assert!(line("OSType", " ").is_err());
    }
}
