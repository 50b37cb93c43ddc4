//! Client authentication: what HELLO announces for each method, and how a CHALLENGE is answered.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signer as _, SigningKey};
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;

use crate::client::scram::{SCRAM_METHOD, ScramExchange};
use crate::data::value::{Dict, Value};
use crate::error::{Error, ErrorKind};

/// How the client authenticates when it joins a realm.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Credentials {
    /// No authentication; the router assigns an anonymous identity.
    #[default]
    Anonymous,
    /// WAMP-Ticket: a shared secret sent as it is (use it only over TLS or loopback).
    Ticket { authid: String, ticket: String },
    /// WAMP-CRA: an HMAC-SHA256 over the router's challenge. When the router's challenge
    /// carries a salt, the secret is first stretched with PBKDF2 as the router's user entry was.
    WampCra { authid: String, secret: String },
    /// WAMP-Cryptosign: an Ed25519 signature over the router's challenge.
    Cryptosign {
        authid: Option<String>,
        key: CryptosignKey,
    },
    /// WAMP-SCRAM (`scram`, as Crossbar.io names it): a proof that the client knows the
    /// password, which never travels, and the router's proof in WELCOME that it knows the
    /// user's keys, without which the client refuses the session. Argon2id or PBKDF2, as the
    /// router's user entry says; authid and password are prepared with SASLprep.
    Scram { authid: String, password: String },
}

impl Credentials {
    /// The `authmethods` entry of HELLO.
    pub fn method(&self) -> &'static str {
        match self {
            Credentials::Anonymous => "anonymous",
            Credentials::Ticket { .. } => "ticket",
            Credentials::WampCra { .. } => "wampcra",
            Credentials::Cryptosign { .. } => "cryptosign",
            Credentials::Scram { .. } => SCRAM_METHOD,
        }
    }

    /// The `authid` of HELLO, if the method has one.
    pub fn authid(&self) -> Option<&str> {
        match self {
            Credentials::Anonymous => None,
            Credentials::Ticket { authid, .. }
            | Credentials::WampCra { authid, .. }
            | Credentials::Scram { authid, .. } => Some(authid),
            Credentials::Cryptosign { authid, .. } => authid.as_deref(),
        }
    }

    /// Begins one join's authentication. Each join begins afresh: WAMP-SCRAM's nonce must
    /// never repeat.
    pub(crate) fn begin(&self) -> Result<Authenticator<'_>, Error> {
        Ok(match self {
            Credentials::Scram { authid, password } => {
                Authenticator::Scram(ScramExchange::start(authid, password)?)
            }
            _ => Authenticator::Stateless(self),
        })
    }
}

/// One join's authentication: what HELLO announces, the answer to CHALLENGE and the check
/// of WELCOME.
#[derive(Debug)]
pub(crate) enum Authenticator<'a> {
    /// A method whose answer depends on the challenge alone, and whose WELCOME proves nothing.
    Stateless(&'a Credentials),
    Scram(ScramExchange<'a>),
}

impl Authenticator<'_> {
    fn method(&self) -> &'static str {
        match self {
            Authenticator::Stateless(credentials) => credentials.method(),
            Authenticator::Scram(_) => SCRAM_METHOD,
        }
    }

    /// The `authextra` of HELLO: cryptosign announces its public key there, WAMP-SCRAM its nonce.
    pub(crate) fn authextra(&self) -> Option<Dict> {
        match self {
            Authenticator::Stateless(Credentials::Cryptosign { key, .. }) => Some(Dict::from([(
                "pubkey".to_owned(),
                Value::String(key.public_key_hex().into()),
            )])),
            Authenticator::Stateless(_) => None,
            Authenticator::Scram(exchange) => Some(exchange.authextra()),
        }
    }

    /// Answers a CHALLENGE: the signature of AUTHENTICATE.
    pub(crate) async fn respond(&mut self, method: &str, extra: &Dict) -> Result<String, Error> {
        let own_method = self.method();
        if method != own_method {
            return Err(auth_error(format!(
                "the router challenged with `{method}`, but the client authenticates with `{own_method}`"
            )));
        }
        match self {
            Authenticator::Stateless(Credentials::Ticket { ticket, .. }) => Ok(ticket.clone()),
            Authenticator::Stateless(Credentials::WampCra { secret, .. }) => wampcra_signature(secret, extra),
            Authenticator::Stateless(Credentials::Cryptosign { key, .. }) => key.sign_challenge(extra),
            Authenticator::Stateless(_) => Err(auth_error(format!(
                "the router challenged a client that authenticates with `{own_method}`"
            ))),
            Authenticator::Scram(exchange) => exchange.respond(extra).await,
        }
    }

    /// Checks WELCOME: WAMP-SCRAM's router proves there that it knows the user's keys.
    pub(crate) fn check_welcome(&self, details: &Dict) -> Result<(), Error> {
        match self {
            Authenticator::Stateless(_) => Ok(()),
            Authenticator::Scram(exchange) => exchange.check_welcome(details),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets stay out of logs: only the method and the identity are shown.
        let mut debug = f.debug_struct("Credentials");
        debug.field("method", &self.method());
        if let Some(authid) = self.authid() {
            debug.field("authid", &authid);
        }
        if let Credentials::Cryptosign { key, .. } = self {
            debug.field("pubkey", &key.public_key_hex());
        }
        debug.finish_non_exhaustive()
    }
}

