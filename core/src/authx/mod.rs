//! Placeholder: the authx client arrives with its own module files.
