#[derive(wamp_idl_runtime::IntoValue)]
#[wamp(table = "demo.Boxed")]
pub struct Boxed<T> {
    pub value: T,
}

fn main() {}
