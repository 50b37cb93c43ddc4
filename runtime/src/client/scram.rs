//! WAMP-SCRAM as Crossbar.io and Autobahn|Python speak it: the keys a router stores for a
//! password, the client's proof at CHALLENGE, and the client's check of the router's proof
//! in WELCOME.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD as BASE64, STANDARD_NO_PAD as BASE64_NO_PAD};
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::{Digest as _, Sha256};

use crate::client::auth::{auth_error, challenge_integer, challenge_text};
use crate::data::value::{Dict, Value};
use crate::error::Error;

/// The `authmethods` entry of HELLO: Crossbar.io's name, where the draft specification has
/// `wamp-scram`.
pub(crate) const SCRAM_METHOD: &str = "scram";

/// A key derivation function of WAMP-SCRAM, with its cost, as a router's user entry names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScramKdf {
    /// Argon2id version 1.3 (`argon2id-13`), parallelism 1, `memory` in KiB.
    Argon2id { iterations: u32, memory: u32 },
    /// PBKDF2-HMAC-SHA256 (`pbkdf2`).
    Pbkdf2 { iterations: u32 },
}

/// What a router stores for a WAMP-SCRAM user instead of the password: Crossbar.io's
/// `stored-key` and `server-key` (in hex there).
#[derive(Clone, PartialEq, Eq)]
pub struct ScramKeys {
    /// SHA-256 of the client key: what the client's proof is checked against.
    pub stored_key: [u8; 32],
    /// The key of the router's proof in WELCOME.
    pub server_key: [u8; 32],
}

impl ScramKeys {
    /// Derives the keys of a password, as the user entry's `kdf`, `salt` and cost say.
    pub fn derive(password: &str, salt: &[u8], kdf: ScramKdf) -> Result<ScramKeys, Error> {
        let salted_password = salted_password(password, salt, kdf)?;
        Ok(ScramKeys {
            stored_key: Sha256::digest(hmac(&salted_password, b"Client Key")?).into(),
            server_key: hmac(&salted_password, b"Server Key")?,
        })
    }
}

impl fmt::Debug for ScramKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // With an eavesdropped exchange, the keys let one pose as the user or as the router.
        f.debug_struct("ScramKeys").finish_non_exhaustive()
    }
}

/// One join's WAMP-SCRAM exchange: the nonce that HELLO announces, then what the check of
/// the router's proof in WELCOME needs.
pub(crate) struct ScramExchange<'a> {
    authid: &'a str,
    password: &'a str,
    /// 16 random bytes in base64, fresh for each join so that no proof can be replayed.
    client_nonce: String,
    /// Set by the answer to CHALLENGE.
    expected_welcome: Option<ServerProof>,
}

/// What the router must prove in WELCOME: that it holds the user's server key.
struct ServerProof {
    server_key: [u8; 32],
    auth_message: String,
}

