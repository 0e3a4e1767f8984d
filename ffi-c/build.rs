//! Gives the shared library its installed name (SONAME) when the distribution build asks for it
//! (`AUTHBRIDGE_SONAME=1`, set by `scripts/dist`).
//!
//! The rule: from 1.0 on the SONAME carries the major version (`libauthbridge.so.1`); before
//! 1.0 every minor version may break the ABI, as Cargo's semver rules allow, so it carries
//! major and minor (`libauthbridge.so.0.1`). The installed file is `libauthbridge.so.X.Y.Z`.
//!
//! Development builds keep no SONAME: the tests link `libauthbridge_ffi.so` straight from the
//! target directory, where no file by the installed name exists.
fn main() {
    println!("cargo:rerun-if-env-changed=AUTHBRIDGE_SONAME");
    if std::env::var_os("AUTHBRIDGE_SONAME").is_some_and(|value| value == "1") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{}", soname());
    }
}

fn soname() -> String {
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    let minor = env!("CARGO_PKG_VERSION_MINOR");
    if major == "0" {
        format!("libauthbridge.so.0.{minor}")
    } else {
        format!("libauthbridge.so.{major}")
    }
}
