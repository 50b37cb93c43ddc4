//! Robustness: truncated and mutated versions of every corpus schema, text and binary,
//! must come back from the loader with diagnostics, never with a panic or a hang.
//!
//! Mutations are pseudo-random but deterministic (a fixed seed per file), so a failure
//! names an input that the next run produces again; the failing bytes are also saved
//! under the system's temp directory.

use wamp_idl_test_support::corpus as common;

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use common::{corpus_bfbs_dir, corpus_dir, files_with_extension};
use wamp_idl::{Loaded, Loader};

/// Far beyond what the inputs need (a few seconds): reaching it means a load hangs.
const HANG_BUDGET: Duration = Duration::from_secs(300);
/// Every prefix up to this length is tried; longer files are sampled.
const SHORT_PREFIXES: usize = 64;
/// How many longer prefixes of each file are tried.
const SAMPLED_PREFIXES: usize = 120;
/// How many mutants of each file are tried.
const MUTANTS: u64 = 250;

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// xorshift64*: a tiny, deterministic generator, plenty for choosing mutations.
struct Rng(u64);

impl Rng {
    /// A generator seeded from a file name, so each file gets its own fixed sequence.
    fn for_file(path: &Path) -> Rng {
        let name = path.to_string_lossy();
        let name = name.rsplit("corpus").next().unwrap_or_default();
        // FNV-1a; never zero, which xorshift could not leave.
        let seed = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
        });
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(bound).unwrap_or(u64::MAX)).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, choices: &'a [T]) -> &'a T {
        &choices[self.below(choices.len())]
    }
}

/// Prefix lengths to try: every short one, then an even sample, then all but the last byte.
fn prefix_lengths(length: usize) -> Vec<usize> {
    let stride = (length / SAMPLED_PREFIXES).max(1);
    let mut lengths: Vec<usize> = (0..length.min(SHORT_PREFIXES)).collect();
    lengths.extend((SHORT_PREFIXES..length).step_by(stride));
    lengths.push(length.saturating_sub(1));
    lengths
}

/// Pieces of schema syntax, so that text mutants get past the lexer and deep into the parser.
#[rustfmt::skip]
const SCHEMA_TOKENS: &[&str] = &[
    "{", "}", "[", "]", "(", ")", ";", ":", ",", "=", ".", "\"", "\n", " ", "///", "//", "/*", "*/",
    "table ", "struct ", "union ", "enum ", "rpc_service ", "namespace ", "include \"", "attribute ",
    "root_type ", "file_identifier ", "file_extension ", "int", "ubyte", "string", "[ubyte:4]",
    "= null", "(id: 65535)", "(required)", "(deprecated)", "(bit_flags)", "0x", "-", "1e999", "inf",
    "nan", "true", "\\u00", "wampuri: \"a.<int:x>\"", "type: \"topic\"", "\u{feff}", "é",
];

/// Offsets and lengths that make FlatBuffers readers misbehave when written over one.
#[rustfmt::skip]
const INTERESTING_WORDS: &[u32] = &[0, 1, 3, 4, 0x7f, 0x80, 0xffff, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff];

/// A copy of `bytes` with a few random edits; `tokens` are inserted as well as raw bytes.
fn mutate(rng: &mut Rng, bytes: &[u8], tokens: &[&str]) -> Vec<u8> {
    let mut mutant = bytes.to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(mutant.len() + 1);
        match rng.below(6) {
            0 if at < mutant.len() => mutant[at] = rng.next().to_le_bytes()[0],
            1 if at < mutant.len() => mutant[at] ^= 1 << rng.below(8),
            2 => {
                let end = (at + 1 + rng.below(16)).min(mutant.len());
                mutant.drain(at.min(end)..end);
            }
            3 => {
                let start = rng.below(mutant.len() + 1);
                let end = (start + 1 + rng.below(64)).min(mutant.len());
                let copied = mutant.get(start..end).unwrap_or_default().to_vec();
                mutant.splice(at..at, copied);
            }
            4 if at + 4 <= mutant.len() => {
                mutant[at..at + 4].copy_from_slice(&rng.pick(INTERESTING_WORDS).to_le_bytes());
            }
            _ if tokens.is_empty() => mutant.insert(at, rng.next().to_le_bytes()[0]),
            _ => {
                let token = rng.pick(tokens).as_bytes();
                mutant.splice(at..at, token.iter().copied());
            }
        }
    }
    mutant
}

