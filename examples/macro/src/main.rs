//! Chat rooms served, called and watched through stubs that `include_wamp_idl!` expands in
//! place, over an in-memory WAMP session or, with `--router <URL> [--realm <REALM>]`, through
//! a WAMP router.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context as _, bail};
use tokio::sync::mpsc;
use wamp_idl_runtime::{Client, ClientConfig, MemorySession, PublishOptions, Session, WampError};

// The example uses only part of the generated API.
#[allow(dead_code)]
mod generated {
    wamp_idl_runtime::include_wamp_idl!("schemas/chat.fbs");
}

use generated::example::chat::{self as api, i_chat};

const USAGE: &str = "usage: example-macro [--router <URL> [--realm <REALM>]]";
/// The realm of a router started with `crossbar init`'s configuration.
const DEFAULT_REALM: &str = "realm1";
/// How long an event may take from the callee's publication to the subscriber.
const EVENT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the example's sessions meet.
#[derive(Debug)]
enum Meeting {
    InMemory,
    Router { url: String, realm: String },
}

/// Reads the command line (without the program's name).
fn parse_arguments(mut arguments: impl Iterator<Item = String>) -> anyhow::Result<Meeting> {
    let mut url = None;
    let mut realm = None;
    while let Some(argument) = arguments.next() {
        let slot = match argument.as_str() {
            "--router" => &mut url,
            "--realm" => &mut realm,
            _ => bail!("unexpected argument `{argument}`\n{USAGE}"),
        };
        let value = arguments
            .next()
            .with_context(|| format!("`{argument}` needs a value\n{USAGE}"))?;
        *slot = Some(value);
    }
    match (url, realm) {
        (Some(url), realm) => Ok(Meeting::Router {
            url,
            realm: realm.unwrap_or_else(|| DEFAULT_REALM.to_owned()),
        }),
        (None, None) => Ok(Meeting::InMemory),
        (None, Some(_)) => bail!("`--realm` needs `--router`\n{USAGE}"),
    }
}

/// The callee: numbers the messages of each room and publishes them.
struct ChatServer {
    rooms: Mutex<BTreeMap<String, u64>>,
    publisher: i_chat::Caller,
}

impl i_chat::Callee for ChatServer {
    async fn post(&self, room: String, request: api::Post) -> Result<u64, WampError> {
        if request.text.is_empty() {
            return Err(WampError::with_message(
                "example.chat.error.empty",
                "a message needs text",
            ));
        }
        let seq = {
            let mut rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
            let count = rooms.entry(room.clone()).or_default();
            *count += 1;
            *count
        };
        let message = api::Message {
            seq,
            author: request.author,
            text: request.text,
        };
        self.publisher
            .publish_message(&room, message)
            .await
            .map_err(|error| WampError::with_message("example.chat.error.publish", error.to_string()))?;
        Ok(seq)
    }

    async fn count(&self, room: String) -> Result<u64, WampError> {
        let rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(rooms.get(&room).copied().unwrap_or(0))
    }
}

/// The subscriber: describes every message of every room to `main`, which prints it before
/// the result of the call that posted it (through a router, the event and the result travel
/// on different sessions, so either may arrive first).
struct Listener {
    lines: mpsc::UnboundedSender<String>,
}

impl i_chat::Subscriber for Listener {
    async fn message(&self, room: String, message: api::Message) {
        let line = format!(
            "event  room {room} #{}: <{}> {}",
            message.seq, message.author, message.text
        );
        // `main` stops listening only once it has printed everything.
        let _ = self.lines.send(line);
    }
}

/// Prints the next event the subscriber saw; fails if none comes in time.
async fn print_next_event(events: &mut mpsc::UnboundedReceiver<String>) -> anyhow::Result<()> {
    let line = tokio::time::timeout(EVENT_TIMEOUT, events.recv())
        .await
        .ok()
        .flatten()
        .with_context(|| format!("the subscriber received no event within {EVENT_TIMEOUT:?}"))?;
    println!("{line}");
    Ok(())
}

