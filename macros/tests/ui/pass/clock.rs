//! The stubs of a schema expand at the call site, tracking it for rebuilds.
#![deny(warnings)]

#[allow(dead_code)]
mod clock {
    wamp_idl_runtime::include_wamp_idl!("tests/ui/schemas/clock.fbs");
}

#[allow(dead_code)]
mod clock_client {
    wamp_idl_runtime::include_wamp_idl!("tests/ui/schemas/clock.fbs", callee = false);
}

fn main() {}
