//! Placeholder: the otpone client arrives with its own module files.