/// Serves the chat on `serving` and uses it from `calling`.
async fn run(serving: Arc<dyn Session>, calling: Arc<dyn Session>) -> anyhow::Result<()> {
    let (lines, mut events) = mpsc::unbounded_channel();
    // Through a router the subscriber shares the callee's session, and routers leave a
    // publisher's own events out unless told otherwise.
    let publisher = i_chat::Caller::new(Arc::clone(&serving)).with_publish_options(PublishOptions {
        exclude_me: Some(false),
        ..PublishOptions::default()
    });
    let server = ChatServer {
        rooms: Mutex::new(BTreeMap::new()),
        publisher,
    };
    i_chat::register(&*serving, Arc::new(server)).await?;
    i_chat::subscribe(&*serving, Arc::new(Listener { lines })).await?;
    let caller = i_chat::Caller::new(calling);

    for (room, author, text) in [
        ("rust", "ferris", "hello, crabs"),
        ("rust", "alice", "hi ferris"),
        ("wamp", "bob", "anyone routing today?"),
    ] {
        let post = api::Post {
            author: author.to_owned(),
            text: text.to_owned(),
        };
        let seq = caller.post(room, post).await?;
        print_next_event(&mut events).await?;
        println!("call   post(room {room}, <{author}> {text}) -> #{seq}");
    }
    for room in ["rust", "wamp", "empty"] {
        let messages = caller.count(room).await?;
        println!("call   count(room {room}) -> {messages}");
    }
    let empty = api::Post {
        author: "carol".to_owned(),
        text: String::new(),
    };
    match caller.post("rust", empty).await {
        Ok(seq) => {
            print_next_event(&mut events).await?;
            println!("call   post(room rust, <carol>) -> #{seq}");
        }
        Err(error) => println!("call   post(room rust, <carol>) -> error: {error}"),
    }
    Ok(())
}

async fn join(url: &str, realm: &str) -> anyhow::Result<Client> {
    ClientConfig::new(url, realm)
        .connect()
        .await
        .with_context(|| format!("cannot join realm `{realm}` at {url}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    match parse_arguments(std::env::args().skip(1))? {
        Meeting::InMemory => {
            let session: Arc<dyn Session> = Arc::new(MemorySession::new());
            run(Arc::clone(&session), session).await
        }
        Meeting::Router { url, realm } => {
            let serving = join(&url, &realm).await?;
            let calling = join(&url, &realm).await?;
            run(Arc::new(serving.clone()), Arc::new(calling.clone())).await?;
            calling.close().await?;
            serving.close().await?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_arguments;

    /// Checks what `arguments` mean: the `Debug` form of the meeting, or the error's first line.
    fn check(arguments: &[&str], expected: &str) {
        let parsed = parse_arguments(arguments.iter().map(|argument| (*argument).to_owned()));
        let actual = match parsed {
            Ok(meeting) => format!("{meeting:?}"),
            Err(error) => error.to_string().lines().next().unwrap_or_default().to_owned(),
        };
        assert_eq!(actual, expected, "arguments {arguments:?}");
    }

    #[test]
    fn reads_where_the_sessions_meet() {
        check(&[], "InMemory");
        check(
            &["--router", "ws://127.0.0.1:8080/ws"],
            r#"Router { url: "ws://127.0.0.1:8080/ws", realm: "realm1" }"#,
        );
        check(
            &["--realm", "lab", "--router", "rs://127.0.0.1:8081"],
            r#"Router { url: "rs://127.0.0.1:8081", realm: "lab" }"#,
        );
    }

    #[test]
    fn rejects_arguments_it_cannot_use() {
        check(&["--realm", "lab"], "`--realm` needs `--router`");
        check(&["--router"], "`--router` needs a value");
        check(
            &["ws://127.0.0.1:8080/ws"],
            "unexpected argument `ws://127.0.0.1:8080/ws`",
        );
    }
}
