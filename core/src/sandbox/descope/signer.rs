//! The stand-in's JWT signing keys and the JWKS it publishes at `GET /v2/keys/<ProjectId>`.
//!
//! Descope signs session and refresh JWTs with RS256 and publishes the public keys as a JWKS;
//! the official SDKs (and authbridge) validate tokens against it. The stand-in does the same
//! with a 2048-bit RSA key made on first use (not at start: most sandbox users never need
//! one, and generating it takes a noticeable moment). After [`Signer::rotate`] it signs with a
//! new key and keeps publishing the previous ones, as a real rotation does.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Map, Value};

const KEY_BITS: usize = 2048;

/// One signing key: its id, its private half for signing, its public half as a JWK.
struct SigningKey {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    jwk: Value,
}

/// The current key and the rotated-out ones still published.
pub(super) struct Signer {
    current: Arc<SigningKey>,
    previous: Vec<Arc<SigningKey>>,
}

impl Signer {
    pub(super) fn new() -> Self {
        Self { current: Arc::new(generate()), previous: Vec::new() }
    }

    /// Signs with a fresh key from now on; the old one stays in the JWKS.
    pub(super) fn rotate(&mut self) {
        let old = std::mem::replace(&mut self.current, Arc::new(generate()));
        self.previous.insert(0, old);
        self.previous.truncate(3);
    }

    /// `{"keys":[…]}` with the current key first.
    pub(super) fn jwks(&self) -> Value {
        let keys: Vec<Value> =
            std::iter::once(&self.current).chain(self.previous.iter()).map(|key| key.jwk.clone()).collect();
        json!({ "keys": keys })
    }

    /// The `kid` tokens are signed with now.
    pub(super) fn kid(&self) -> &str {
        &self.current.kid
    }

    /// An RS256 JWT of `claims`, with `kid` and `typ` in its header.
    pub(super) fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.current.kid.clone());
        header.typ = Some("JWT".into());
        // Signing with a key made here cannot fail; an empty token would be refused by
        // every validator anyway.
        jsonwebtoken::encode(&header, claims, &self.current.encoding).unwrap_or_default()
    }

    /// The claims of a token signed by one of the published keys and not expired.
    pub(super) fn verify(&self, token: &str) -> Option<Map<String, Value>> {
        let kid = jsonwebtoken::decode_header(token).ok()?.kid?;
        let key = std::iter::once(&self.current).chain(self.previous.iter()).find(|key| key.kid == kid)?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = 5;
        validation.validate_aud = false;
        jsonwebtoken::decode::<Map<String, Value>>(token, &key.decoding, &validation).ok().map(|data| data.claims)
    }
}

fn generate() -> SigningKey {
    let mut rng = ThreadRng;
    let (private, der) = loop {
        // Generation and encoding of a fresh key do not fail in practice; retrying keeps
        // the code free of panics.
        if let Ok(private) = RsaPrivateKey::new(&mut rng, KEY_BITS) {
            if let Ok(der) = private.to_pkcs1_der() {
                break (private, der);
            }
        }
    };
    let kid = {
        use rand::Rng;
        let bytes: [u8; 12] = rand::rng().random();
        format!("SK{}", URL_SAFE_NO_PAD.encode(bytes))
    };
    let (n, e) = (URL_SAFE_NO_PAD.encode(private.n().to_bytes_be()), URL_SAFE_NO_PAD.encode(private.e().to_bytes_be()));
    let decoding = DecodingKey::from_rsa_raw_components(&private.n().to_bytes_be(), &private.e().to_bytes_be());
    let jwk = json!({ "alg": "RS256", "e": e, "kid": kid, "kty": "RSA", "n": n, "use": "sig" });
    SigningKey { kid, encoding: EncodingKey::from_rsa_der(der.as_bytes()), decoding, jwk }
}

/// `rsa` 0.9 takes a `rand_core` 0.6 generator; this one draws from `rand`'s thread-local
/// CSPRNG (the crate's own `rand` 0.9), so no second source of randomness is needed.
struct ThreadRng;

impl rsa::rand_core::RngCore for ThreadRng {
    fn next_u32(&mut self) -> u32 {
        rand::Rng::random(&mut rand::rng())
    }

    fn next_u64(&mut self) -> u64 {
        rand::Rng::random(&mut rand::rng())
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        rand::RngCore::fill_bytes(&mut rand::rng(), dest);
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rsa::rand_core::CryptoRng for ThreadRng {}
