//! Generated stubs of procedures that declare errors and stream (`raises`, `stream`;
//! docs/wamp-idl.md §7), from `tests/data/fbs/valid/errors_and_streams.fbs`, through the
//! in-memory session: it routes progressive call invocations as WAMP says, which no router
//! installable here does (docs/compatibility.md). The trait, the builder and the caller each
//! take and give items as typed streams, and a declared error comes back as its variant.

/// Without the prelude, as generated code must compile anywhere.
#[no_implicit_prelude]
mod stubs {
    ::wamp_idl_runtime::include_wamp_idl!(
        "../tests/data/fbs/valid/errors_and_streams.fbs",
        deny_warnings = true
    );
}

use std::sync::Arc;

use futures_util::StreamExt as _;
use wamp_idl_runtime::{CallContext, ItemSink, Items, MemorySession, WampError};

use stubs::demo::i_storage::{self, FetchError, StoreError};
use stubs::demo::storage::{NoSuchSeries, Range, Rejected, Series};

fn series(start: u64, samples: &[f32]) -> Series {
    Series {
        start,
        samples: samples.to_vec(),
    }
}

/// Stores nothing but answers as a store would: each sample of a fetched range is a series of
/// its own, uploads are counted, averages are sent as they come.
struct Storage;

impl i_storage::Callee for Storage {
    async fn store(&self, _ctx: CallContext, request: Series) -> Result<Range, StoreError> {
        if request.samples.is_empty() {
            return Err(StoreError::Rejected(Rejected {
                reason: "empty".to_owned(),
                outliers: 0,
            }));
        }
        let end = request.start + request.samples.len() as u64;
        Ok(Range {
            start: request.start,
            end,
        })
    }

    async fn fetch(
        &self,
        _ctx: CallContext,
        request: Range,
        results: ItemSink<Series>,
    ) -> Result<(), FetchError> {
        if request.end < request.start {
            return Err(FetchError::NoSuchSeries(NoSuchSeries {}));
        }
        for start in request.start..request.end {
            results
                .send(series(start, &[start as f32]))
                .map_err(FetchError::Other)?;
        }
        Ok(())
    }

    async fn upload(&self, _ctx: CallContext, mut items: Items<Series>) -> Result<Range, WampError> {
        let mut range = Range { start: 0, end: 0 };
        while let Some(item) = items.next().await {
            range.end += item?.samples.len() as u64;
        }
        Ok(range)
    }

    async fn average(
        &self,
        _ctx: CallContext,
        mut items: Items<Series>,
        results: ItemSink<Series>,
    ) -> Result<(), WampError> {
        while let Some(item) = items.next().await {
            let item = item?;
            let average = item.samples.iter().sum::<f32>() / item.samples.len().max(1) as f32;
            results.send(series(item.start, &[average]))?;
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_generated_callee_streams_typed_items_both_ways_and_raises_declared_errors() {
    let session = MemorySession::new().session();
    let registered = i_storage::register(&session, Arc::new(Storage)).await;
    assert_eq!(registered.map(|registrations| registrations.len()).ok(), Some(4));
    let caller = i_storage::Caller::new(&session);

    let stored = caller.store(series(3, &[1.0, 2.0])).await;
    assert_eq!(stored, Ok(Range { start: 3, end: 5 }));
    let rejected = caller.store(series(3, &[])).await;
    assert_eq!(
        rejected,
        Err(StoreError::Rejected(Rejected {
            reason: "empty".to_owned(),
            outliers: 0
        }))
    );

    let fetched: Vec<_> = caller.fetch(Range { start: 1, end: 3 }).collect().await;
    assert_eq!(fetched, vec![Ok(series(1, &[1.0])), Ok(series(2, &[2.0]))]);
    let missing: Vec<_> = caller.fetch(Range { start: 3, end: 1 }).collect().await;
    assert_eq!(missing, vec![Err(FetchError::NoSuchSeries(NoSuchSeries {}))]);

    let uploads = futures_util::stream::iter([series(0, &[1.0, 2.0]), series(2, &[3.0])]);
    assert_eq!(
        caller.upload(uploads).await.ok(),
        Some(Range { start: 0, end: 3 })
    );
    let none = futures_util::stream::iter(Vec::<Series>::new());
    assert_eq!(caller.upload(none).await.ok(), Some(Range { start: 0, end: 0 }));

    let averaged: Vec<_> = caller
        .average(futures_util::stream::iter([
            series(0, &[1.0, 3.0]),
            series(1, &[4.0]),
        ]))
        .collect()
        .await;
    let averaged: Vec<_> = averaged.into_iter().map(Result::ok).collect();
    assert_eq!(averaged, vec![Some(series(0, &[2.0])), Some(series(1, &[4.0]))]);
}

#[tokio::test]
async fn a_generated_builder_serves_only_the_streams_it_is_given() {
    let session = MemorySession::new().session();
    let registered = i_storage::CalleeBuilder::new()
        .average(
            |_ctx, mut items: Items<Series>, results: ItemSink<Series>| async move {
                while let Some(item) = items.next().await {
                    results.send(item?)?;
                }
                Ok(())
            },
        )
        .register(&session)
        .await;
    assert_eq!(registered.map(|registrations| registrations.len()).ok(), Some(1));
    let caller = i_storage::Caller::new(&session);
    let echoed: Vec<_> = caller
        .average(futures_util::stream::iter([series(7, &[0.5])]))
        .map(Result::ok)
        .collect()
        .await;
    assert_eq!(echoed, vec![Some(series(7, &[0.5]))]);
    let unserved = caller
        .upload(futures_util::stream::iter([series(0, &[1.0])]))
        .await;
    let uri = unserved.err().and_then(|error| error.uri().map(str::to_owned));
    assert_eq!(uri.as_deref(), Some("wamp.error.no_such_procedure"));
}