/// Runs loads on a worker thread, keeping what each panic or hang was about.
struct Prober {
    /// Names the saved failing inputs, apart from those of the other tests.
    label: &'static str,
    current: Arc<Mutex<String>>,
    failures: Vec<String>,
    loads: usize,
}

impl Prober {
    /// Loads one input; a panic, or a rejection without any diagnostic, is a failure.
    fn probe(&mut self, case: String, input: &[u8], extension: &str, load: impl FnOnce() -> Loaded) {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone_from(&case);
        self.loads += 1;
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            let loaded = load();
            let rendered = loaded.render_diagnostics();
            (loaded.schema.is_none(), loaded.diagnostics.has_errors(), rendered)
        }));
        let problem = match outcome {
            Err(payload) => {
                let message = payload
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| payload.downcast_ref::<&str>().copied())
                    .unwrap_or("a non-string panic");
                format!("panicked: {message}")
            }
            Ok((true, _, rendered)) if rendered.is_empty() => "was rejected without a diagnostic".to_owned(),
            Ok((rejected, has_errors, _)) if rejected != has_errors => {
                format!("gave schema: {}, errors: {has_errors}", !rejected)
            }
            Ok(_) => return,
        };
        let saved = std::env::temp_dir().join(format!(
            "wamp-idl-robustness-{}-{}.{extension}",
            self.label,
            self.failures.len()
        ));
        let saved = match std::fs::write(&saved, input) {
            Ok(()) => format!(" (input saved as {})", saved.display()),
            Err(_) => String::new(),
        };
        self.failures.push(format!("{case}{saved}: {problem}"));
    }
}

/// Runs `feed` on a worker thread and fails on any recorded failure, or when it does not
/// finish within [`HANG_BUDGET`] (naming the input it was busy with).
fn check_survives(label: &'static str, feed: impl FnOnce(&mut Prober) + Send + 'static) {
    let current = Arc::new(Mutex::new(String::from("nothing yet")));
    let mut prober = Prober {
        label,
        current: Arc::clone(&current),
        failures: Vec::new(),
        loads: 0,
    };
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        feed(&mut prober);
        let _ = done.send(prober);
    });
    match finished.recv_timeout(HANG_BUDGET) {
        Ok(prober) => assert!(
            prober.failures.is_empty(),
            "{} of {} loads failed:\n{}",
            prober.failures.len(),
            prober.loads,
            prober.failures.join("\n")
        ),
        Err(RecvTimeoutError::Timeout) => panic!(
            "a load did not return within {HANG_BUDGET:?}: {}",
            current.lock().unwrap_or_else(PoisonError::into_inner)
        ),
        Err(RecvTimeoutError::Disconnected) => panic!("the test's own input generation panicked"),
    }
}

/// Loads `.fbs` bytes as if they were the file at `original`, includes resolving beside it:
/// as text when they are UTF-8, else from a temporary file.
fn load_fbs(original: &Path, bytes: &[u8], scratch: &Path) -> Loaded {
    match std::str::from_utf8(bytes) {
        Ok(text) => Loader::new().load_fbs_text(original, text),
        Err(_) => {
            // A name no corpus file includes, so includes resolve to the originals.
            let mutant = scratch.join("mutant.fbs");
            std::fs::write(&mutant, bytes).unwrap_or_else(|error| panic!("{}: {error}", mutant.display()));
            let mut loader = Loader::new();
            if let Some(dir) = original.parent() {
                loader.include_dir(dir);
            }
            loader.load(&[mutant])
        }
    }
}

