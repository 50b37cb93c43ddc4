//! Chat rooms served, called and watched through stubs that `include_wamp_idl!` expands in
//! place, over an in-memory WAMP session or, with `--router <URL> [--realm <REALM>]`, through
//! a WAMP router.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc;
use wamp_idl_runtime::{CallContext, PublishOptions, Session, WampError};

mod generated {
    wamp_idl_runtime::include_wamp_idl!("schemas/chat.fbs");
}

use generated::example::chat::{self as api, i_chat};

/// The callee: numbers the messages of each room and publishes them.
struct ChatServer {
    rooms: Mutex<BTreeMap<String, u64>>,
    publisher: i_chat::Caller,
}

impl i_chat::Callee for ChatServer {
    async fn post(&self, _ctx: CallContext, room: String, request: api::Post) -> Result<u64, WampError> {
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
        // A failed publication answers the call with `wamp.error.runtime_error` and why.
        self.publisher.publish_message(&room, message).await?;
        Ok(seq)
    }

    async fn count(&self, _ctx: CallContext, room: String) -> Result<u64, WampError> {
        let rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(rooms.get(&room).copied().unwrap_or(0))
    }
}

/// Serves the chat on `serving` and uses it from `calling`.
async fn run(serving: Session, calling: Session) -> anyhow::Result<()> {
    let (lines, mut events) = mpsc::unbounded_channel();
    // Through a router the subscriber shares the callee's session, and routers leave a
    // publisher's own events out unless told otherwise.
    let publisher = i_chat::Caller::new(&serving).with_publish_options(PublishOptions {
        exclude_me: Some(false),
        ..PublishOptions::default()
    });
    let server = ChatServer {
        rooms: Mutex::new(BTreeMap::new()),
        publisher,
    };
    let _registrations = i_chat::register(&serving, Arc::new(server))
        .await?
        .unregister_on_drop();
    // The subscriber, one closure: describes every message of every room to `main`, which
    // prints it before the result of the call that posted it (through a router, the event and
    // the result travel on different sessions, so either may arrive first).
    let _subscriptions = i_chat::SubscriberBuilder::new()
        .message(move |_ctx, room, message: api::Message| {
            let line = format!(
                "event  room {room} #{}: <{}> {}",
                message.seq, message.author, message.text
            );
            // `main` stops listening only once it has printed everything.
            let _ = lines.send(line);
            async {}
        })
        .subscribe(&serving)
        .await?
        .unsubscribe_on_drop();
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
        example_support::print_next_event(&mut events).await?;
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
            example_support::print_next_event(&mut events).await?;
            println!("call   post(room rust, <carol>) -> #{seq}");
        }
        Err(error) => println!("call   post(room rust, <carol>) -> error: {error}"),
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    example_support::run("example-macro", run).await
}