impl<'a> ScramExchange<'a> {
    /// Starts an exchange with a fresh nonce from the operating system's random source.
    pub(crate) fn start(authid: &'a str, password: &'a str) -> Result<ScramExchange<'a>, Error> {
        let mut nonce = [0; 16];
        getrandom::fill(&mut nonce)
            .map_err(|error| auth_error(format!("no random bytes for the SCRAM nonce: {error}")))?;
        Ok(ScramExchange {
            authid,
            password,
            client_nonce: BASE64.encode(nonce),
            expected_welcome: None,
        })
    }

    /// The `authextra` of HELLO: the client's nonce.
    pub(crate) fn authextra(&self) -> Dict {
        Dict::from([(
            "nonce".to_owned(),
            Value::String(self.client_nonce.as_str().into()),
        )])
    }

    /// Answers the router's CHALLENGE with the client's proof, in base64. The key
    /// derivation runs on tokio's blocking pool: Argon2 takes long enough to stall the
    /// runtime's thread, and there it stays within the connect timeout.
    pub(crate) async fn respond(&mut self, extra: &Dict) -> Result<String, Error> {
        let challenge = Challenge::read(extra, &self.client_nonce)?;
        let password = self.password.to_owned();
        let salt = challenge.salt.clone();
        let kdf = challenge.kdf;
        let salted_password = tokio::task::spawn_blocking(move || salted_password(&password, &salt, kdf))
            .await
            .map_err(|error| auth_error(format!("the SCRAM key derivation failed: {error}")))??;
        let auth_message = auth_message(self.authid, &self.client_nonce, &challenge)?;
        let proof = client_proof(&salted_password, &auth_message)?;
        self.expected_welcome = Some(ServerProof {
            server_key: hmac(&salted_password, b"Server Key")?,
            auth_message,
        });
        Ok(BASE64.encode(proof))
    }

    /// Checks the router's proof in WELCOME (`authextra.scram_server_signature`): without it,
    /// anyone who took the router's place could welcome the client.
    pub(crate) fn check_welcome(&self, details: &Dict) -> Result<(), Error> {
        let Some(expected) = &self.expected_welcome else {
            return Err(auth_error(
                "the router welcomed the client without a WAMP-SCRAM challenge, so it never \
                 proved that it knows the user's keys; the session is refused"
                    .to_owned(),
            ));
        };
        let signature = match details.get("authextra") {
            Some(Value::Dict(authextra)) => authextra.get("scram_server_signature"),
            _ => None,
        };
        let signature = match signature {
            Some(Value::String(signature)) => BASE64.decode(signature.as_bytes()).map_err(|error| {
                auth_error(format!(
                    "the router's WAMP-SCRAM signature in WELCOME is not base64 ({error}); \
                     the session is refused"
                ))
            })?,
            _ => {
                return Err(auth_error(
                    "the router's WELCOME carries no `authextra.scram_server_signature`, so it \
                     did not prove that it knows the user's keys; the session is refused"
                        .to_owned(),
                ));
            }
        };
        let mut mac = keyed_mac(&expected.server_key)?;
        mac.update(expected.auth_message.as_bytes());
        mac.verify_slice(&signature).map_err(|_| {
            auth_error(
                "the router's WAMP-SCRAM signature in WELCOME does not verify, so the router \
                 does not know the user's keys; the session is refused"
                    .to_owned(),
            )
        })
    }
}

impl fmt::Debug for ScramExchange<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramExchange")
            .field("authid", &self.authid)
            .field("client_nonce", &self.client_nonce)
            .finish_non_exhaustive()
    }
}

/// The router's CHALLENGE, checked.
struct Challenge<'a> {
    /// The client's nonce extended by the router's, as the router wrote it.
    nonce: &'a str,
    /// The salt as the router wrote it (base64), for the auth message.
    salt_text: &'a str,
    salt: Vec<u8>,
    kdf: ScramKdf,
    iterations: u32,
}

/// The most iterations a challenge may ask for, per KDF, and the most Argon2 memory (KiB):
/// the router must not choose the client's cost freely. Autobahn's defaults are 4096
/// iterations of Argon2id on 512 KiB; RFC 7677 asks for at least 4096 of PBKDF2.
const MAX_ARGON2_ITERATIONS: u32 = 100_000;
const MAX_ARGON2_MEMORY_KIB: u32 = 1 << 20;
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;

