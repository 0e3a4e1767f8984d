//! Placeholder: the descope client arrives with its own module files.
