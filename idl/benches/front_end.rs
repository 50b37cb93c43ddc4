//! Front-end speed: the whole corpus as `.fbs` text, and one large `.bfbs`.
//!
//! Target: the whole corpus (35 files, every include read from disk) in under 10 ms on one core.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use wamp_idl::Loader;
use wamp_idl_test_support::corpus::{corpus_bfbs_dir, corpus_dir, files_with_extension};

/// Every `.fbs` of the corpus with its text, read once before measuring.
fn corpus_texts() -> Vec<(PathBuf, String)> {
    let read = |path: PathBuf| {
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        (path, text)
    };
    files_with_extension(&corpus_dir(), "fbs")
        .into_iter()
        .map(read)
        .collect()
}

fn front_end(c: &mut Criterion) {
    let texts = corpus_texts();
    c.bench_function("corpus_fbs", |b| {
        b.iter(|| {
            for (path, text) in &texts {
                black_box(Loader::new().load_fbs_text(path, text.as_str()));
            }
        });
    });
    let wamp_meta = corpus_bfbs_dir().join("wamp-proto/catalog/src/wamp-meta.bfbs");
    let bytes = std::fs::read(&wamp_meta).unwrap_or_else(|error| panic!("{}: {error}", wamp_meta.display()));
    c.bench_function("wamp_meta_bfbs", |b| {
        b.iter(|| black_box(Loader::new().load_bfbs_bytes("wamp-meta.bfbs", &bytes)));
    });
}

criterion_group!(benches, front_end);
criterion_main!(benches);
