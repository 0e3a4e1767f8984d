//! The two OtpOne API keys (docs/vendors/otpone.md, "Keys").
//!
//! Every API key comes as a pair: a server key `SRV-…` that "don't have a place in JavaScript
//! or in a client application", and a client key `JS-…` for the web page or desktop client.
//! They are two types here so that a server operation simply cannot be given a client key:
//! [`super::OtpOneServer`] takes a [`ServerKey`], [`super::OtpOneClient`] a [`ClientKey`].
//! Bindings, which receive plain strings, build the type they need with [`ServerKey::new`] or
//! [`ClientKey::new`] (or [`Key::parse`]) and get `invalid_input` for the other kind.

use std::fmt;

use crate::{Error, Result, Secret};

/// Longest key accepted. Keys look like `SRV-` + a GUID (about 40 characters); the bound only
/// stops absurd input before it goes into a URL.
const MAX_KEY_CHARS: usize = 256;

/// Which of the two keys a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// `SRV-…`: server side only.
    Server,
    /// `JS-…`: the client side (web page, client application).
    Client,
}

impl KeyKind {
    /// The prefix the guide gives this kind of key.
    pub fn prefix(self) -> &'static str {
        match self {
            KeyKind::Server => "SRV-",
            KeyKind::Client => "JS-",
        }
    }

    /// The query parameter that carries this kind of key, as named by default.
    fn field(self) -> &'static str {
        match self {
            KeyKind::Server => "SrvAPIKey",
            KeyKind::Client => "JsAPIKey",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            KeyKind::Server => "a server key (SRV-…)",
            KeyKind::Client => "a client key (JS-…)",
        }
    }

    /// The kind a key's prefix announces, if any.
    fn of(value: &str) -> Option<KeyKind> {
        [KeyKind::Server, KeyKind::Client].into_iter().find(|kind| value.starts_with(kind.prefix()))
    }
}

/// The server key (`SRV-…`). Its `Debug` and `Display` print `SRV-***`.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerKey(Secret);

/// The client key (`JS-…`). Its `Debug` and `Display` print `JS-***`.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientKey(Secret);

impl ServerKey {
    /// Checks that `value` is a server key. A client key (`JS-…`), or anything else, is
    /// `invalid_input` naming `SrvAPIKey`; the value itself never appears in the error.
    pub fn new(value: impl Into<String>) -> Result<Self> {
        checked(Secret::new(value.into()), KeyKind::Server).map(ServerKey)
    }

    /// The plain key, for the request URL only.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    pub(crate) fn secret(&self) -> &Secret {
        &self.0
    }
}

impl ClientKey {
    /// Checks that `value` is a client key. A server key (`SRV-…`), or anything else, is
    /// `invalid_input` naming `JsAPIKey`; the value itself never appears in the error.
    pub fn new(value: impl Into<String>) -> Result<Self> {
        checked(Secret::new(value.into()), KeyKind::Client).map(ClientKey)
    }

    /// The plain key, for the request URL only.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    pub(crate) fn secret(&self) -> &Secret {
        &self.0
    }
}

/// Either key, for callers that receive a key without knowing its kind (configuration files,
/// bindings).
#[derive(Clone, PartialEq, Eq)]
pub enum Key {
    /// A server key (`SRV-…`).
    Server(ServerKey),
    /// A client key (`JS-…`).
    Client(ClientKey),
}

impl Key {
    /// Reads a key by its prefix: `SRV-…` is a [`ServerKey`], `JS-…` a [`ClientKey`]; anything
    /// else is `invalid_input`.
    pub fn parse(value: impl Into<String>) -> Result<Key> {
        let secret = Secret::new(value.into());
        match KeyKind::of(secret.expose()) {
            Some(KeyKind::Server) => checked(secret, KeyKind::Server).map(|s| Key::Server(ServerKey(s))),
            Some(KeyKind::Client) => checked(secret, KeyKind::Client).map(|s| Key::Client(ClientKey(s))),
            None => Err(Error::invalid("key", "must be a server key (SRV-…) or a client key (JS-…)")),
        }
    }

