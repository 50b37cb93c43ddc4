//! Schemas from the project's fixtures expand and compile: a text schema and a flatc
//! binary schema, the first one once per side.

#[allow(dead_code)]
mod behaviour {
    wamp_idl_runtime::include_wamp_idl!("../tests/data/codegen/behaviour.fbs");
}

#[allow(dead_code)]
mod behaviour_caller {
    wamp_idl_runtime::include_wamp_idl!("../tests/data/codegen/behaviour.fbs", callee = false);
}

#[allow(dead_code)]
mod behaviour_callee {
    wamp_idl_runtime::include_wamp_idl!("../tests/data/codegen/behaviour.fbs", caller = false);
}

#[allow(dead_code)]
mod services {
    wamp_idl_runtime::include_wamp_idl!("../tests/data/fbs/valid/services.bfbs");
}
