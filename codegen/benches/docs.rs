//! Benchmarks of docs rendering on the bundled WAMP Meta API catalog (`idl/catalog/wamp-meta.fbs`).
//!
//! `cargo bench -p wamp-idl-codegen --bench docs`. The whole process (`wamp-idl docs
//! --format html`) is measured with hyperfine; see the docs module's report.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use wamp_idl_codegen::docs::{self, Format, Options};

fn bench_docs(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../idl/catalog/wamp-meta.fbs");
    let schema = match wamp_idl::Loader::new().load(&[&path]).into_result() {
        Ok(schema) => schema,
        Err(error) => panic!("{}: {error}", path.display()),
    };
    for (name, format) in [("markdown", Format::Markdown), ("html", Format::Html)] {
        let options = Options {
            format,
            ..Options::default()
        };
        c.bench_function(&format!("docs/wamp-meta/{name}"), |b| {
            b.iter(|| docs::render(black_box(&schema), &options))
        });
    }
    c.bench_function("docs/wamp-meta/load+html", |b| {
        let options = Options {
            format: Format::Html,
            ..Options::default()
        };
        b.iter(|| {
            let schema = wamp_idl::Loader::new().load(&[black_box(&path)]).schema;
            schema.map(|schema| docs::render(&schema, &options))
        })
    });
}

criterion_group!(benches, bench_docs);
criterion_main!(benches);
