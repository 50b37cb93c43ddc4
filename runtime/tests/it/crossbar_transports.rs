//! The transports beyond plain TCP against Crossbar.io: WebSocket and RawSocket over TLS
//! (`wss://`, `rss://`), joined when the client trusts the router's certificate, refused (before
//! any WAMP) when it does not; and both over a unix domain socket (`unix://`, `unix+rs://`).

use wamp_idl_test_support::router as support;

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;
use support::Transport;
use wamp_idl_runtime::ErrorKind;
use wamp_idl_runtime::client::ClientConfig;
use wamp_idl_runtime::wire::Serializer;

/// A TLS configuration that trusts only the router's self-signed certificate.
fn trusting(certificate: &std::path::Path) -> Arc<rustls::ClientConfig> {
    let certificate = CertificateDer::from_pem_file(certificate)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", certificate.display()));
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(certificate)
        .unwrap_or_else(|error| panic!("cannot trust the certificate: {error}"));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|error| panic!("{error}"))
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trusted_certificate_joins() {
    let Some(router) = support::router("trusted_certificate_joins") else {
        return;
    };
    for host in ["localhost", "127.0.0.1"] {
        let urls = [
            format!("wss://{host}:{}/ws", router.ports.tls),
            format!("rss://{host}:{}", router.ports.rawsocket_tls),
        ];
        for url in urls {
            for serializer in Serializer::ALL {
                let client = ClientConfig::new(&url, support::REALM)
                    .serializer(serializer)
                    .tls(trusting(&router.tls_certificate()))
                    .connect()
                    .await
                    .unwrap_or_else(|error| panic!("{url} {serializer}: {error}\n{}", router.log_tail()));
                support::check_session(&client, &format!("{url} {serializer}")).await;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unix_domain_sockets_carry_websocket_and_rawsocket() {
    let Some(router) = support::router("unix_domain_sockets_carry_websocket_and_rawsocket") else {
        return;
    };
    for transport in [Transport::WebSocket, Transport::RawSocket] {
        let url = router.unix_url(transport);
        for serializer in Serializer::ALL {
            let client = ClientConfig::new(&url, support::REALM)
                .serializer(serializer)
                .connect()
                .await
                .unwrap_or_else(|error| panic!("{url} {serializer}: {error}\n{}", router.log_tail()));
            support::check_session(&client, &format!("{url} {serializer}")).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untrusted_certificate_is_refused() {
    let Some(router) = support::router("untrusted_certificate_is_refused") else {
        return;
    };
    let urls = [
        format!("wss://localhost:{}/ws", router.ports.tls),
        format!("rss://localhost:{}", router.ports.rawsocket_tls),
    ];
    for url in urls {
        // The default configuration trusts the public roots only, not a self-signed certificate.
        let joined = ClientConfig::new(&url, support::REALM).connect().await;
        let error = joined.err().map(|error| error.into_kind());
        assert!(
            matches!(&error, Some(ErrorKind::Transport(message)) if message.contains("certificate")),
            "{url}: {error:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_answering_keepalive_pings_stays_up() {
    let Some(router) = support::router("an_idle_session_answering_keepalive_pings_stays_up") else {
        return;
    };
    // Crossbar answers the pings of both protocols: silence the keepalive would count as a
    // lost connection never comes.
    let interval = std::time::Duration::from_millis(300);
    for transport in [Transport::WebSocket, Transport::RawSocket] {
        let url = router.url(transport);
        let client = ClientConfig::new(&url, support::REALM)
            .keepalive(Some(interval))
            .connect()
            .await
            .unwrap_or_else(|error| panic!("{url}: {error}"));
        let session = client.session_id();
        tokio::time::sleep(interval * 10).await;
        let state = client.state().borrow().clone();
        assert_eq!(
            state,
            wamp_idl_runtime::client::SessionState::Up { session_id: session },
            "{url}: idle for ten keepalive intervals"
        );
        support::check_session(&client, &url).await;
    }
}
