#[derive(wamp_idl_runtime::FromPayload)]
#[wamp(table = "demo.Request")]
pub struct Request {
    pub id: u64,
    #[wamp(kwarg)]
    pub scope: String,
}

fn main() {}
