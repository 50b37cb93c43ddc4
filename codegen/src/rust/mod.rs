//! IR → Rust: typed caller, callee and subscriber stubs, formatted with prettyplease.
//!
//! The output is a sequence of items meant to be `include!`d anywhere in a crate: one
//! module per namespace component (`wamp.meta` → `pub mod wamp { pub mod meta { … } }`),
//! types in the root namespace at the top. Like prost, items refer to each other with
//! the shortest `super::`-relative paths, so the output works at any place it is
//! included; everything else is an absolute path (`::core::…`, `::std::…`, the runtime
//! crate by [`Options::runtime_path`]), so that it compiles under
//! `#![no_implicit_prelude]`, `unused_qualifications` and `missing_docs`.
//!
//! What a schema becomes:
//! - a table: a struct with public fields. Scalars with a default are plain (the
//!   `Default` impl gives the schema's defaults), `= null` scalars and non-`required`
//!   non-scalars are `Option`s. In a table used as a method's request or response, a
//!   positional field is mandatory unless it is `optional` or a scalar declared
//!   `= null` (then it is an `Option`), and `required` does not apply to a keyword
//!   field, as spec §4 says payloads work. A `[ubyte]` marked `cbor` or `flexbuffer`
//!   holds any WAMP value (the runtime's `Value`, spec §5). Deprecated fields are left
//!   out;
//! - a struct: a `Copy` struct; an enum: a `#[repr]` enum with `TryFrom<int>`; a
//!   `bit_flags` enum: a flags newtype with a const per flag; a union: an enum of its
//!   members (a field holding it is an `Option`, `NONE` being absent). A table or union
//!   that contains itself is reached through a `Box`;
//! - an interface: a module with `UUID`, `PREFIX` and `URI_*` constants, a `Caller`
//!   (one `async fn` per procedure, one `publish_*` per topic), a `Callee` trait with
//!   `register`/`register_with_prefix`, and a `Subscriber` trait with
//!   `subscribe`/`subscribe_with_prefix`. URI placeholders are typed parameters
//!   (`str` → `&str`/`String`, `int` → `i64`, `uuid` → `Uuid`); a `Void` request or
//!   response disappears, and one with a single positional field is its value.
//!
//! Every type derives its conversions to and from WAMP values (and, for a table used by
//! a method, payloads) with the runtime's re-exported derives, and `#[wamp(...)]`
//! attributes say what the schema says: the schema name, keys that differ from field
//! names, defaults, keyword arguments. The code those derives expand to, and what the
//! stubs call (`payload`, `uri`, `stub` modules), lives in the runtime and wamp-idl-derive;
//! the generated code only wires them to the types.

extern crate proc_macro;

pub(crate) mod breaking;
mod context;
mod docs;
mod errors;
mod graph;
mod interfaces;
mod names;
mod payload;
mod print;
mod serde_derives;
mod types;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use wamp_idl::Schema;

use self::context::{Context, TargetModule, invalid_model};
pub use self::names::Renamed;
use self::names::{Names, ident};
use self::print::Piece;
use crate::Error;

/// The path generated code reaches the runtime crate by, unless told otherwise.
pub const DEFAULT_RUNTIME_PATH: &str = "::wamp_idl_runtime";

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Generate the caller and publisher side.
    pub caller: bool,
    /// Generate the callee and subscriber side.
    pub callee: bool,
    /// Give every method of a `Callee` trait a default that answers
    /// `wamp.error.no_such_procedure`, so that an implementation writes only the procedures
    /// it serves (like tonic-build's `generate_default_stubs`).
    pub default_stubs: bool,
    /// The path the generated code reaches the runtime crate by.
    pub runtime_path: String,
    /// Extra attributes on generated types: (qualified schema name, namespace, or `.` for
    /// all; attribute such as `#[derive(Hash)]`).
    pub type_attributes: Vec<(String, String)>,
    /// Derive serde's `Serialize` and `Deserialize` for every type, with the schema's names;
    /// the generated code then needs the runtime's feature `serde`.
    pub serde: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            caller: true,
            callee: true,
            default_stubs: false,
            runtime_path: DEFAULT_RUNTIME_PATH.to_owned(),
            type_attributes: Vec::new(),
            serde: false,
        }
    }
}

