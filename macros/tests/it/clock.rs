//! The stubs of a schema expand at the call site, tracking it for rebuilds.

#[allow(dead_code)]
mod both_sides {
    wamp_idl_runtime::include_wamp_idl!("tests/ui/schemas/clock.fbs");
}

#[allow(dead_code)]
mod caller_only {
    wamp_idl_runtime::include_wamp_idl!("tests/ui/schemas/clock.fbs", callee = false);
}
