//! A callee method whose future is not `Send` is an error that names the value held across
//! an await: the session runs invocations on its tasks.

mod clock {
    wamp_idl_runtime::include_wamp_idl!("tests/ui/schemas/clock.fbs", caller = false);
}

struct Clock;

async fn read_clock() -> u64 {
    0
}

impl clock::example::clock::i_clock::Callee for Clock {
    async fn now(&self, _ctx: wamp_idl_runtime::CallContext, timezone: String) -> Result<u64, wamp_idl_runtime::WampError> {
        let zone = std::rc::Rc::new(timezone);
        let unix_ms = read_clock().await;
        Ok(unix_ms + zone.len() as u64)
    }
}

fn main() {}
