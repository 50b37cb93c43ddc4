//! A dict key encoded, when the derive expands, as each serializer's writer encodes it, so that
//! writing a generated type's key is one copy of a constant (the runtime's `EncodedKey`).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The key as the writers' provided methods take it: `&EncodedKey { ... }`, or the text itself
/// for a key too long for a MessagePack length, which the writer refuses as it refuses it today.
pub fn encoded_key(runtime: &syn::Path, key: &str) -> TokenStream {
    let Ok(len) = u32::try_from(key.len()) else {
        return quote!(#key);
    };
    let [json, msgpack, cbor, bjdata] = [json(key), msgpack(key, len), cbor(key, len), bjdata(key, len)]
        .map(|encoding| Literal::byte_string(&encoding));
    quote! {
        &#runtime::__private::EncodedKey {
            text: #key,
            json: #json,
            msgpack: #msgpack,
            cbor: #cbor,
            bjdata: #bjdata,
        }
    }
}

/// The comma that separates an entry from the one before it (the writer skips it for a dict's
/// first), then the key quoted, escaped as the JSON writer escapes (non-ASCII letters as they
/// are), then the colon.
fn json(key: &str) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut encoding = vec![b',', b'"'];
    for &byte in key.as_bytes() {
        match byte {
            b'"' | b'\\' => encoding.extend([b'\\', byte]),
            0x08 => encoding.extend(b"\\b"),
            b'\t' => encoding.extend(b"\\t"),
            b'\n' => encoding.extend(b"\\n"),
            0x0c => encoding.extend(b"\\f"),
            b'\r' => encoding.extend(b"\\r"),
            0x00..0x20 => encoding.extend([
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0x0f)],
            ]),
            _ => encoding.push(byte),
        }
    }
    encoding.extend(b"\":");
    encoding
}

/// A fixstr, or a str 8, 16 or 32, with big-endian lengths.
fn msgpack(key: &str, len: u32) -> Vec<u8> {
    let mut encoding = match (u8::try_from(len), u16::try_from(len)) {
        (Ok(small @ 0..32), _) => vec![0xa0 | small],
        (Ok(small), _) => vec![0xd9, small],
        (_, Ok(medium)) => [&[0xda][..], &medium.to_be_bytes()].concat(),
        _ => [&[0xdb][..], &len.to_be_bytes()].concat(),
    };
    encoding.extend(key.as_bytes());
    encoding
}

/// A text string (major type 3) whose length is in its head's low bits, or in the one, two or
/// four big-endian bytes after it.
fn cbor(key: &str, len: u32) -> Vec<u8> {
    const TEXT: u8 = 3 << 5;
    let mut encoding = match (u8::try_from(len), u16::try_from(len)) {
        (Ok(small @ 0..24), _) => vec![TEXT | small],
        (Ok(small), _) => vec![TEXT | 24, small],
        (_, Ok(medium)) => [&[TEXT | 25][..], &medium.to_be_bytes()].concat(),
        _ => [&[TEXT | 26][..], &len.to_be_bytes()].concat(),
    };
    encoding.extend(key.as_bytes());
    encoding
}

/// An object key: no marker, its length as the narrowest unsigned integer (`U`, `u`, `m`,
/// little-endian), then its bytes.
fn bjdata(key: &str, len: u32) -> Vec<u8> {
    let mut encoding = match (u8::try_from(len), u16::try_from(len)) {
        (Ok(small), _) => vec![b'U', small],
        (_, Ok(medium)) => [&[b'u'][..], &medium.to_le_bytes()].concat(),
        _ => [&[b'm'][..], &len.to_le_bytes()].concat(),
    };
    encoding.extend(key.as_bytes());
    encoding
}