/// An Ed25519 private key for WAMP-Cryptosign.
#[derive(Clone)]
pub struct CryptosignKey {
    signing_key: SigningKey,
}

impl CryptosignKey {
    /// The key of a 32-byte private seed.
    pub fn from_seed(seed: [u8; 32]) -> CryptosignKey {
        CryptosignKey {
            signing_key: SigningKey::from_bytes(&seed),
        }
    }

    /// The key of a private seed written as 64 hex digits (the form Autobahn and Crossbar use).
    pub fn from_hex(seed_hex: &str) -> Result<CryptosignKey, Error> {
        let seed = decode_hex::<32>(seed_hex.trim())
            .map_err(|message| auth_error(format!("invalid cryptosign private key: {message}")))?;
        Ok(CryptosignKey::from_seed(seed))
    }

    /// The public key as 64 hex digits, as a router's `authorized_keys` lists it.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.signing_key.verifying_key().to_bytes())
    }

    /// Signs the challenge: the answer is the signature followed by the signed challenge, in hex.
    fn sign_challenge(&self, extra: &Dict) -> Result<String, Error> {
        let challenge_hex = challenge_text(extra, "challenge")?;
        let challenge = hex::decode(challenge_hex)
            .map_err(|error| auth_error(format!("the cryptosign challenge is not hex: {error}")))?;
        let signature = self.signing_key.sign(&challenge);
        Ok(format!(
            "{}{}",
            hex::encode(signature.to_bytes()),
            hex::encode(&challenge)
        ))
    }
}

impl fmt::Debug for CryptosignKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CryptosignKey")
            .field("pubkey", &self.public_key_hex())
            .finish_non_exhaustive()
    }
}

/// Derives a salted WAMP-CRA key as Autobahn and Crossbar do: base64 of PBKDF2-HMAC-SHA256.
///
/// A router's user entry holds this derived key as its `secret` when it has a `salt`.
pub fn derive_wampcra_key(secret: &str, salt: &str, iterations: u32, key_length: usize) -> String {
    let mut key = vec![0; key_length];
    pbkdf2::pbkdf2_hmac::<Sha256>(secret.as_bytes(), salt.as_bytes(), iterations, &mut key);
    BASE64.encode(key)
}

/// The WAMP-CRA signature: base64 of HMAC-SHA256 over the challenge string, keyed by the secret
/// (or by the key derived from it, when the challenge carries a salt).
fn wampcra_signature(secret: &str, extra: &Dict) -> Result<String, Error> {
    let challenge = challenge_text(extra, "challenge")?;
    let key = match extra.get("salt") {
        None | Some(Value::Null) => secret.to_owned(),
        Some(Value::String(salt)) => {
            let iterations = challenge_integer(extra, "iterations", MAX_WAMPCRA_ITERATIONS)?.unwrap_or(1000);
            let key_length = challenge_integer(extra, "keylen", MAX_WAMPCRA_KEY_LENGTH)?.unwrap_or(32);
            derive_wampcra_key(secret, salt, iterations, key_length as usize)
        }
        Some(other) => {
            return Err(auth_error(format!(
                "the wampcra challenge's `salt` must be a string, got {}",
                other.kind_name()
            )));
        }
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
        .map_err(|error| auth_error(format!("unusable wampcra key: {error}")))?;
    mac.update(challenge.as_bytes());
    Ok(BASE64.encode(mac.finalize().into_bytes()))
}

/// A string of the challenge's extra.
pub(super) fn challenge_text<'a>(extra: &'a Dict, key: &str) -> Result<&'a str, Error> {
    match extra.get(key) {
        Some(Value::String(text)) => Ok(text),
        Some(other) => Err(auth_error(format!(
            "the challenge's `{key}` must be a string, got {}",
            other.kind_name()
        ))),
        None => Err(auth_error(format!("the challenge has no `{key}` in its extra"))),
    }
}

/// The most PBKDF2 iterations a WAMP-CRA challenge may ask for. The derivation runs on the
/// runtime's thread, beyond the reach of the connect timeout, so the router must not choose
/// its cost freely; Crossbar and Autobahn default to 1000.
const MAX_WAMPCRA_ITERATIONS: u32 = 1_000_000;
/// The longest derived WAMP-CRA key a challenge may ask for, in bytes; Crossbar and Autobahn
/// default to 32. It bounds the allocation and, with the iterations, the derivation's cost.
const MAX_WAMPCRA_KEY_LENGTH: u32 = 256;

