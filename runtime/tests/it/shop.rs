//! The stubs generated from `tests/data/e2e/stubs.fbs` and the Rust side of the tests that
//! drive them through Crossbar.io (`crossbar_stubs.rs`, `interop_js.rs`) and other routers
//! (`interop_routers.rs`): a callee, a subscriber, and the values they exchange.

use std::time::Duration;

use tokio::sync::mpsc;
use wamp_idl_runtime::{CallContext, EventContext, PayloadError, WampError};

pub mod stubs {
    wamp_idl_runtime::include_wamp_idl!("../tests/data/e2e/stubs.fbs", deny_warnings = true);
}

use stubs::e2e::{Line, Order, Priority, Receipt, Search, Shipment, StockChange, i_shop};

/// The carrier [`Shop`] ships with slowly, for tests that need an invocation to keep running.
pub const SLOW_CARRIER: &str = "snail";
/// How long a shipment with [`SLOW_CARRIER`] takes.
pub const SLOW_SHIPPING: Duration = Duration::from_secs(1);

/// The URI and message of the error `close` fails with.
pub fn closed_error(node: &str) -> WampError {
    WampError::with_message("com.example.e2e.error.closed", format!("shop {node} is closed"))
}

/// Answers each procedure with what it received, the node placeholder included.
pub struct Shop;

impl i_shop::Callee for Shop {
    async fn place(&self, _ctx: CallContext, node: String, request: Order) -> Result<Receipt, WampError> {
        Ok(Receipt {
            reference: format!("{node}/{}/{}", request.customer, request.total),
            order: request,
        })
    }

    async fn search(
        &self,
        _ctx: CallContext,
        node: String,
        request: Search,
    ) -> Result<Vec<String>, WampError> {
        Ok(vec![
            format!("{node}:{}", request.text),
            format!("limit={}", request.limit),
            format!("priority={:?}", request.priority),
            format!("line={:?}", request.line),
        ])
    }

    async fn ship(&self, _ctx: CallContext, _node: String, request: Shipment) -> Result<Shipment, WampError> {
        if request.carrier.as_deref() == Some(SLOW_CARRIER) {
            tokio::time::sleep(SLOW_SHIPPING).await;
        }
        Ok(request)
    }

    async fn close(&self, _ctx: CallContext, node: String) -> Result<(), WampError> {
        Err(closed_error(&node))
    }
}

/// One event as the generated subscriber delivered it.
#[derive(Debug, PartialEq)]
pub enum Delivered {
    Stock {
        node: String,
        shelf: i64,
        change: StockChange,
    },
    Invalid {
        topic: String,
        error: PayloadError,
    },
}

/// Forwards every event it receives to the test.
pub struct Shelves {
    pub delivered: mpsc::UnboundedSender<Delivered>,
}

impl i_shop::Subscriber for Shelves {
    async fn on_stock(&self, _ctx: EventContext, node: String, shelf: i64, event: StockChange) {
        // The test holds the receiver until it has seen its events; a later one has nobody to tell.
        let _ = self.delivered.send(Delivered::Stock {
            node,
            shelf,
            change: event,
        });
    }

    async fn on_invalid_event(&self, topic: String, error: PayloadError) {
        let _ = self.delivered.send(Delivered::Invalid { topic, error });
    }
}

/// An order with every kind of field set, and `total`.
pub fn order(total: i64) -> Order {
    Order {
        customer: "Ada Lövelace".to_owned(),
        priority: Priority::High,
        lines: vec![
            Line {
                sku: "tea".to_owned(),
                quantity: 3,
            },
            Line {
                sku: "scone".to_owned(),
                ..Line::default()
            },
        ],
        note: (0..=255).collect(),
        total,
    }
}
