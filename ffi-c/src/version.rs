//! The library's version, as macros in the header and as a function at run time, so a program
//! can check that the library it loaded is the one it was compiled against.

use std::ffi::c_char;

/// Major version of the header (`AB_VERSION_MAJOR`).
pub const AB_VERSION_MAJOR: u32 = 0;
/// Minor version of the header.
pub const AB_VERSION_MINOR: u32 = 1;
/// Patch version of the header.
pub const AB_VERSION_PATCH: u32 = 0;
// `AB_VERSION`, the string, is written into the header by `ffi-c/cbindgen.toml`
// (`after_includes`); the test below keeps it equal to the crate version.

/// The version of the loaded library (`"0.1.0"`); compare with `AB_VERSION`. Static; never
/// NULL; do not free.
#[no_mangle]
pub extern "C" fn ab_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_macros_match_the_crate_version() {
        let version = env!("CARGO_PKG_VERSION");
        let parts: Vec<u32> = version.split('.').map(|p| p.parse().unwrap()).collect();
        assert_eq!(parts, [AB_VERSION_MAJOR, AB_VERSION_MINOR, AB_VERSION_PATCH]);
        let header = include_str!("../../include/authbridge.h");
        assert!(header.contains(&format!("#define AB_VERSION \"{version}\"")), "AB_VERSION in the header is stale");
    }
}
