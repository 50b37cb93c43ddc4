//! The stubs generated from `tests/data/e2e/stubs.fbs` and the Rust side of the tests that
//! drive them through Crossbar.io (`crossbar_stubs.rs`, `interop_js.rs`) and other routers
//! (`interop_routers.rs`): a callee, a subscriber, the values they exchange, and what a caller
//! of the shop's declared errors and streams gets from any shop.

use std::time::Duration;

use futures_util::StreamExt as _;
use tokio::sync::mpsc;
use wamp_idl_runtime::{CallContext, EventContext, ItemSink, PayloadError, WampError};

pub mod stubs {
    wamp_idl_runtime::include_wamp_idl!("../tests/data/e2e/stubs.fbs", deny_warnings = true);
}

use stubs::e2e::i_shop::{PickError, ReserveError};
use stubs::e2e::{Line, Order, OutOfStock, Priority, Receipt, Search, Shipment, StockChange, i_shop};

/// How many procedures the shop registers.
pub const SHOP_PROCEDURES: usize = 6;

/// The carrier [`Shop`] ships with slowly, for tests that need an invocation to keep running.
pub const SLOW_CARRIER: &str = "snail";
/// How long a shipment with [`SLOW_CARRIER`] takes.
pub const SLOW_SHIPPING: Duration = Duration::from_secs(1);

/// The URI and message of the error `close` fails with.
pub fn closed_error(node: &str) -> WampError {
    WampError::with_message("com.example.e2e.error.closed", format!("shop {node} is closed"))
}

/// The error URI, not declared by the schema, of a product the shop does not sell.
pub const NO_SUCH_PRODUCT: &str = "com.example.e2e.error.no_such_product";

/// The error a shop answers a line of a product it does not sell with.
pub fn no_such_product(sku: &str) -> WampError {
    WampError::with_message(NO_SUCH_PRODUCT, format!("no product {sku}"))
}

/// How many of each product the shelves hold, for [`Shop`] and the foreign peers' shops
/// (`tests/peers/shop_callee.py`, `tests/peers/js/callee.cjs`): a product not listed is not sold.
pub fn on_shelf(sku: &str) -> Option<u32> {
    match sku {
        "tea" => Some(5),
        "scone" => Some(12),
        _ => None,
    }
}

/// The line as the shelves fill it: whole, or failing with the declared error `declared` makes
/// of [`OutOfStock`] when they hold fewer, or with [`no_such_product`].
fn fill<E: From<WampError>>(line: Line, declared: fn(OutOfStock) -> E) -> Result<Line, E> {
    let Some(available) = on_shelf(&line.sku) else {
        return Err(E::from(no_such_product(&line.sku)));
    };
    if line.quantity > available {
        return Err(declared(out_of_stock(&line.sku, available)));
    }
    Ok(line)
}

/// Lines of `(sku, quantity)`.
pub fn lines(lines: &[(&str, u32)]) -> Vec<Line> {
    lines
        .iter()
        .map(|&(sku, quantity)| Line {
            sku: sku.to_owned(),
            quantity,
        })
        .collect()
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

    async fn reserve(&self, _ctx: CallContext, _node: String, request: Line) -> Result<Line, ReserveError> {
        fill(request, ReserveError::OutOfStock)
    }

    async fn pick(
        &self,
        _ctx: CallContext,
        _node: String,
        request: Order,
        results: ItemSink<Line>,
    ) -> Result<(), PickError> {
        for line in request.lines {
            results
                .send(fill(line, PickError::OutOfStock)?)
                .map_err(PickError::Other)?;
        }
        Ok(())
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
        ..order_of(Vec::new())
    }
}

/// An order of `lines`, for picking.
pub fn order_of(lines: Vec<Line>) -> Order {
    Order {
        customer: "Ada Lövelace".to_owned(),
        priority: Priority::High,
        lines,
        note: Vec::new(),
        total: 0,
    }
}

/// The declared error of `reserve` and `pick`.
pub fn out_of_stock(sku: &str, available: u32) -> OutOfStock {
    OutOfStock {
        sku: sku.to_owned(),
        available,
    }
}

/// What a generated caller gets from a shop (the generated [`Shop`], or a foreign one that
/// keeps the same shelves: `tests/peers/shop_callee.py`, `tests/peers/js/callee.cjs`) for its procedures that declare an error and stream their results:
/// the declared error as its variant with its fields, an undeclared one as `Other`, each item
/// of a stream in order, and a stream that fails as its items up to the error.
pub async fn check_declared_errors_and_streams(caller: &i_shop::Caller, context: &str) {
    let reserved = caller.reserve(Line {
        sku: "tea".to_owned(),
        quantity: 5,
    });
    assert_eq!(
        reserved.await,
        Ok(Line {
            sku: "tea".to_owned(),
            quantity: 5
        }),
        "{context}: reserve"
    );
    let short = caller.reserve(Line {
        sku: "tea".to_owned(),
        quantity: 6,
    });
    assert_eq!(
        short.await,
        Err(ReserveError::OutOfStock(out_of_stock("tea", 5))),
        "{context}: reserve more than the shelf holds"
    );
    let unknown = caller.reserve(Line {
        sku: "coffee".to_owned(),
        quantity: 1,
    });
    let unknown = match unknown.await {
        Err(ReserveError::Other(error)) => error.as_wamp().map(|error| error.uri.clone()),
        other => panic!("{context}: reserve a product not sold: {other:?}"),
    };
    assert_eq!(
        unknown.as_deref(),
        Some(NO_SUCH_PRODUCT),
        "{context}: reserve a product not sold"
    );

    let wanted = lines(&[("tea", 1), ("scone", 12), ("tea", 5), ("scone", 1)]);
    let picked: Vec<_> = caller.pick(order_of(wanted.clone())).collect().await;
    let expected: Vec<Result<Line, PickError>> = wanted.into_iter().map(Ok).collect();
    assert_eq!(picked, expected, "{context}: pick, every line in order");

    let nothing: Vec<_> = caller.pick(order_of(Vec::new())).collect().await;
    assert_eq!(nothing, [], "{context}: pick nothing");

    let wanted = lines(&[("tea", 2), ("scone", 3), ("tea", 9), ("scone", 1)]);
    let picked: Vec<_> = caller.pick(order_of(wanted.clone())).collect().await;
    let expected = vec![
        Ok(wanted[0].clone()),
        Ok(wanted[1].clone()),
        Err(PickError::OutOfStock(out_of_stock("tea", 5))),
    ];
    assert_eq!(picked, expected, "{context}: pick up to a line out of stock");

    let wanted = lines(&[("scone", 1), ("coffee", 1)]);
    let picked: Vec<_> = caller.pick(order_of(wanted.clone())).collect().await;
    let uris: Vec<_> = picked
        .iter()
        .map(|item| match item {
            Ok(line) => Ok(line.clone()),
            Err(PickError::Other(error)) => Err(error.uri().map(str::to_owned)),
            Err(declared) => panic!("{context}: pick a product not sold: {declared:?}"),
        })
        .collect();
    assert_eq!(
        uris,
        [Ok(wanted[0].clone()), Err(Some(NO_SUCH_PRODUCT.to_owned()))],
        "{context}: pick up to a product not sold"
    );
}
