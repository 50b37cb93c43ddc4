//! A thermostat served, called and watched through stubs a build script generated, over an
//! in-memory WAMP session or, with `--router <URL> [--realm <REALM>]`, through a WAMP router.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context as _, bail};
use tokio::sync::mpsc;
use wamp_idl_runtime::{Client, ClientConfig, MemorySession, PublishOptions, Session, WampError};

// The example uses only part of the generated API.
#[allow(dead_code)]
mod generated {
    wamp_idl_runtime::include_generated!("thermostat");
}

use generated::example::thermostat::{self as api, i_thermostat};

const USAGE: &str = "usage: example-build-script [--router <URL> [--realm <REALM>]]";
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

/// The callee: keeps a target temperature and announces its changes.
struct Thermostat {
    target: Mutex<f32>,
    announcer: i_thermostat::Caller,
}

impl i_thermostat::Callee for Thermostat {
    async fn set_target(&self, request: api::SetTarget) -> Result<f32, WampError> {
        if !(5.0..=30.0).contains(&request.celsius) {
            return Err(WampError::with_message(
                "example.thermostat.error.out_of_range",
                format!("{} °C is outside 5..=30 °C", request.celsius),
            ));
        }
        let previous = std::mem::replace(
            &mut *self.target.lock().unwrap_or_else(PoisonError::into_inner),
            request.celsius,
        );
        let event = api::TargetChanged {
            celsius: request.celsius,
            reason: request.reason,
        };
        self.announcer
            .publish_target_changed(event)
            .await
            .map_err(|error| {
                WampError::with_message("example.thermostat.error.publish", error.to_string())
            })?;
        Ok(previous)
    }

    async fn read(&self) -> Result<api::Reading, WampError> {
        Ok(api::Reading {
            celsius: 20.5,
            humidity: 41.0,
        })
    }
}

/// The subscriber: describes every change to `main`, which prints it before the result of the
/// call that caused it (through a router, the event and the result travel on different
/// sessions, so either may arrive first).
struct Display {
    lines: mpsc::UnboundedSender<String>,
}

impl i_thermostat::Subscriber for Display {
    async fn target_changed(&self, event: api::TargetChanged) {
        let reason = event.reason.as_deref().unwrap_or("no reason given");
        let line = format!(
            "event  {}: {} °C ({reason})",
            i_thermostat::URI_TARGET_CHANGED,
            event.celsius
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

/// Serves the thermostat on `serving` and calls it from `calling`.
async fn run(serving: Arc<dyn Session>, calling: Arc<dyn Session>) -> anyhow::Result<()> {
    let (lines, mut events) = mpsc::unbounded_channel();
    // Through a router the subscriber shares the callee's session, and routers leave a
    // publisher's own events out unless told otherwise.
    let announcer = i_thermostat::Caller::new(Arc::clone(&serving)).with_publish_options(PublishOptions {
        exclude_me: Some(false),
        ..PublishOptions::default()
    });
    let thermostat = Thermostat {
        target: Mutex::new(19.0),
        announcer,
    };
    i_thermostat::register(&*serving, Arc::new(thermostat)).await?;
    i_thermostat::subscribe(&*serving, Arc::new(Display { lines })).await?;
    let caller = i_thermostat::Caller::new(calling);

    let reading = caller.read().await?;
    println!("call   {}() -> {reading:?}", i_thermostat::URI_READ);

    let request = api::SetTarget {
        celsius: 22.5,
        reason: Some("guests arrive".to_owned()),
    };
    let previous = caller.set_target(request.clone()).await?;
    print_next_event(&mut events).await?;
    println!(
        "call   {}({request:?}) -> previous {previous} °C",
        i_thermostat::URI_SET_TARGET
    );

    let request = api::SetTarget {
        celsius: 45.0,
        reason: None,
    };
    match caller.set_target(request.clone()).await {
        Ok(previous) => {
            print_next_event(&mut events).await?;
            println!(
                "call   {}({request:?}) -> previous {previous} °C",
                i_thermostat::URI_SET_TARGET
            );
        }
        Err(error) => println!(
            "call   {}({request:?}) -> error: {error}",
            i_thermostat::URI_SET_TARGET
        ),
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
