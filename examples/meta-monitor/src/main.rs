//! meta-monitor: shows the sessions, registrations and subscriptions of a WAMP realm, then
//! follows joins, leaves, registrations and subscriptions live, through the WAMP Meta API
//! that wamp-idl bundles (`wamp_idl_runtime::meta`).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Parser, ValueEnum};
use tokio::sync::{mpsc, oneshot};
use wamp_idl_runtime::client::{ClientConfig, Credentials, CryptosignKey, SessionState};
use wamp_idl_runtime::meta::{self, Caller};
use wamp_idl_runtime::wire::Serializer;
use wamp_idl_runtime::{Error, EventContext, PayloadError, Value};

/// Shows what a WAMP router's realm holds and follows it live, until Ctrl-C.
///
/// The role the monitor joins as must be allowed to call `wamp.*` procedures and to subscribe
/// to `wamp.*` topics.
#[derive(Debug, Parser)]
#[command(version)]
struct Options {
    /// The router: ws://host:port/path, wss://host:port/path or rs://host:port (RawSocket).
    #[arg(long, default_value = "ws://127.0.0.1:8080/ws")]
    url: String,

    /// The realm to watch.
    #[arg(long, default_value = "realm1")]
    realm: String,

    /// The serializer to speak.
    #[arg(long, value_enum, default_value_t = SerializerName::Json)]
    serializer: SerializerName,

    /// The authentication ID; needed with --ticket and --secret, optional with --private-key.
    #[arg(long)]
    authid: Option<String>,

    /// Authenticate with this ticket (WAMP-Ticket).
    #[arg(long, requires = "authid", group = "credential")]
    ticket: Option<String>,

    /// Authenticate with this secret (WAMP-CRA).
    #[arg(long, requires = "authid", group = "credential")]
    secret: Option<String>,