/// The path of the generated type of the table, struct, enum or union `name`, relative to
/// the root of the generated code (`wamp::meta::SessionInfo`), with the names the generator
/// settles on for this schema.
pub fn type_path(schema: &Schema, name: &wamp_idl::model::QualifiedName) -> String {
    let (names, _) = Names::new(schema);
    let mut namespace = String::new();
    let mut path = String::new();
    // The modules `Module::namespace` makes: one per non-empty component.
    for component in name
        .namespace()
        .split('.')
        .filter(|component| !component.is_empty())
    {
        if !namespace.is_empty() {
            namespace.push('.');
        }
        namespace.push_str(component);
        path.push_str(&format!("{}::", ident(&names.module(&namespace))));
    }
    path.push_str(&names.type_name(name).to_string());
    path
}

/// The first line of every generated file.
pub const HEADER: &str = "// @generated by wamp-idl. Do not edit.";

/// The formatted Rust source for a schema, starting with a `// @generated` header.
///
/// Each type and each part of an interface is generated, parsed and printed on its own,
/// spread over the available cores, an item of many members a chunk of them at a time (so
/// that memory follows the size of the output); the texts are then put together in the
/// module tree.
/// Printing an item inside empty modules as deep as its real ones gives prettyplease the
/// same indentation and line width, so the result is byte-identical to printing the whole
/// file at once.
pub fn generate(schema: &Schema, options: &Options) -> Result<String, Error> {
    generate_reporting(schema, options).map(|(code, _)| code)
}

/// Like [`generate`], and also every schema name that got another Rust name than its
/// case conversion because an earlier name took that one: warnings for the schema's
/// places, which callers with the schema's sources render ([`crate::Builder`] does).
pub fn generate_reporting(schema: &Schema, options: &Options) -> Result<(String, Vec<Renamed>), Error> {
    generate_chunked(schema, options, print::CHUNK)
}

/// [`generate_reporting`], printing the members of long items `chunk` at a time.
fn generate_chunked(
    schema: &Schema,
    options: &Options,
    chunk: usize,
) -> Result<(String, Vec<Renamed>), Error> {
    let (names, mut renamed) = Names::new(schema);
    // Configuration and model errors surface here, before any work is spread.
    let context = Context::new(schema, options, &names)?;
    let plan = Plan {
        schema,
        options,
        names: &names,
        chunk,
        signatures: schema
            .interfaces
            .iter()
            .map(|interface| interfaces::signatures(&context, interface, &mut renamed))
            .collect::<Result<_, Error>>()?,
    };
    let mut modules = Modules::new();
    let mut units = Vec::new();
    for (index, object) in schema.objects.iter().enumerate() {
        let module = modules.namespace(&names, object.name.namespace())?;
        module.entries.push(Entry::Unit(units.len()));
        units.push(Unit::Object(index));
    }
    for (index, enumeration) in schema.enums.iter().enumerate() {
        let module = modules.namespace(&names, enumeration.name.namespace())?;
        module.entries.push(Entry::Unit(units.len()));
        units.push(Unit::Enum(index));
    }
    for (index, interface) in schema.interfaces.iter().enumerate() {
        let module = modules.namespace(&names, interface.name.namespace())?;
        let header = units.len();
        units.push(Unit::InterfaceModule(index));
        let sections = interfaces::Section::ALL.map(|section| {
            units.push(Unit::InterfaceSection(index, section));
            units.len() - 1
        });
        module.entries.push(Entry::Interface { header, sections });
    }
    let mut texts = render_in_parallel(&context, &plan, &units)?;
    // Room for the texts and the module lines around them, so that the output is not
    // copied as it grows; each text is dropped once written.
    let length = texts.iter().map(String::len).sum::<usize>();
    let mut source = String::with_capacity(HEADER.len() + length + length / 4 + 4096);
    source.push_str(HEADER);
    source.push_str("\n\n");
    modules.write(&mut texts, &mut source);
    Ok((source, renamed))
}

/// What every unit is generated from: the schema, the options, and what is worked out once
/// for the whole run (each interface's method signatures, by interface index).
struct Plan<'a> {
    schema: &'a Schema,
    options: &'a Options,
    names: &'a Names<'a>,
    /// How many members of a long item are printed at once.
    chunk: usize,
    signatures: Vec<Vec<interfaces::MethodSignature<'a>>>,
}

/// One generator's share of the output: the items of a type, or a part of an interface's
/// module.
#[derive(Debug, Clone, Copy)]
enum Unit {
    Object(usize),
    Enum(usize),
    /// The interface's module line and its documentation.
    InterfaceModule(usize),
    InterfaceSection(usize, interfaces::Section),
}

