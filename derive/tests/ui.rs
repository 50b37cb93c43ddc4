//! Compiles the derives' expansions for real: `pass/` cases build and run under
//! `#![no_implicit_prelude]` and `#![deny(warnings)]`, `fail/` cases match their golden
//! `.stderr`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
