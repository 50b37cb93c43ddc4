//! A thermostat served, called and watched through stubs a build script generated,
//! over an in-memory WAMP session.

use std::sync::{Arc, Mutex, PoisonError};

use wamp_idl_runtime::{MemorySession, Session, WampError};

// The example uses only part of the generated API.
#[allow(dead_code)]
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

/// The subscriber: prints every change.
struct Display;

impl i_thermostat::Subscriber for Display {
    async fn target_changed(&self, event: api::TargetChanged) {
        let reason = event.reason.as_deref().unwrap_or("no reason given");
        println!(
            "event  {}: {} °C ({reason})",
            i_thermostat::URI_TARGET_CHANGED,
            event.celsius
        );
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), wamp_idl_runtime::Error> {
    let session: Arc<dyn Session> = Arc::new(MemorySession::new());
    let caller = i_thermostat::Caller::new(Arc::clone(&session));
    let thermostat = Thermostat {
        target: Mutex::new(19.0),
        announcer: caller.clone(),
    };
    i_thermostat::register(&*session, Arc::new(thermostat)).await?;
    i_thermostat::subscribe(&*session, Arc::new(Display)).await?;

    let reading = caller.read().await?;
    println!("call   {}() -> {reading:?}", i_thermostat::URI_READ);

    let request = api::SetTarget {
        celsius: 22.5,
        reason: Some("guests arrive".to_owned()),
    };
    let previous = caller.set_target(request.clone()).await?;
    println!(
        "call   {}({request:?}) -> previous {previous} °C",
        i_thermostat::URI_SET_TARGET
    );

    let request = api::SetTarget {
        celsius: 45.0,
        reason: None,
    };
    match caller.set_target(request.clone()).await {
        Ok(previous) => println!(
            "call   {}({request:?}) -> previous {previous} °C",
            i_thermostat::URI_SET_TARGET
        ),
        Err(error) => println!(
            "call   {}({request:?}) -> error: {error}",
            i_thermostat::URI_SET_TARGET
        ),
    }
    Ok(())
}
