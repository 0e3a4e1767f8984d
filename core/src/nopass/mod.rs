//! Placeholder: the nopass client arrives with its own module files.
