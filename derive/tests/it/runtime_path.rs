//! `#[wamp(crate = "...")]` names the runtime by another path, as the runtime itself does.

mod rt {
    pub use ::wamp_idl_runtime::*;
}

#[derive(
    ::core::fmt::Debug,
    ::core::cmp::PartialEq,
    ::wamp_idl_runtime::FromValue,
    ::wamp_idl_runtime::IntoValue,
    ::wamp_idl_runtime::FromPayload,
    ::wamp_idl_runtime::IntoPayload,
)]
#[wamp(crate = "crate::runtime_path::rt", table = "demo.Named")]
pub struct Named {
    pub name: ::std::string::String,
}

fn text(text: &str) -> ::std::string::String {
    ::std::borrow::ToOwned::to_owned(text)
}

#[::core::prelude::v1::test]
fn a_payload_round_trip_through_another_path() {
    let named = Named { name: text("n") };
    let payload = rt::IntoPayload::into_payload(named);
    ::std::assert_eq!(
        <Named as rt::FromPayload>::from_payload(&payload),
        ::core::result::Result::Ok(Named { name: text("n") })
    );
}
