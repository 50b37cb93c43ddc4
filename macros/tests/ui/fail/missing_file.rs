//! A schema path that names no file is a compile error at the path.

mod api {
    wamp_idl_runtime::include_wamp_idl!("tests/ui/schemas/no_such_schema.fbs");
}

fn main() {}
