//! Benchmarks of stub generation on the WAMP Meta API schema of the shared corpus:
//! generating from a loaded model, loading and generating, and expanding
//! `include_wamp_idl!` (what the macro does, short of handing tokens to rustc).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use proc_macro2::{Literal, TokenStream, TokenTree};
use wamp_idl_codegen::{Builder, include_macro, rust};

fn wamp_meta() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/wamp-proto/catalog/src/wamp-meta.fbs");
    assert!(
        path.is_file(),
        "the shared corpus is missing: expected {} (the project's ../shared/corpus)",
        path.display()
    );
    path
}

fn generate(c: &mut Criterion) {
    let path = wamp_meta();
    let schema = match wamp_idl::Loader::new().load(&[&path]).into_result() {
        Ok(schema) => schema,
        Err(error) => panic!("wamp-meta.fbs must load:\n{error}"),
    };
    let options = rust::Options::default();
    c.bench_function("generate wamp-meta (model loaded)", |b| {
        b.iter(|| rust::generate(black_box(&schema), &options))
    });

    let builder = Builder::new();
    c.bench_function("load + generate wamp-meta", |b| {
        b.iter(|| builder.compile_to_string(black_box(&[&path])))
    });

    let directory = path.parent().unwrap_or(Path::new("/"));
    let input = TokenStream::from(TokenTree::Literal(Literal::string("wamp-meta.fbs")));
    c.bench_function("include_wamp_idl! expansion of wamp-meta", |b| {
        b.iter(|| include_macro::expand(black_box(input.clone()), Some(directory)))
    });
}

criterion_group!(benches, generate);
criterion_main!(benches);
