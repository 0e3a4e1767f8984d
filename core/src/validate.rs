//! Checks on caller input, run before anything is sent. Each failure names the field as the
//! vendor spells it and the rule it broke.

use crate::{Error, Result};

/// The field must not be empty (after trimming white space).
pub(crate) fn required(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    Ok(())
}

/// The field must have at most `max` characters.
#[allow(dead_code)]
pub(crate) fn max_chars(field: &str, value: &str, max: usize) -> Result<()> {
    let len = value.chars().count();
    if len > max {
        return Err(Error::invalid(field, format!("must be at most {max} characters (got {len})")));
    }
    Ok(())
}

/// The field must be non-empty and at most `max` characters.
#[allow(dead_code)]
pub(crate) fn required_max(field: &str, value: &str, max: usize) -> Result<()> {
    required(field, value)?;
    max_chars(field, value, max)
}

/// The field must not contain control characters (they would corrupt headers or logs).
pub(crate) fn no_control(field: &str, value: &str) -> Result<()> {
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_field_and_rule() {
        let e = required_max("adminId", &"x".repeat(65), 64).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert_eq!(e.to_string(), "invalid input: `adminId` must be at most 64 characters (got 65)");
        assert!(required("code", "  ").is_err());
        assert!(no_control("userExtId", "a\nb").is_err());
        assert!(max_chars("x", "ééé", 3).is_ok());
    }
}