impl Unit {
    /// The unit's pieces, and how many modules enclose them.
    fn pieces<'a>(
        &self,
        context: &'a Context<'_>,
        plan: &'a Plan<'_>,
    ) -> Result<(Vec<Piece<'a>>, usize), Error> {
        let schema = plan.schema;
        let missing = || invalid_model(format!("{self:?} is not in the schema"));
        let depth = |namespace: &str| {
            namespace
                .split('.')
                .filter(|component| !component.is_empty())
                .count()
        };
        match *self {
            Unit::Object(index) => {
                let object = schema.objects.get(index).ok_or_else(missing)?;
                let namespace = object.name.namespace();
                Ok((
                    types::object(context, object, &TargetModule::namespace(namespace))?,
                    depth(namespace),
                ))
            }
            Unit::Enum(index) => {
                let enumeration = schema.enums.get(index).ok_or_else(missing)?;
                let namespace = enumeration.name.namespace();
                let pieces = types::enumeration(context, enumeration, &TargetModule::namespace(namespace))?;
                Ok((pieces, depth(namespace)))
            }
            Unit::InterfaceModule(index) => {
                let interface = schema.interfaces.get(index).ok_or_else(missing)?;
                Ok((
                    vec![Piece::Items(interfaces::interface_module(context, interface))],
                    depth(interface.name.namespace()),
                ))
            }
            Unit::InterfaceSection(index, section) => {
                let interface = schema.interfaces.get(index).ok_or_else(missing)?;
                let signatures = plan.signatures.get(index).ok_or_else(missing)?;
                let namespace = interface.name.namespace();
                let here = TargetModule::interface(namespace);
                let pieces = interfaces::interface_section(context, interface, signatures, &here, section)?;
                Ok((pieces, depth(namespace) + 1))
            }
        }
    }

    /// The unit's items, formatted at the depth of their module.
    fn render(&self, context: &Context<'_>, plan: &Plan<'_>) -> Result<String, Error> {
        let (pieces, depth) = self.pieces(context, plan)?;
        print::print_pieces(pieces, depth, plan.chunk)
    }
}

/// What a module holds, in order, before its child namespaces.
enum Entry {
    /// The items of a unit.
    Unit(usize),
    /// An interface's module: its header unit (an empty `pub mod`), then its parts' units.
    Interface {
        header: usize,
        sections: [usize; interfaces::Section::ALL.len()],
    },
}

/// Renders every unit, on as many threads as there are cores (and units), and returns
/// their texts in unit order, or the first error in that order.
///
/// Tokens never cross threads (proc-macro2's are not `Send`): on one thread `context` serves,
/// otherwise each thread builds its own context and hands back text.
fn render_in_parallel(context: &Context<'_>, plan: &Plan<'_>, units: &[Unit]) -> Result<Vec<String>, Error> {
    // Inside a procedural macro (`include_wamp_idl!`), proc-macro2 hands every thread the
    // compiler's token API, which only the macro's own thread may use.
    let threads = if proc_macro::is_available() {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(units.len())
    };
    if threads <= 1 {
        return units.iter().map(|unit| unit.render(context, plan)).collect();
    }
    // Units are claimed from the end: interface parts, the largest, come last in the list
    // and are started first, so that no thread is left with a big unit at the end.
    let next = AtomicUsize::new(units.len());
    let claim = || {
        next.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(1))
            .ok()
            .map(|left| left - 1)
    };
    let rendered = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut rendered = Vec::new();
                    match Context::new(plan.schema, plan.options, plan.names) {
                        Ok(context) => {
                            while let Some(index) = claim() {
                                if let Some(unit) = units.get(index) {
                                    rendered.push((index, unit.render(&context, plan)));
                                }
                            }
                        }
                        Err(error) => rendered.push((0, Err(error))),
                    }
                    rendered
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect::<Vec<_>>()
    });
    let mut texts: Vec<Option<Result<String, Error>>> = units.iter().map(|_| None).collect();
    for (index, text) in rendered.into_iter().flatten() {
        if let Some(slot) = texts.get_mut(index) {
            *slot = Some(text);
        }
    }
    texts
        .into_iter()
        .map(|text| text.unwrap_or_else(|| Err(invalid_model("a unit was not rendered".to_owned()))))
        .collect()
}