/// A positive integer of the challenge's extra, at most `max`; `None` when absent.
pub(super) fn challenge_integer(extra: &Dict, key: &str, max: u32) -> Result<Option<u32>, Error> {
    match extra.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Integer(value)) => u32::try_from(*value)
            .ok()
            .filter(|value| (1..=max).contains(value))
            .map(Some)
            .ok_or_else(|| {
                auth_error(format!(
                    "the challenge's `{key}` is {value}, outside the accepted range 1 to {max}"
                ))
            }),
        Some(other) => Err(auth_error(format!(
            "the challenge's `{key}` must be an integer, got {}",
            other.kind_name()
        ))),
    }
}

fn decode_hex<const N: usize>(text: &str) -> Result<[u8; N], String> {
    let bytes = hex::decode(text).map_err(|error| error.to_string())?;
    <[u8; N]>::try_from(bytes.as_slice())
        .map_err(|_| format!("expected {} hex digits, got {}", N * 2, text.len()))
}

pub(super) fn auth_error(message: String) -> Error {
    Error::new(ErrorKind::Protocol(format!("authentication: {message}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks a WAMP-CRA answer against the one Autobahn|Python 26.10.2 computes.
    fn check_wampcra(secret: &str, extra: &[(&str, Value)], expected: &str) {
        let extra: Dict = extra
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.clone()))
            .collect();
        let answer = wampcra_signature(secret, &extra).map_err(|error| error.to_string());
        assert_eq!(
            answer.as_deref(),
            Ok(expected),
            "secret {secret:?}, extra {extra:?}"
        );
    }

    #[test]
    fn wampcra_answers_match_autobahn() {
        let challenge = ("challenge", Value::String("challenge-text".into()));
        let unsalted = "mxgp4D2cwDLb3QxKchDHgQPyxLZSGHrTs8Qd/5Cv0FM=";
        check_wampcra("secret", std::slice::from_ref(&challenge), unsalted);
        check_wampcra("secret", &[challenge.clone(), ("salt", Value::Null)], unsalted);
        check_wampcra(
            "secret2",
            &[
                challenge,
                ("salt", Value::String("salt123".into())),
                ("iterations", Value::Integer(100)),
                ("keylen", Value::Integer(16)),
            ],
            "L2aow8lvKzX3e49SvO3raspnHLsY7ehUaF4C85EsXs8=",
        );
    }

    #[test]
    fn wampcra_derivations_the_router_cannot_afford_are_refused() {
        let check = |key: &str, value: i128, expected: &str| {
            let extra = Dict::from([
                ("challenge".to_owned(), Value::String("challenge-text".into())),
                ("salt".to_owned(), Value::String("salt123".into())),
                (key.to_owned(), Value::Integer(value)),
            ]);
            let answer = wampcra_signature("secret", &extra).map_err(|error| error.to_string());
            assert_eq!(answer, Err(expected.to_owned()), "{key} = {value}");
        };
        check(
            "keylen",
            i128::from(u32::MAX),
            "protocol error: authentication: the challenge's `keylen` is 4294967295, \
             outside the accepted range 1 to 256",
        );
        check(
            "iterations",
            i128::from(u32::MAX),
            "protocol error: authentication: the challenge's `iterations` is 4294967295, \
             outside the accepted range 1 to 1000000",
        );
        check(
            "iterations",
            0,
            "protocol error: authentication: the challenge's `iterations` is 0, \
             outside the accepted range 1 to 1000000",
        );
    }

    #[test]
    fn salted_wampcra_keys_match_autobahn() {
        assert_eq!(
            derive_wampcra_key("secret2", "salt123", 100, 16),
            "LG5/FwnS5WvgmlEyLPk/pQ=="
        );
        assert_eq!(
            derive_wampcra_key("secret2", "salt123", 1000, 32),
            "nythvFZ7EuM5sPCQrrgnz1oJiZXUNcZZFlDIdGSiNUs="
        );
    }

    #[test]
    fn cryptosign_answer_is_signature_then_challenge() {
        let key = CryptosignKey::from_seed([7; 32]);
        let challenge = "ab".repeat(32);
        let extra = Dict::from([("challenge".to_owned(), Value::String(challenge.as_str().into()))]);
        let answer = key.sign_challenge(&extra).map_err(|error| error.to_string());
        let answer = answer.as_deref().unwrap_or_default();
        assert_eq!(answer.len(), 192);
        assert!(answer.ends_with(&challenge));
    }

    #[tokio::test]
    async fn challenge_for_another_method_is_refused() {
        let credentials = Credentials::Ticket {
            authid: "joe".to_owned(),
            ticket: "secret".to_owned(),
        };
        let error = match credentials.begin() {
            Ok(mut authenticator) => authenticator.respond("wampcra", &Dict::new()).await,
            Err(error) => Err(error),
        };
        let error = error.map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            error,
            Err(
                "protocol error: authentication: the router challenged with `wampcra`, \
                 but the client authenticates with `ticket`"
                    .to_owned()
            )
        );
    }
}
