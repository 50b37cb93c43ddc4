//! A thermostat served, called and watched through stubs a build script generated, over an
//! in-memory WAMP session or, with `--router <URL> [--realm <REALM>]`, through a WAMP router.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc;
use wamp_idl_runtime::{CallContext, EventContext, PublishOptions, Session, WampError};

mod generated {
    wamp_idl_runtime::include_generated!("thermostat");
}

use generated::example::thermostat::{self as api, i_thermostat};

/// The callee: keeps a target temperature and announces its changes.
struct Thermostat {
    target: Mutex<f32>,
    announcer: i_thermostat::Caller,
}

impl i_thermostat::Callee for Thermostat {
    async fn set_target(&self, _ctx: CallContext, request: api::SetTarget) -> Result<f32, WampError> {
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
        // A failed publication answers the call with `wamp.error.runtime_error` and why.
        self.announcer.publish_target_changed(event).await?;
        Ok(previous)
    }

    async fn read(&self, _ctx: CallContext) -> Result<api::Reading, WampError> {
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
    async fn target_changed(&self, _ctx: EventContext, event: api::TargetChanged) {
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

/// Serves the thermostat on `serving` and calls it from `calling`.
async fn run(serving: Session, calling: Session) -> anyhow::Result<()> {
    let (lines, mut events) = mpsc::unbounded_channel();
    // Through a router the subscriber shares the callee's session, and routers leave a
    // publisher's own events out unless told otherwise.
    let announcer = i_thermostat::Caller::new(&serving).with_publish_options(PublishOptions {
        exclude_me: Some(false),
        ..PublishOptions::default()
    });
    let thermostat = Thermostat {
        target: Mutex::new(19.0),
        announcer,
    };
    // The handles undo what they hold when dropped: the service lasts as long as `run`.
    let _registrations = i_thermostat::register(&serving, Arc::new(thermostat))
        .await?
        .unregister_on_drop();
    let _subscriptions = i_thermostat::subscribe(&serving, Arc::new(Display { lines }))
        .await?
        .unsubscribe_on_drop();
    let caller = i_thermostat::Caller::new(calling);

    let reading = caller.read().await?;
    println!("call   {}() -> {reading:?}", i_thermostat::URI_READ);

    let request = api::SetTarget {
        celsius: 22.5,
        reason: Some("guests arrive".to_owned()),
    };
    let previous = caller.set_target(request.clone()).await?;
    example_support::print_next_event(&mut events).await?;
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
            example_support::print_next_event(&mut events).await?;
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

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    example_support::run("example-build-script", run).await
}
