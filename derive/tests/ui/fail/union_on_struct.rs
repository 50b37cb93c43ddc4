#[derive(wamp_idl_runtime::FromValue)]
#[wamp(union = "demo.Shape")]
pub struct Shape {
    pub a: u8,
}

fn main() {}
