#[derive(wamp_idl_runtime::FromValue)]
#[wamp(table = "demo.Table")]
pub struct Table {
    #[wamp(rename = "b")]
    pub a: u8,
}

fn main() {}
