#[derive(wamp_idl_runtime::FromValue)]
pub enum Color {
    Red,
    Green,
}

fn main() {}
