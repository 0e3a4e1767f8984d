//! Placeholder until this surface is built; it links the core so the workspace builds.
pub use authbridge::Error;
