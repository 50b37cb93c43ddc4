//! What the examples share that is not about WAMP IDL stubs: where their two sessions meet
//! (in memory, or through a router named on the command line), and printing the events
//! their subscribers pass on in a fixed order.

use std::future::Future;
use std::time::Duration;

use anyhow::{Context as _, bail};
use tokio::sync::mpsc;
use wamp_idl_runtime::{Client, ClientConfig, MemorySession, Session};

/// The realm of a router started with `crossbar init`'s configuration.
const DEFAULT_REALM: &str = "realm1";
/// How long an event may take from the callee's publication to the subscriber.
const EVENT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where an example's sessions meet.
#[derive(Debug)]
enum Meeting {
    InMemory,
    Router { url: String, realm: String },
}

/// Runs `scenario` with a serving and a calling session, meeting where the command line
/// of `program` says: in memory without arguments, else through `--router <URL>
/// [--realm <REALM>]`, whose sessions are closed afterwards.
pub async fn run<Scenario, Done>(program: &str, scenario: Scenario) -> anyhow::Result<()>
where
    Scenario: FnOnce(Session, Session) -> Done,
    Done: Future<Output = anyhow::Result<()>>,
{
    match parse_arguments(program, std::env::args().skip(1))? {
        Meeting::InMemory => {
            let session = MemorySession::new().session();
            scenario(session.clone(), session).await
        }
        Meeting::Router { url, realm } => {
            let serving = join(&url, &realm).await?;
            let calling = join(&url, &realm).await?;
            scenario(serving.session(), calling.session()).await?;
            calling.close().await?;
            serving.close().await?;
            Ok(())
        }
    }
}

/// Prints the next event the subscriber saw; fails if none comes in time.
pub async fn print_next_event(events: &mut mpsc::UnboundedReceiver<String>) -> anyhow::Result<()> {
    let line = tokio::time::timeout(EVENT_TIMEOUT, events.recv())
        .await
        .ok()
        .flatten()
        .with_context(|| format!("the subscriber received no event within {EVENT_TIMEOUT:?}"))?;
    println!("{line}");
    Ok(())
}

/// Reads the command line of `program` (without the program's name).
fn parse_arguments(program: &str, mut arguments: impl Iterator<Item = String>) -> anyhow::Result<Meeting> {
    let usage = format!("usage: {program} [--router <URL> [--realm <REALM>]]");
    let mut url = None;
    let mut realm = None;
    while let Some(argument) = arguments.next() {
        let slot = match argument.as_str() {
            "--router" => &mut url,
            "--realm" => &mut realm,
            _ => bail!("unexpected argument `{argument}`\n{usage}"),
        };
        let value = arguments
            .next()
            .with_context(|| format!("`{argument}` needs a value\n{usage}"))?;
        *slot = Some(value);
    }
    match (url, realm) {
        (Some(url), realm) => Ok(Meeting::Router {
            url,
            realm: realm.unwrap_or_else(|| DEFAULT_REALM.to_owned()),
        }),
        (None, None) => Ok(Meeting::InMemory),
        (None, Some(_)) => bail!("`--realm` needs `--router`\n{usage}"),
    }
}

async fn join(url: &str, realm: &str) -> anyhow::Result<Client> {
    ClientConfig::new(url, realm)
        .connect()
        .await
        .with_context(|| format!("cannot join realm `{realm}` at {url}"))
}

#[cfg(test)]
mod tests {
    use super::parse_arguments;

    /// Checks what `arguments` mean: the `Debug` form of the meeting, or the error's first line.
    fn check(arguments: &[&str], expected: &str) {
        let parsed = parse_arguments("example", arguments.iter().map(|argument| (*argument).to_owned()));
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
