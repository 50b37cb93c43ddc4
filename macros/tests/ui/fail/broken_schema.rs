//! A schema with errors is a compile error at the path, with the rendered diagnostics.

mod api {
    wamp_idl_runtime::include_wamp_idl!("tests/ui/schemas/broken.fbs");
}

fn main() {}
