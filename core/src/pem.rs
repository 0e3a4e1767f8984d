//! PEM certificates and private keys, read the same way by the clients' TLS and the server
//! loop's, with errors that name what was being read and never quote a key.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::{Error, Result};

/// Every certificate in `pem`, in order; `what` names the input in errors ("the client CA
/// bundle"). Fails when the PEM is malformed or holds no certificate.
pub(crate) fn certificates(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Config(format!("{what} is not usable PEM: {e}")))?;
    if certificates.is_empty() {
        return Err(Error::Config(format!("{what} holds no PEM certificate")));
    }
    Ok(certificates)
}

/// The first private key in `pem` (PKCS#8, PKCS#1 or SEC1).
pub(crate) fn private_key(pem: &[u8], what: &str) -> Result<PrivateKeyDer<'static>> {
    // The parser's error can quote the offending line, which is part of the key.
    PrivateKeyDer::from_pem_slice(pem)
        .map_err(|_| Error::Config(format!("{what} is not a usable PEM private key (PKCS#8, PKCS#1 or SEC1)")))
}
