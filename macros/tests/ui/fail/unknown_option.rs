//! An option the macro does not know is a compile error at its name.

mod api {
    wamp_idl_runtime::include_wamp_idl!("tests/ui/schemas/clock.fbs", server = true);
}

fn main() {}