    /// Authenticate with this Ed25519 private seed, 64 hex digits (WAMP-Cryptosign).
    #[arg(long, value_name = "HEX_SEED", group = "credential")]
    private_key: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SerializerName {
    Json,
    Msgpack,
    Cbor,
    Ubjson,
}

impl From<SerializerName> for Serializer {
    fn from(name: SerializerName) -> Serializer {
        match name {
            SerializerName::Json => Serializer::Json,
            SerializerName::Msgpack => Serializer::MsgPack,
            SerializerName::Cbor => Serializer::Cbor,
            SerializerName::Ubjson => Serializer::UbJson,
        }
    }
}

impl Options {
    fn credentials(&self) -> anyhow::Result<Credentials> {
        let authid = self.authid.clone();
        Ok(match (&self.ticket, &self.secret, &self.private_key) {
            (Some(ticket), _, _) => Credentials::Ticket {
                authid: authid.context("--ticket needs --authid")?,
                ticket: ticket.clone(),
            },
            (_, Some(secret), _) => Credentials::WampCra {
                authid: authid.context("--secret needs --authid")?,
                secret: secret.clone(),
            },
            (_, _, Some(seed)) => Credentials::Cryptosign {
                authid,
                key: CryptosignKey::from_hex(seed).context("--private-key")?,
            },
            (None, None, None) if authid.is_some() => {
                bail!("--authid needs --ticket, --secret or --private-key")
            }
            (None, None, None) => Credentials::Anonymous,
        })
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let options = Options::parse();
    // Ctrl-C is listened to from the first await on: by the time anything is printed, it
    // makes the monitor leave the realm cleanly instead of killing it.
    let (interrupt, mut interrupted) = oneshot::channel();
    tokio::spawn(async move {
        let _ = interrupt.send(tokio::signal::ctrl_c().await);
    });
    let client = ClientConfig::new(&options.url, &options.realm)
        .serializer(options.serializer.into())
        .credentials(options.credentials()?)
        .call_timeout(Some(Duration::from_secs(10)))
        .connect()
        .await
        .with_context(|| format!("cannot join realm {} at {}", options.realm, options.url))?;
    println!(
        "joined realm {} at {} as session {} (authid {}, authrole {})",
        options.realm,
        options.url,
        client.session_id(),
        or_dash(client.authid().as_deref()),
        or_dash(client.authrole().as_deref()),
    );

    // Subscribed before the snapshot is taken, so that nothing happens unseen in between; the
    // events wait in the channel until the snapshot is printed.
    let (lines, mut pending) = mpsc::unbounded_channel();
    meta::subscribe(&client, Arc::new(EventPrinter(lines)))
        .await
        .context("cannot subscribe to the meta events (does the role allow subscribing to wamp.*?)")?;
    let meta = Caller::new(&client);
    print_snapshot(&meta)
        .await
        .context("cannot read the realm (does the role allow calling wamp.*?)")?;
    println!("watching realm {} (Ctrl-C to stop)", options.realm);

    // The client joins again by itself after a loss (a router restart, say) and subscribes
    // to the meta events again before it reports itself up; the monitor only tells.
    let mut state = client.state();
    loop {
        tokio::select! {
            signal = &mut interrupted => {
                signal
                    .context("the Ctrl-C listener ended")?
                    .context("cannot listen to Ctrl-C")?;
                break;
            }
            Some(line) = pending.recv() => println!("{line}"),
            changed = state.changed() => {
                changed.context("the client is gone")?;
                let now = state.borrow_and_update().clone();
                match now {
                    SessionState::Down { reason, retry_in } => {
                        println!("session lost ({reason}); joining again in {retry_in:.1?}");
                    }
                    SessionState::Connecting { attempt } => println!("joining again (attempt {attempt})"),
                    SessionState::Up { session_id } => {
                        println!("joined again as session {session_id}; meta events subscribed again");
                        print_snapshot(&meta).await.context("cannot read the realm again")?;
                    }
                    SessionState::Closed { reason } => bail!("the session is closed for good: {reason}"),
                    other => println!("session: {other:?}"),
                }
            }
        }
    }
    client.close().await.context("cannot leave the realm cleanly")?;
    println!("left realm {}", options.realm);
    Ok(())
}

/// Prints every session, registration and subscription of the realm.
async fn print_snapshot(meta: &Caller) -> Result<(), Error> {
    let mut sessions = meta.session_list(None).await?;
    sessions.sort_unstable();
    println!("sessions ({}):", sessions.len());
    let mut subscriptions = BTreeSet::new();
    for session in &sessions {
        match meta.session_get(*session).await {
            Ok(details) => println!("  {}", describe_session(&details)),
            Err(error) if error.uri() == Some("wamp.error.no_such_session") => {
                println!("  session {session} (left meanwhile)");
            }
            Err(error) => return Err(error),
        }
        // Crossbar's realm-wide list leaves out wildcard subscriptions; a session's does not.
        match meta.subscription_list(Some(*session)).await {
            Ok(lists) => subscriptions.extend(all_ids(lists)),
            Err(error) if error.uri() == Some("wamp.error.no_such_session") => {}
            Err(error) => return Err(error),
        }
    }

    let registrations = all_ids(meta.registration_list(None).await?);
    println!("registrations ({}):", registrations.len());
    for registration in registrations {
        let details = meta.registration_get(registration).await?;
        let callees = meta.registration_list_callees(registration).await?;
        println!(
            "  {} callees={}",
            describe_registration(&details),
            id_list(callees)
        );
    }

    subscriptions.extend(all_ids(meta.subscription_list(None).await?));
    let mut described = Vec::new();
    for subscription in subscriptions {
        match meta.subscription_get(subscription).await {
            Ok(details) => {
                let subscribers = meta.subscription_list_subscribers(subscription).await?;
                described.push(format!(
                    "  {} subscribers={}",
                    describe_subscription(&details),
                    id_list(subscribers)
                ));
            }
            // Subscriptions to the meta topics (this monitor's own among them) are the
            // router's business: it does not describe them.
            Err(error) if error.uri() == Some("wamp.error.not_authorized") => {}
            Err(error) => return Err(error),
        }
    }
    println!("subscriptions ({}):", described.len());
    for line in described {
        println!("{line}");
    }
    Ok(())
}

/// Every ID of a list of IDs by match policy, sorted.
fn all_ids(lists: meta::MatchPolicyLists) -> BTreeSet<u64> {
    [lists.exact, lists.prefix, lists.wildcard]
        .into_iter()
        .flatten()
        .flatten()
        .collect()
}

fn id_list(mut ids: Vec<u64>) -> String {
    ids.sort_unstable();
    let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
    format!("[{}]", ids.join(", "))
}

fn or_dash(text: Option<&str>) -> &str {
    text.unwrap_or("-")
}

fn describe_session(details: &meta::SessionDetails) -> String {
    let mut line = format!(
        "session {} authid={} authrole={} authmethod={}",
        details.session,
        or_dash(details.authid.as_deref()),
        or_dash(details.authrole.as_deref()),
        or_dash(details.authmethod.as_deref()),
    );
    if let Some(serializer) = serializer_name(details.serializer.as_ref()) {
        let _ = write!(line, " serializer={serializer}");
    }
    if let Some(Value::Dict(transport)) = &details.transport {
        for key in ["channel_framing", "peer"] {
            if let Some(Value::String(value)) = transport.get(key) {
                let _ = write!(line, " {key}={value}");
            }
        }
    }
    line
}

/// The serializer as routers report it: a name per the spec, Crossbar's number on RawSocket.
fn serializer_name(serializer: Option<&Value>) -> Option<&str> {
    match serializer? {
        Value::String(name) => Some(name),
        Value::Integer(1) => Some("json"),
        Value::Integer(2) => Some("msgpack"),
        Value::Integer(3) => Some("cbor"),
        Value::Integer(4) => Some("ubjson"),
        _ => None,
    }
}

fn describe_registration(details: &meta::RegistrationDetails) -> String {
    format!(
        "registration {} {} match={} invoke={}",
        details.id,
        or_dash(details.uri.as_deref()),
        or_dash(details.r#match.as_deref()),
        or_dash(details.invoke.as_deref()),
    )
}

fn describe_subscription(details: &meta::SubscriptionDetails) -> String {
    format!(
        "subscription {} {} match={}",
        details.id,
        or_dash(details.uri.as_deref()),
        or_dash(details.r#match.as_deref()),
    )
}

/// A session ID that routers may leave out (Crossbar does, cleaning up after a session).
fn by_session(session: Option<u64>) -> String {
    session.map_or_else(
        || "by the router".to_owned(),
        |session| format!("by session {session}"),
    )
}

/// Turns every meta event into one line for the main loop to print.
#[derive(Debug)]
struct EventPrinter(mpsc::UnboundedSender<String>);

impl EventPrinter {
    fn print(&self, line: String) {
        // The main loop has stopped reading when the monitor shuts down: nothing to print to.
        let _ = self.0.send(line);
    }
}

impl meta::Subscriber for EventPrinter {
    async fn session_on_join(&self, _ctx: EventContext, details: meta::SessionDetails) {
        self.print(format!("join        {}", describe_session(&details)));
    }

    async fn session_on_leave(&self, _ctx: EventContext, event: meta::SessionLeft) {
        // The spec adds authid and authrole; Crossbar sends the session ID only.
        let mut line = format!("leave       session {}", event.session);
        if let Some(authid) = &event.authid {
            let _ = write!(line, " authid={authid}");
        }
        if let Some(authrole) = &event.authrole {
            let _ = write!(line, " authrole={authrole}");
        }
        self.print(line);
    }

    async fn session_on_stats(&self, _ctx: EventContext, event: meta::SessionStats) {
        let session = event
            .session
            .session
            .map_or_else(|| "(left)".to_owned(), |session| session.to_string());
        self.print(format!(
            "stats       session {session} authid={} messages={} bytes={}",
            or_dash(event.session.authid.as_deref()),
            event.stats.messages,
            event.stats.bytes,
        ));
    }

    async fn registration_on_create(&self, _ctx: EventContext, event: meta::RegistrationCreated) {
        self.print(format!(
            "create      {} {}",
            describe_registration(&event.registration),
            by_session(event.session)
        ));
    }

    async fn registration_on_register(&self, _ctx: EventContext, event: meta::RegistrationChanged) {
        self.print(format!(
            "register    registration {} {}",
            event.registration,
            by_session(event.session)
        ));
    }

    async fn registration_on_unregister(&self, _ctx: EventContext, event: meta::RegistrationChanged) {
        self.print(format!(
            "unregister  registration {} {}",
            event.registration,
            by_session(event.session)
        ));
    }

    async fn registration_on_delete(&self, _ctx: EventContext, event: meta::RegistrationChanged) {
        self.print(format!("delete      registration {}", event.registration));
    }

    async fn subscription_on_create(&self, _ctx: EventContext, event: meta::SubscriptionCreated) {
        self.print(format!(
            "create      {} {}",
            describe_subscription(&event.subscription),
            by_session(event.session)
        ));
    }

    async fn subscription_on_subscribe(&self, _ctx: EventContext, event: meta::SubscriptionChanged) {
        self.print(format!(
            "subscribe   subscription {} {}",
            event.subscription,
            by_session(event.session)
        ));
    }

    async fn subscription_on_unsubscribe(&self, _ctx: EventContext, event: meta::SubscriptionChanged) {
        self.print(format!(
            "unsubscribe subscription {} {}",
            event.subscription,
            by_session(event.session)
        ));
    }

    async fn subscription_on_delete(&self, _ctx: EventContext, event: meta::SubscriptionChanged) {
        self.print(format!("delete      subscription {}", event.subscription));
    }

    async fn on_invalid_event(&self, topic: String, error: PayloadError) {
        self.print(format!("unreadable  {topic}: {error}"));
    }
}