    /// Which kind of key this is.
    pub fn kind(&self) -> KeyKind {
        match self {
            Key::Server(_) => KeyKind::Server,
            Key::Client(_) => KeyKind::Client,
        }
    }

    /// The server key, or `invalid_input` when this is a client key.
    pub fn into_server(self) -> Result<ServerKey> {
        match self {
            Key::Server(key) => Ok(key),
            Key::Client(_) => Err(wrong_kind(KeyKind::Server, KeyKind::Client)),
        }
    }

    /// The client key, or `invalid_input` when this is a server key.
    pub fn into_client(self) -> Result<ClientKey> {
        match self {
            Key::Client(key) => Ok(key),
            Key::Server(_) => Err(wrong_kind(KeyKind::Client, KeyKind::Server)),
        }
    }
}

fn checked(secret: Secret, want: KeyKind) -> Result<Secret> {
    let value = secret.expose();
    let field = want.field();
    match KeyKind::of(value) {
        Some(kind) if kind == want => {}
        Some(other) => return Err(wrong_kind(want, other)),
        None => {
            return Err(Error::invalid(field, format!("must be {} (starting with {})", want.describe(), want.prefix())))
        }
    }
    if value.len() == want.prefix().len() {
        return Err(Error::invalid(field, format!("must have characters after {}", want.prefix())));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(field, "must not contain white space or control characters"));
    }
    if secret.char_len() > MAX_KEY_CHARS {
        return Err(Error::invalid(field, format!("must be at most {MAX_KEY_CHARS} characters")));
    }
    Ok(secret)
}

fn wrong_kind(want: KeyKind, got: KeyKind) -> Error {
    let hint = match want {
        KeyKind::Server => "; client keys only serve IsFinish and GetResult",
        KeyKind::Client => "; the server key must never reach a client",
    };
    Error::invalid(want.field(), format!("must be {}, got {}{hint}", want.describe(), got.describe()))
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SRV-***")
    }
}

impl fmt::Display for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SRV-***")
    }
}

impl fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JS-***")
    }
}

impl fmt::Display for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JS-***")
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Server(key) => write!(f, "Server({key:?})"),
            Key::Client(key) => write!(f, "Client({key:?})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRV: &str = "SRV-1a2b3c4d-0000-1111-2222-333344445555";
    const JS: &str = "JS-1a2b3c4d-0000-1111-2222-333344445555";

    #[test]
    fn each_type_takes_only_its_own_prefix() {
        assert!(ServerKey::new(SRV).is_ok());
        assert!(ClientKey::new(JS).is_ok());
        let e = ServerKey::new(JS).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.to_string().contains("`SrvAPIKey` must be a server key"), "{e}");
        assert!(!e.to_string().contains("1a2b3c4d"));
        let e = ClientKey::new(SRV).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.to_string().contains("`JsAPIKey`"), "{e}");
        assert!(!e.to_string().contains("1a2b3c4d"));
    }

    #[test]
    fn parse_sorts_by_prefix_and_refuses_the_rest() {
        assert_eq!(Key::parse(SRV).unwrap().kind(), KeyKind::Server);
        assert_eq!(Key::parse(JS).unwrap().kind(), KeyKind::Client);
        for bad in ["", "srv-abc", "KEY-abc", "SRV-", "JS-", "SRV-a b", "SRV-a\n"] {
            assert_eq!(Key::parse(bad).unwrap_err().code(), "invalid_input", "{bad:?}");
        }
        assert_eq!(Key::parse(JS).unwrap().into_server().unwrap_err().code(), "invalid_input");
        assert_eq!(Key::parse(SRV).unwrap().into_client().unwrap_err().code(), "invalid_input");
        assert_eq!(Key::parse(SRV).unwrap().into_server().unwrap().expose(), SRV);
    }

    #[test]
    fn printing_hides_the_key() {
        let key = Key::parse(SRV).unwrap();
        let client = ClientKey::new(JS).unwrap();
        for printed in [format!("{key:?}"), format!("{client:?}"), format!("{client}")] {
            assert!(!printed.contains("1a2b3c4d"), "{printed}");
        }
        assert_eq!(format!("{key:?}"), "Server(SRV-***)");
    }
}
