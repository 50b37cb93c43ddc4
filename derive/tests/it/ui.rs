//! The derives' errors: each case of `tests/ui/fail` fails to compile with its golden
//! `.stderr`. Only failing cases go through trybuild, which checks them (`cargo check`) in a
//! scratch workspace of its own; what compiles is a module of this binary.

#[::core::prelude::v1::test]
fn misuse_fails_with_its_stderr() {
    let cases = ::trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
}
