//! The typed core API shared by the bindings.

pub mod records;
