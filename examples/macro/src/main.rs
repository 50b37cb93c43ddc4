//! Chat rooms served, called and watched through stubs that `include_wamp_idl!`
//! expands in place, over an in-memory WAMP session.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use wamp_idl_runtime::{MemorySession, Session, WampError};

// The example uses only part of the generated API.
#[allow(dead_code)]
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

/// The subscriber: prints every message of every room.
struct Listener;

impl i_chat::Subscriber for Listener {
    async fn message(&self, room: String, message: api::Message) {
        println!(
            "event  room {room} #{}: <{}> {}",
            message.seq, message.author, message.text
        );
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), wamp_idl_runtime::Error> {
    let session: Arc<dyn Session> = Arc::new(MemorySession::new());
    let caller = i_chat::Caller::new(Arc::clone(&session));
    let server = ChatServer {
        rooms: Mutex::new(BTreeMap::new()),
        publisher: caller.clone(),
    };
    i_chat::register(&*session, Arc::new(server)).await?;
    i_chat::subscribe(&*session, Arc::new(Listener)).await?;

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
        Ok(seq) => println!("call   post(room rust, <carol>) -> #{seq}"),
        Err(error) => println!("call   post(room rust, <carol>) -> error: {error}"),
    }
    Ok(())
}
