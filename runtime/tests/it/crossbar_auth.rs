//! Joining Crossbar.io with each authentication method: anonymous, ticket, WAMP-CRA (plain and
//! salted), WAMP-Cryptosign and WAMP-SCRAM (Argon2id and PBKDF2); right credentials are
//! welcomed, wrong ones refused.

use wamp_idl_test_support::router as support;

use wamp_idl_runtime::Value;
use wamp_idl_runtime::client::{ClientConfig, Credentials, CryptosignKey};
use wamp_idl_runtime::wire::Serializer;

/// What joining should give: the identity the router assigned, or the ABORT reason.
type Expected<'a> = Result<(&'a str, &'a str, &'a str), &'a str>;

async fn check(url: &str, serializer: Serializer, credentials: Credentials, expected: Expected<'_>) {
    let case = format!("{url} with {serializer} and {credentials:?}");
    let joined = ClientConfig::new(url, support::REALM)
        .serializer(serializer)
        .credentials(credentials)
        .connect()
        .await;
    let client = match (joined, expected) {
        (Ok(client), Ok((authid, authrole, authmethod))) => {
            assert_eq!(client.authid().as_deref(), Some(authid), "{case}: authid");
            assert_eq!(client.authrole().as_deref(), Some(authrole), "{case}: authrole");
            assert_eq!(
                client.welcome_details().get("authmethod"),
                Some(&Value::String(authmethod.into())),
                "{case}: authmethod"
            );
            client
        }
        (Err(error), Err(reason)) => {
            assert_eq!(error.uri(), Some(reason), "{case}: refused with {error}");
            return;
        }
        (Ok(client), Err(reason)) => {
            panic!("{case}: joined as {:?}, expected ABORT {reason}", client.authid())
        }
        (Err(error), Ok(_)) => panic!("{case}: {error}"),
    };
    // The authenticated session works: the meta API answers.
    support::check_session(&client, &case).await;
}

fn wampcra_credentials(authid: &str, secret: &str) -> Credentials {
    Credentials::WampCra {
        authid: authid.to_owned(),
        secret: secret.to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous() {
    let Some(router) = support::router("anonymous") else {
        return;
    };
    let url = router.url(support::Transport::WebSocket);
    let client = router.join(support::Transport::WebSocket, Serializer::Json).await;
    assert_eq!(client.authrole().as_deref(), Some("anonymous"));
    assert_eq!(
        client.welcome_details().get("authmethod"),
        Some(&Value::String("anonymous".into()))
    );
    client
        .close()
        .await
        .unwrap_or_else(|error| panic!("{url}: close: {error}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket() {
    let Some(router) = support::router("ticket") else {
        return;
    };
    let url = format!("ws://127.0.0.1:{}/ws", router.ports.ticket);
    let right = support::ticket_credentials(support::TICKET);
    check(
        &url,
        Serializer::Json,
        right.clone(),
        Ok(("joe", "authenticated", "ticket")),
    )
    .await;
    check(
        &url,
        Serializer::UbJson,
        right,
        Ok(("joe", "authenticated", "ticket")),
    )
    .await;
    let wrong = support::ticket_credentials("not-the-ticket");
    check(&url, Serializer::MsgPack, wrong, Err("wamp.error.not_authorized")).await;
    check(
        &url,
        Serializer::Cbor,
        Credentials::Anonymous,
        Err("wamp.error.no_auth_method"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wampcra() {
    let Some(router) = support::router("wampcra") else {
        return;
    };
    let url = format!("ws://127.0.0.1:{}/ws", router.ports.wampcra);
    let joe = wampcra_credentials("joe", support::WAMPCRA_SECRET);
    check(
        &url,
        Serializer::Cbor,
        joe,
        Ok(("joe", "authenticated", "wampcra")),
    )
    .await;
    let peter = wampcra_credentials("peter", support::WAMPCRA_SALTED_SECRET);
    check(
        &url,
        Serializer::Json,
        peter,
        Ok(("peter", "authenticated", "wampcra")),
    )
    .await;
    let wrong = wampcra_credentials("joe", "not-the-secret");
    check(&url, Serializer::MsgPack, wrong, Err("wamp.error.not_authorized")).await;
    // Signing with the derived key itself is wrong: the client must derive it from the secret.
    let derived_key_as_secret = wampcra_credentials("peter", support::WAMPCRA_SALTED_KEY);
    check(
        &url,
        Serializer::UbJson,
        derived_key_as_secret,
        Err("wamp.error.not_authorized"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cryptosign() {
    let Some(router) = support::router("cryptosign") else {
        return;
    };
    let url = format!("rs://127.0.0.1:{}", router.ports.cryptosign);
    let alice = support::cryptosign_credentials(support::CRYPTOSIGN_SEED);
    check(
        &url,
        Serializer::MsgPack,
        alice.clone(),
        Ok(("alice", "authenticated", "cryptosign")),
    )
    .await;
    check(
        &url,
        Serializer::Json,
        alice,
        Ok(("alice", "authenticated", "cryptosign")),
    )
    .await;
    let stranger = support::cryptosign_credentials([9; 32]);
    check(&url, Serializer::Cbor, stranger, Err("wamp.error.not_authorized")).await;
    let hex_seed = support::hex_encode(&support::CRYPTOSIGN_SEED);
    let from_hex = CryptosignKey::from_hex(&hex_seed).unwrap_or_else(|error| panic!("{error}"));
    let alice_from_hex = Credentials::Cryptosign {
        authid: None,
        key: from_hex,
    };
    check(
        &url,
        Serializer::UbJson,
        alice_from_hex,
        Ok(("alice", "authenticated", "cryptosign")),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scram() {
    let Some(router) = support::router("scram") else {
        return;
    };
    let url = format!("ws://127.0.0.1:{}/ws", router.ports.scram);
    let carol = support::scram_credentials(support::SCRAM_ARGON2ID_AUTHID, support::SCRAM_PASSWORD);
    let dave = support::scram_credentials(support::SCRAM_PBKDF2_AUTHID, support::SCRAM_PASSWORD);
    // Each join proves the password afresh, with a nonce of its own.
    for serializer in [Serializer::Json, Serializer::MsgPack] {
        let welcomed = Ok((support::SCRAM_ARGON2ID_AUTHID, "authenticated", "scram"));
        check(&url, serializer, carol.clone(), welcomed).await;
    }
    check(
        &url,
        Serializer::Cbor,
        dave,
        Ok((support::SCRAM_PBKDF2_AUTHID, "authenticated", "scram")),
    )
    .await;
    for authid in [support::SCRAM_ARGON2ID_AUTHID, support::SCRAM_PBKDF2_AUTHID] {
        let wrong = support::scram_credentials(authid, "not-the-password");
        check(&url, Serializer::UbJson, wrong, Err("wamp.error.not_authorized")).await;
    }
    let stranger = support::scram_credentials("mallory", support::SCRAM_PASSWORD);
    check(&url, Serializer::Json, stranger, Err("wamp.error.not_authorized")).await;
    // The refusal says why, in the router's words.
    let refused = ClientConfig::new(&url, support::REALM)
        .credentials(support::scram_credentials(
            support::SCRAM_ARGON2ID_AUTHID,
            "wrong",
        ))
        .connect()
        .await
        .map(|_| ())
        .map_err(|error| error.to_string());
    assert_eq!(
        refused,
        Err("wamp.error.not_authorized: SCRAM authentication failed".to_owned())
    );
}