impl<'a> Challenge<'a> {
    fn read(extra: &'a Dict, client_nonce: &str) -> Result<Challenge<'a>, Error> {
        let nonce = challenge_text(extra, "nonce")?;
        if !extends_nonce(nonce, client_nonce) {
            return Err(auth_error(format!(
                "the WAMP-SCRAM challenge's nonce `{nonce}` does not begin with the client's \
                 nonce `{client_nonce}`"
            )));
        }
        let salt_text = challenge_text(extra, "salt")?;
        let salt = BASE64.decode(salt_text.as_bytes()).map_err(|error| {
            auth_error(format!(
                "the WAMP-SCRAM challenge's `salt` is not base64: {error}"
            ))
        })?;
        let required = |key: &str, max: u32| {
            challenge_integer(extra, key, max)?
                .ok_or_else(|| auth_error(format!("the WAMP-SCRAM challenge has no `{key}` in its extra")))
        };
        let kdf = match challenge_text(extra, "kdf")? {
            // Crossbar.io and Autobahn write `argon2id-13`, the draft specification `argon2id13`.
            "argon2id-13" | "argon2id13" => ScramKdf::Argon2id {
                iterations: required("iterations", MAX_ARGON2_ITERATIONS)?,
                memory: required("memory", MAX_ARGON2_MEMORY_KIB)?,
            },
            "pbkdf2" => ScramKdf::Pbkdf2 {
                iterations: required("iterations", MAX_PBKDF2_ITERATIONS)?,
            },
            other => {
                return Err(auth_error(format!(
                    "the WAMP-SCRAM challenge asks for the KDF `{other}`; the client knows \
                     `argon2id-13` and `pbkdf2`"
                )));
            }
        };
        let (ScramKdf::Argon2id { iterations, .. } | ScramKdf::Pbkdf2 { iterations }) = kdf;
        Ok(Challenge {
            nonce,
            salt_text,
            salt,
            kdf,
            iterations,
        })
    }
}

/// Whether the router's nonce begins with the client's: Crossbar.io appends its random bytes
/// to the client's before encoding them again, the draft specification appends its text.
fn extends_nonce(server_nonce: &str, client_nonce: &str) -> bool {
    if server_nonce.starts_with(client_nonce) {
        return true;
    }
    match (
        BASE64.decode(server_nonce.as_bytes()),
        BASE64.decode(client_nonce.as_bytes()),
    ) {
        (Ok(server), Ok(client)) => server.starts_with(&client),
        _ => false,
    }
}

/// RFC 5802's AuthMessage, built as Crossbar.io builds it to check the proof: the authid
/// goes in after SASLprep but unescaped, and the channel binding part is empty (`c=`), where
/// the draft specification escapes `,` and `=` and has `c=biws`.
fn auth_message(authid: &str, client_nonce: &str, challenge: &Challenge<'_>) -> Result<String, Error> {
    let authid = prepare(authid, "authid")?;
    let Challenge {
        nonce,
        salt_text,
        iterations,
        ..
    } = challenge;
    Ok(format!(
        "n={authid},r={client_nonce},r={nonce},s={salt_text},i={iterations},c=,r={nonce}"
    ))
}

/// The SaltedPassword of RFC 5802, from the SASLprep-prepared password.
///
/// For Argon2id it is the hash as Autobahn|Python derives it and as Crossbar.io's user
/// entries made with Autobahn's `derive_scram_credential` hold it: the text of the hash in
/// unpadded base64, not its bytes. For PBKDF2 it is RFC 5802's, over the decoded salt:
/// Autobahn|Python 26.10.2 has no working PBKDF2 client to follow (it passes the salt's text
/// where its `pbkdf2` takes bytes, and fails).
fn salted_password(password: &str, salt: &[u8], kdf: ScramKdf) -> Result<Vec<u8>, Error> {
    let password = prepare(password, "password")?;
    let mut hash = [0; 32];
    match kdf {
        ScramKdf::Argon2id { iterations, memory } => {
            let params = argon2::Params::new(memory, iterations, 1, Some(hash.len()))
                .map_err(|error| auth_error(format!("unusable Argon2 parameters: {error}")))?;
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
                .hash_password_into(password.as_bytes(), salt, &mut hash)
                .map_err(|error| auth_error(format!("the Argon2 key derivation failed: {error}")))?;
            Ok(BASE64_NO_PAD.encode(hash).into_bytes())
        }
        ScramKdf::Pbkdf2 { iterations } => {
            pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut hash);
            Ok(hash.to_vec())
        }
    }
}

/// RFC 5802's ClientProof: the client key, masked by the client signature.
fn client_proof(salted_password: &[u8], auth_message: &str) -> Result<[u8; 32], Error> {
    let mut proof = hmac(salted_password, b"Client Key")?;
    let stored_key: [u8; 32] = Sha256::digest(proof).into();
    let client_signature = hmac(&stored_key, auth_message.as_bytes())?;
    for (byte, mask) in proof.iter_mut().zip(client_signature) {
        *byte ^= mask;
    }
    Ok(proof)
}

/// A string prepared with SASLprep (RFC 4013), as WAMP-SCRAM asks of authids and passwords.
fn prepare<'a>(text: &'a str, what: &str) -> Result<std::borrow::Cow<'a, str>, Error> {
    stringprep::saslprep(text).map_err(|error| {
        auth_error(format!(
            "the WAMP-SCRAM {what} is not allowed by SASLprep: {error}"
        ))
    })
}

fn hmac(key: &[u8], message: &[u8]) -> Result<[u8; 32], Error> {
    let mut mac = keyed_mac(key)?;
    mac.update(message);
    Ok(mac.finalize().into_bytes().into())
}