fn probe_fbs(prober: &mut Prober, case: String, original: &Path, bytes: &[u8], scratch: &Path) {
    prober.probe(case, bytes, "fbs", || load_fbs(original, bytes, scratch));
}

fn probe_bfbs(prober: &mut Prober, case: String, bytes: &[u8]) {
    prober.probe(case, bytes, "bfbs", || {
        Loader::new().load_bfbs_bytes("mutant.bfbs", bytes)
    });
}

/// Every distinct binary schema of the corpus: flatc's and upstream's committed ones.
fn binary_schemas() -> Vec<(PathBuf, Vec<u8>)> {
    let mut schemas: Vec<(PathBuf, Vec<u8>)> = files_with_extension(&corpus_bfbs_dir(), "bfbs")
        .into_iter()
        .chain(files_with_extension(&corpus_dir(), "bfbs"))
        .map(|path| {
            let bytes = read(&path);
            (path, bytes)
        })
        .collect();
    schemas.sort_by(|(_, a), (_, b)| a.cmp(b));
    schemas.dedup_by(|(_, a), (_, b)| a == b);
    schemas
}

fn scratch_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|error| panic!("cannot create a temporary directory: {error}"))
}

#[test]
fn truncated_fbs_files_give_diagnostics() {
    let files = files_with_extension(&corpus_dir(), "fbs");
    check_survives("truncated-fbs", move |prober| {
        let scratch = scratch_dir();
        for path in files {
            let bytes = read(&path);
            for length in prefix_lengths(bytes.len()) {
                let case = format!("{} cut to {length} bytes", path.display());
                probe_fbs(prober, case, &path, &bytes[..length], scratch.path());
            }
        }
    });
}

#[test]
fn mutated_fbs_files_give_diagnostics() {
    let files = files_with_extension(&corpus_dir(), "fbs");
    check_survives("mutated-fbs", move |prober| {
        let scratch = scratch_dir();
        for path in files {
            let bytes = read(&path);
            let mut rng = Rng::for_file(&path);
            for mutant in 0..MUTANTS {
                let mutated = mutate(&mut rng, &bytes, SCHEMA_TOKENS);
                let case = format!("{} mutant #{mutant}", path.display());
                probe_fbs(prober, case, &path, &mutated, scratch.path());
            }
        }
    });
}

#[test]
fn truncated_bfbs_files_give_diagnostics() {
    let schemas = binary_schemas();
    check_survives("truncated-bfbs", move |prober| {
        for (path, bytes) in schemas {
            for length in prefix_lengths(bytes.len()) {
                let case = format!("{} cut to {length} bytes", path.display());
                probe_bfbs(prober, case, &bytes[..length]);
            }
        }
    });
}

#[test]
fn mutated_bfbs_files_give_diagnostics() {
    let schemas = binary_schemas();
    check_survives("mutated-bfbs", move |prober| {
        for (path, bytes) in schemas {
            let mut rng = Rng::for_file(&path);
            for mutant in 0..MUTANTS {
                let mutated = mutate(&mut rng, &bytes, &[]);
                let case = format!("{} mutant #{mutant}", path.display());
                probe_bfbs(prober, case, &mutated);
            }
        }
    });
}

#[test]
fn binary_schemas_survive_every_single_byte_change_of_their_header() {
    let schemas = binary_schemas();
    check_survives("bfbs-header", move |prober| {
        for (path, bytes) in schemas.into_iter().take(3) {
            for at in 0..bytes.len().min(SHORT_PREFIXES) {
                for value in [0x00, 0x01, 0x7f, 0x80, 0xff] {
                    let mut mutated = bytes.clone();
                    mutated[at] = value;
                    let case = format!("{} with byte {at} set to {value:#04x}", path.display());
                    probe_bfbs(prober, case, &mutated);
                }
            }
        }
    });
}