/// The modules of the output, a tree kept flat: each module names its children by index, so
/// that neither building, writing nor dropping it recurses once per namespace component (a
/// hostile schema's namespace may have thousands).
struct Modules {
    /// The root module (the empty namespace) first.
    modules: Vec<Module>,
}

/// A module of the output: the units printed in it and its child namespaces.
#[derive(Default)]
struct Module {
    /// The full namespace, such as `wamp.meta`.
    namespace: String,
    /// The Rust name of the module (empty for the root).
    name: String,
    /// How many modules enclose this one's items.
    depth: usize,
    /// The units and interface modules of this module, in order.
    entries: Vec<Entry>,
    /// Children's indexes in `Modules::modules`, by Rust module name.
    children: BTreeMap<String, usize>,
}

/// What is left to write of the module tree, taken from the end.
enum Step {
    /// A module's opening line, its items, then its children.
    Open(usize),
    /// The closing brace of a module, indented to this depth (its parent's).
    Close(usize),
}

impl Modules {
    fn new() -> Self {
        Self {
            modules: vec![Module::default()],
        }
    }

    /// The module of a namespace, created with its ancestors on first use.
    fn namespace(&mut self, names: &Names<'_>, namespace: &str) -> Result<&mut Module, Error> {
        let mut index = 0;
        for component in namespace.split('.').filter(|component| !component.is_empty()) {
            let parent = self.modules.get(index).ok_or_else(module_missing)?;
            let child_namespace = if parent.namespace.is_empty() {
                component.to_owned()
            } else {
                format!("{}.{component}", parent.namespace)
            };
            let name = names.module(&child_namespace);
            index = match parent.children.get(&name) {
                Some(&child) => child,
                None => {
                    let child = Module {
                        namespace: child_namespace,
                        name: name.clone(),
                        depth: parent.depth + 1,
                        ..Module::default()
                    };
                    let child_index = self.modules.len();
                    self.modules.push(child);
                    self.modules
                        .get_mut(index)
                        .ok_or_else(module_missing)?
                        .children
                        .insert(name, child_index);
                    child_index
                }
            };
        }
        self.modules.get_mut(index).ok_or_else(module_missing)
    }

    /// Writes each module's items, then a `pub mod` per child namespace, as prettyplease
    /// prints them, depth first with a stack of steps instead of recursion.
    /// Every unit's text is taken out of `texts` as it is written.
    fn write(&self, texts: &mut [String], out: &mut String) {
        let mut text = |unit: usize| texts.get_mut(unit).map(std::mem::take).unwrap_or_default();
        let mut steps = vec![Step::Open(0)];
        while let Some(step) = steps.pop() {
            let index = match step {
                Step::Open(index) => index,
                Step::Close(depth) => {
                    out.push_str(&format!("{}}}\n", "    ".repeat(depth)));
                    continue;
                }
            };
            let Some(module) = self.modules.get(index) else {
                continue;
            };
            if let Some(parent_depth) = module.depth.checked_sub(1) {
                let indent = "    ".repeat(parent_depth);
                // A root module carries the lint allowance that the printer gives root items.
                let lints = if parent_depth == 0 {
                    "#[allow(dead_code)]\n"
                } else {
                    ""
                };
                out.push_str(&format!(
                    "{indent}/// The namespace `{}`.\n{indent}{lints}pub mod {} {{\n",
                    module.namespace,
                    ident(&module.name)
                ));
                steps.push(Step::Close(parent_depth));
            }
            let indent = "    ".repeat(module.depth);
            for entry in &module.entries {
                match entry {
                    Entry::Unit(unit) => out.push_str(&text(*unit)),
                    Entry::Interface { header, sections } => {
                        // The header is printed as an empty module, `pub mod name {}`, opened here.
                        let header = text(*header);
                        out.push_str(header.strip_suffix("{}\n").unwrap_or(&header));
                        out.push_str("{\n");
                        for section in sections {
                            out.push_str(&text(*section));
                        }
                        out.push_str(&format!("{indent}}}\n"));
                    }
                }
            }
            // Reversed: the stack hands out the first child first.
            steps.extend(module.children.values().rev().map(|&child| Step::Open(child)));
        }
    }
}

/// The error for a module index that the tree does not hold, which building it never makes.
fn module_missing() -> Error {
    invalid_model("a module of the output was not found".to_owned())
}
