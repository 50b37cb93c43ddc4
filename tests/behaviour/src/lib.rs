//! The Rust stubs generated from `tests/data/codegen/*.fbs`, compiled without the prelude
//! and with every warning denied, for the behaviour tests in `tests/`.
#![no_implicit_prelude]
#![deny(warnings, missing_docs)]

/// Generated from `behaviour.fbs`.
pub mod behaviour_schema {
    ::core::include!(::core::concat!(::core::env!("OUT_DIR"), "/behaviour.rs"));
}

/// Generated from `recursion.fbs`.
pub mod recursion_schema {
    ::core::include!(::core::concat!(::core::env!("OUT_DIR"), "/recursion.rs"));
}

/// Generated from `payload_rules.fbs`.
pub mod payload_rules_schema {
    ::core::include!(::core::concat!(::core::env!("OUT_DIR"), "/payload_rules.rs"));
}

/// Generated from `collisions.fbs`.
pub mod collisions_schema {
    ::core::include!(::core::concat!(::core::env!("OUT_DIR"), "/collisions.rs"));
}