fn keyed_mac(key: &[u8]) -> Result<Hmac<Sha256>, Error> {
    Hmac::<Sha256>::new_from_slice(key).map_err(|error| auth_error(format!("unusable HMAC key: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(entries: &[(&str, Value)]) -> Dict {
        entries
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.clone()))
            .collect()
    }

    fn text(text: &str) -> Value {
        Value::String(text.into())
    }

    /// An exchange of `carol` whose nonce is fixed, to compare with Autobahn|Python.
    fn carol() -> ScramExchange<'static> {
        let mut exchange =
            ScramExchange::start("carol", "pässword").unwrap_or_else(|error| panic!("{error}"));
        exchange.client_nonce = "MDEyMzQ1Njc4OWFiY2RlZg==".to_owned();
        exchange
    }

    /// Crossbar.io's challenge to `carol`, with these entries replaced or added (a `Null` removes one).
    fn challenge(changes: &[(&str, Value)]) -> Dict {
        let mut extra = dict(&[
            ("nonce", text("MDEyMzQ1Njc4OWFiY2RlZnNlcnZlci1ub25jZS0xNg==")),
            ("kdf", text("argon2id-13")),
            ("salt", text("c2FsdC1vZi1jYXJvbC0xNg==")),
            ("iterations", Value::Integer(4)),
            ("memory", Value::Integer(64)),
        ]);
        for (key, value) in changes {
            match value {
                Value::Null => extra.remove(*key),
                value => extra.insert((*key).to_owned(), value.clone()),
            };
        }
        extra
    }

    fn welcome(signature: Option<&str>) -> Dict {
        let authextra = signature.map(|signature| dict(&[("scram_server_signature", text(signature))]));
        dict(&[("authextra", authextra.map_or(Value::Null, Value::Dict))])
    }

    /// Autobahn|Python 26.10.2's `AuthScram` answers this challenge with this proof, and
    /// expects this server signature in WELCOME.
    #[tokio::test]
    async fn argon2id_proofs_match_autobahn() {
        let mut exchange = carol();
        let proof = exchange
            .respond(&challenge(&[]))
            .await
            .map_err(|error| error.to_string());
        assert_eq!(
            proof.as_deref(),
            Ok("WCIeNS6hDY1OcRTMOHamXfHEOmjAZm7geiSZfsC7c2s=")
        );
        let verified = exchange.check_welcome(&welcome(Some("ZMhpfzwY5v5ZCE/jnCqk4UMyrRPpY/KkFJ2IkYvYm94=")));
        assert_eq!(verified.map_err(|error| error.to_string()), Ok(()));
    }

    /// RFC 7677's example of SCRAM-SHA-256 (PBKDF2 with 4096 iterations) gives its proof
    /// and server signature: the salt is used decoded, the salted password as raw bytes.
    #[test]
    fn pbkdf2_proofs_match_rfc_7677() {
        let salt = BASE64.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap_or_default();
        let auth_message = "n=user,r=rOprNGfwEbeRWgbNEkqO,\
            r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,\
            c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        let proofs =
            salted_password("pencil", &salt, ScramKdf::Pbkdf2 { iterations: 4096 }).and_then(|salted| {
                let proof = client_proof(&salted, auth_message)?;
                let server_signature = hmac(&hmac(&salted, b"Server Key")?, auth_message.as_bytes())?;
                Ok((BASE64.encode(proof), BASE64.encode(server_signature)))
            });
        assert_eq!(
            proofs.map_err(|error| error.to_string()),
            Ok((
                "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=".to_owned(),
                "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".to_owned()
            ))
        );
    }

    #[test]
    fn each_exchange_has_a_fresh_nonce() {
        let nonces: Vec<Vec<u8>> = (0..2)
            .map(|_| {
                let exchange =
                    ScramExchange::start("carol", "pässword").unwrap_or_else(|error| panic!("{error}"));
                BASE64.decode(&exchange.client_nonce).unwrap_or_default()
            })
            .collect();
        assert_eq!(nonces[0].len(), 16);
        assert_ne!(nonces[0], nonces[1]);
    }

    /// Checks that `carol` refuses a challenge, saying `expected`.
    async fn check_refused_challenge(changes: &[(&str, Value)], expected: &str) {
        let answer = carol()
            .respond(&challenge(changes))
            .await
            .map_err(|error| error.to_string());
        assert_eq!(
            answer,
            Err(format!("protocol error: authentication: {expected}")),
            "{changes:?}"
        );
    }

    #[tokio::test]
    async fn challenges_the_client_cannot_trust_or_afford_are_refused() {
        check_refused_challenge(
            &[("nonce", text("c29tZW9uZSBlbHNlJ3Mgbm9uY2U="))],
            "the WAMP-SCRAM challenge's nonce `c29tZW9uZSBlbHNlJ3Mgbm9uY2U=` does not begin \
             with the client's nonce `MDEyMzQ1Njc4OWFiY2RlZg==`",
        )
        .await;
        check_refused_challenge(
            &[("kdf", text("scrypt"))],
            "the WAMP-SCRAM challenge asks for the KDF `scrypt`; the client knows `argon2id-13` and `pbkdf2`",
        )
        .await;
        check_refused_challenge(
            &[("memory", Value::Null)],
            "the WAMP-SCRAM challenge has no `memory` in its extra",
        )
        .await;
        check_refused_challenge(
            &[("memory", Value::Integer(1 << 30))],
            "the challenge's `memory` is 1073741824, outside the accepted range 1 to 1048576",
        )
        .await;
        check_refused_challenge(
            &[
                ("kdf", text("pbkdf2")),
                ("iterations", Value::Integer(20_000_000)),
            ],
            "the challenge's `iterations` is 20000000, outside the accepted range 1 to 10000000",
        )
        .await;
        check_refused_challenge(
            &[("salt", text("not base64!"))],
            "the WAMP-SCRAM challenge's `salt` is not base64: Invalid symbol 32, offset 3.",
        )
        .await;
    }

    #[tokio::test]
    async fn a_welcome_without_the_routers_proof_is_refused() {
        let refused = |exchange: &ScramExchange<'_>, signature: Option<&str>| {
            exchange
                .check_welcome(&welcome(signature))
                .map_err(|error| error.to_string())
        };
        let unchallenged = carol();
        assert_eq!(
            refused(
                &unchallenged,
                Some("ZMhpfzwY5v5ZCE/jnCqk4UMyrRPpY/KkFJ2IkYvYm94=")
            ),
            Err(
                "protocol error: authentication: the router welcomed the client without a \
                 WAMP-SCRAM challenge, so it never proved that it knows the user's keys; the \
                 session is refused"
                    .to_owned()
            )
        );
        let mut exchange = carol();
        let proof = exchange.respond(&challenge(&[])).await;
        assert!(proof.is_ok(), "{proof:?}");
        assert_eq!(
            refused(&exchange, None),
            Err("protocol error: authentication: the router's WELCOME carries no \
                 `authextra.scram_server_signature`, so it did not prove that it knows the \
                 user's keys; the session is refused"
                .to_owned())
        );
        assert_eq!(
            refused(&exchange, Some("AAAAfzwY5v5ZCE/jnCqk4UMyrRPpY/KkFJ2IkYvYm94=")),
            Err(
                "protocol error: authentication: the router's WAMP-SCRAM signature in WELCOME \
                 does not verify, so the router does not know the user's keys; the session is \
                 refused"
                    .to_owned()
            )
        );
    }

    /// RFC 4013's examples of SASLprep.
    #[test]
    fn authids_and_passwords_are_prepared_with_saslprep() {
        let check = |input: &str, expected: Result<&str, &str>| {
            let prepared = prepare(input, "password")
                .map(|prepared| prepared.into_owned())
                .map_err(|error| error.to_string());
            let expected = expected.map(str::to_owned).map_err(str::to_owned);
            assert_eq!(prepared, expected, "{input:?}");
        };
        check("I\u{AD}X", Ok("IX"));
        check("user", Ok("user"));
        check("USER", Ok("USER"));
        check("\u{AA}", Ok("a"));
        check("\u{2168}", Ok("IX"));
        check("a\u{A0}b", Ok("a b"));
        check(
            "\u{7}",
            Err(
                "protocol error: authentication: the WAMP-SCRAM password is not allowed by SASLprep: prohibited character `\u{7}`",
            ),
        );
        check(
            "\u{627}1",
            Err(
                "protocol error: authentication: the WAMP-SCRAM password is not allowed by SASLprep: prohibited bidirectional text",
            ),
        );
    }
}
