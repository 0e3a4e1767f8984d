//! The public TOTP generator against RFC 6238 Appendix B and the Key URI Format.

use authbridge::totp::{Totp, TotpAlgorithm};

/// The Appendix B seeds: ASCII "1234567890" repeated to the hash's block-sized key length.
fn seed(len: usize) -> Vec<u8> {
    b"1234567890".iter().copied().cycle().take(len).collect()
}

/// RFC 6238 Appendix B, shared with the other languages' tests.
const RFC6238_VECTORS: &str = include_str!("../../tests/vectors/totp-rfc6238.json");

#[test]
fn rfc6238_appendix_b_sha1_sha256_sha512() {
    let vectors: serde_json::Value = serde_json::from_str(RFC6238_VECTORS).unwrap();
    let digits = vectors["digits"].as_u64().unwrap() as u32;
    let algorithms =
        [("SHA1", TotpAlgorithm::Sha1), ("SHA256", TotpAlgorithm::Sha256), ("SHA512", TotpAlgorithm::Sha512)];
    let mut checked = 0;
    for (name, algorithm) in algorithms {
        let key = vectors["keys"][name].as_str().unwrap().as_bytes().to_vec();
        let totp = Totp::new(key).unwrap().with_algorithm(algorithm).with_digits(digits).unwrap();
        for vector in vectors["vectors"].as_array().unwrap() {
            let time = vector["time"].as_u64().unwrap();
            assert_eq!(totp.generate_at(time).expose(), vector[name].as_str().unwrap(), "{name} at {time}");
            checked += 1;
        }
    }
    assert_eq!(checked, 18, "every Appendix B vector is checked");
}

#[test]
fn six_digits_are_the_last_six_of_the_eight() {
    let totp = Totp::new(seed(20)).unwrap();
    assert_eq!(totp.digits(), 6);
    assert_eq!(totp.period(), 30);
    assert_eq!(totp.algorithm(), TotpAlgorithm::Sha1);
    assert_eq!(totp.generate_at(59).expose(), "287082");
    assert_eq!(totp.generate_at(1_111_111_109).expose(), "081804");
}

#[test]
fn base32_secret_gives_the_same_codes_as_raw_bytes() {
    // base32("12345678901234567890") as authenticator apps display it.
    let totp = Totp::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap().with_digits(8).unwrap();
    assert_eq!(totp.generate_at(59).expose(), "94287082");
}

#[test]
fn otpauth_uri_sets_algorithm_digits_and_period() {
    // SHA256 seed of Appendix B, base32-encoded.
    let uri =
        "otpauth://totp/ACME%20Co:john.doe%40email.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA\
               &issuer=ACME%20Co&algorithm=SHA256&digits=8&period=30";
    let totp = Totp::from_uri(uri).unwrap();
    assert_eq!(totp.algorithm(), TotpAlgorithm::Sha256);
    assert_eq!(totp.digits(), 8);
    assert_eq!(totp.issuer(), Some("ACME Co"));
    assert_eq!(totp.account(), Some("john.doe@email.com"));
    assert_eq!(totp.generate_at(1_234_567_890).expose(), "91819424");

    let sixty = Totp::from_uri("otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=60").unwrap();
    assert_eq!(sixty.period(), 60);
    // With a 60 s step, time 118 is step 1, the step 30 s codes reach at time 59.
    assert_eq!(sixty.generate_at(118).expose(), Totp::new(seed(20)).unwrap().generate_at(59).expose());
}

#[test]
fn uri_without_parameters_uses_the_defaults() {
    let totp = Totp::from_uri("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP").unwrap();
    assert_eq!((totp.algorithm(), totp.digits(), totp.period()), (TotpAlgorithm::Sha1, 6, 30));
    assert_eq!(totp.issuer(), Some("Example"));
    assert_eq!(totp.account(), Some("alice"));
}

#[test]
fn bad_uris_and_settings_are_refused_naming_the_field() {
    let field = |e: authbridge::Error| match e {
        authbridge::Error::InvalidInput { field, .. } => field,
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(field(Totp::from_uri("https://example.com/?secret=JBSWY3DP").unwrap_err()), "uri");
    assert_eq!(field(Totp::from_uri("otpauth://hotp/x?secret=JBSWY3DP&counter=1").unwrap_err()), "uri");
    assert_eq!(field(Totp::from_uri("otpauth://totp/x?issuer=a").unwrap_err()), "secret");
    assert_eq!(field(Totp::from_uri("otpauth://totp/x?secret=JBSWY3DP&algorithm=MD5").unwrap_err()), "algorithm");
    assert_eq!(field(Totp::from_uri("otpauth://totp/x?secret=JBSWY3DP&digits=4").unwrap_err()), "digits");
    assert_eq!(field(Totp::from_uri("otpauth://totp/x?secret=JBSWY3DP&period=0").unwrap_err()), "period");
    assert_eq!(field(Totp::new(Vec::new()).unwrap_err()), "secret");
}

#[test]
fn debug_and_errors_never_show_the_secret() {
    let totp = Totp::from_base32("JBSWY3DPEHPK3PXP").unwrap();
    let debug = format!("{totp:?}");
    assert!(!debug.contains("JBSWY3DPEHPK3PXP") && !debug.contains("Hello"), "{debug}");
    let code = totp.generate_at(59);
    assert_eq!(format!("{code:?}"), "***");
    let error = Totp::from_base32("JBSWY3DP!!secret-ish").unwrap_err();
    assert!(!error.to_string().contains("secret-ish"));
}

#[test]
fn verification_accepts_one_step_of_drift_only() {
    let totp = Totp::new(seed(20)).unwrap();
    let code = totp.generate_at(1_000_020);
    assert_eq!(totp.verify_at(code.expose(), 1_000_020, 1), Some(totp.step_at(1_000_020)));
    assert!(totp.verify_at(code.expose(), 1_000_020 + 30, 1).is_some());
    assert!(totp.verify_at(code.expose(), 1_000_020 - 30, 1).is_some());
    assert!(totp.verify_at(code.expose(), 1_000_020 + 60, 1).is_none());
    assert!(totp.verify_at("abcdef", 1_000_020, 1).is_none());
    assert_eq!(totp.seconds_left_at(1_000_020), 30);
    assert_eq!(totp.seconds_left_at(1_000_021), 29);
}
