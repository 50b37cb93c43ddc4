//! Fuzzes the wire decoders and what reads a received payload: any bytes, in any of the four
//! serializers (chosen by the first byte), must decode into a message or an error; a decoded
//! message's payload must read into owned values and into generated types, or give a
//! `PayloadError`, and the message must encode again or give an `EncodeError`. A type that
//! reads must travel back unchanged (`wamp_idl_runtime_fuzz::read_payload`). Nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wamp_idl_runtime::wire::{DecodeLimits, Serializer};

fuzz_target!(|data: &[u8]| {
    let Some((&choice, message)) = data.split_first() else {
        return;
    };
    let serializer = Serializer::ALL[usize::from(choice) % Serializer::ALL.len()];
    let bytes = bytes::Bytes::copy_from_slice(message);
    let Ok(mut decoded) = serializer.decode_shared_with(&bytes, &DecodeLimits::default()) else {
        return;
    };
    if let Some(payload) = decoded.payload_mut() {
        let payload = &*payload;
        let _ = payload.args().to_list();
        let _ = payload.kwargs().to_dict();
    }
    wamp_idl_runtime_fuzz::read_payload(&decoded);
    for serializer in Serializer::ALL {
        let _ = serializer.encode(&decoded);
    }
});
