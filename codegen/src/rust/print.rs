//! Generated tokens → text, as prettyplease prints the whole file, a bounded piece at a time.
//!
//! Tokens and syntax trees take some twenty times the bytes of the text they print to, so
//! an item of many members (an interface of 100,000 procedures, a table of 100,000 fields)
//! is never made whole: its members are generated, parsed and printed a [`CHUNK`] at a
//! time. The item itself is printed with its first chunk and a *splice* member after it
//! (one line, whatever the item), and the line of the splice is replaced by the other
//! chunks, each printed inside empty items of the same kinds (`impl`, `fn`, `match`…) as
//! deep as the real ones. prettyplease puts every member of those items on lines of its own
//! and indents them by their depth only, so the text is the one printing the whole item
//! would give.

use proc_macro2::TokenStream;
use quote::quote;

use super::context::invalid_model;
use super::names::ident;
use crate::Error;

/// How many members of an item are generated and printed at once.
pub const CHUNK: usize = 256;

/// An item whose members are on lines of their own, enclosing the members of a container.
#[derive(Debug, Clone, Copy)]
pub enum Enclosing {
    /// `impl … { items }`.
    Impl,
    /// `trait … { items }`.
    Trait,
    /// `struct … { fields }`.
    Struct,
    /// `enum … { variants }`.
    Enum,
    /// `fn …() { statements }`.
    Fn,
    /// `match … { arms }`, the last expression of a `fn`.
    Match,
}

impl Enclosing {
    /// `members` inside an empty item of this kind.
    fn wrap(self, members: TokenStream) -> TokenStream {
        match self {
            Enclosing::Impl => quote!(impl Wrapper { #members }),
            Enclosing::Trait => quote!(trait Wrapper { #members }),
            Enclosing::Struct => quote!(struct Wrapper { #members }),
            Enclosing::Enum => quote!(enum Wrapper { #members }),
            Enclosing::Fn => quote!(fn wrapper() { #members }),
            Enclosing::Match => quote!(match wrapper { #members }),
        }
    }

    /// A member that prints on one line of its own, where the other chunks go.
    fn splice(enclosing: Option<Enclosing>) -> TokenStream {
        let name = ident("__wamp_idl_splice");
        match enclosing {
            None | Some(Enclosing::Impl) => quote!(fn #name() {}),
            Some(Enclosing::Trait) => quote!(fn #name();),
            Some(Enclosing::Struct) => quote!(#name: (),),
            Some(Enclosing::Enum) => quote!(#name,),
            Some(Enclosing::Fn) => quote!(#name;),
            Some(Enclosing::Match) => quote!(#name => {}),
        }
    }
}

/// What a unit prints, in order.
pub enum Piece<'a> {
    /// Items printed as they are.
    Items(TokenStream),
    /// An item of many members.
    Container(Container<'a>),
}

/// An item whose members are made on demand.
pub struct Container<'a> {
    /// The items enclosing the members, outermost first (`[Impl, Fn, Match]` for the arms of
    /// a `match` in a method); empty for items of the module itself.
    pub enclosings: &'static [Enclosing],
    /// How many members there are.
    pub count: usize,
    /// How many members of other items one member weighs (a statement of many calls
    /// weighs their number), so that a chunk prints about as much text whatever the item.
    pub weight: usize,
    /// The member at an index.
    pub member: Box<dyn Fn(usize) -> Result<TokenStream, Error> + 'a>,
    /// The item with the given members in place of its own.
    pub shell: Box<dyn Fn(TokenStream) -> TokenStream + 'a>,
}

impl Container<'_> {
    /// The members `start..end`.
    fn members(&self, start: usize, end: usize) -> Result<TokenStream, Error> {
        let mut members = TokenStream::new();
        for index in start..end {
            members.extend((self.member)(index)?);
        }
        Ok(members)
    }

    /// Appends the item, printed inside `depth` modules `chunk` members at a time, to `out`.
    fn print(&self, depth: usize, chunk: usize, out: &mut String) -> Result<(), Error> {
        let chunk = (chunk / self.weight.max(1)).max(1);
        let first = self.members(0, self.count.min(chunk))?;
        if self.count <= chunk {
            out.push_str(&print_items((self.shell)(first), depth)?);
            return Ok(());
        }
        let splice = Enclosing::splice(self.enclosings.last().copied());
        let mut members = first;
        members.extend(splice.clone());
        let whole = print_items((self.shell)(members), depth)?;
        let splice = print_members(splice, self.enclosings, depth)?;
        let at = whole
            .rfind(&splice)
            .filter(|&at| at == 0 || whole.get(..at).is_some_and(|before| before.ends_with('\n')))
            .ok_or_else(|| {
                invalid_model("the splice of a long item was not printed on its own line".to_owned())
            })?;
        out.push_str(whole.get(..at).unwrap_or_default());
        let mut start = chunk;
        while start < self.count {
            let end = self.count.min(start.saturating_add(chunk));
            out.push_str(&print_members(self.members(start, end)?, self.enclosings, depth)?);
            start = end;
        }
        out.push_str(whole.get(at + splice.len()..).unwrap_or_default());
        Ok(())
    }
}

/// The text of a unit's pieces, inside `depth` modules, long items `chunk` members at a
/// time ([`CHUNK`] but in tests, which compare the text with that of whole items).
pub fn print_pieces(pieces: Vec<Piece<'_>>, depth: usize, chunk: usize) -> Result<String, Error> {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Items(tokens) => out.push_str(&print_items(tokens, depth)?),
            Piece::Container(container) => container.print(depth, chunk.max(1), &mut out)?,
        }
    }
    Ok(out)
}

/// Members printed inside `enclosings` inside `depth` modules, without the lines of the enclosings.
fn print_members(members: TokenStream, enclosings: &[Enclosing], depth: usize) -> Result<String, Error> {
    let wrapped = enclosings
        .iter()
        .rev()
        .fold(members, |inner, enclosing| enclosing.wrap(inner));
    let printed = print_parsed(wrapped, depth, enclosings.is_empty())?;
    let lines = printed.split_inclusive('\n').collect::<Vec<_>>();
    let inner = lines
        .get(enclosings.len()..lines.len().saturating_sub(enclosings.len()))
        .unwrap_or_default();
    Ok(inner.concat())
}

/// Items of a module printed as prettyplease would inside `depth` nested modules.
fn print_items(tokens: TokenStream, depth: usize) -> Result<String, Error> {
    print_parsed(tokens, depth, true)
}

/// Items printed as prettyplease would inside `depth` nested modules; `module_items` when
/// they are items of the module itself, not the placeholder items around members.
fn print_parsed(tokens: TokenStream, depth: usize, module_items: bool) -> Result<String, Error> {
    let mut items = syn::parse2::<syn::File>(tokens)
        .map(|file| file.items)
        .map_err(|error| invalid_model(format!("the generated code does not parse: {error}")))?;
    if module_items && depth == 0 {
        items.iter_mut().for_each(allow_dead_code);
    }
    Ok(print_at_depth(items, depth))
}

/// Marks an item at the root of a generated file `#[allow(dead_code)]`, as tonic marks its
/// modules: a binary that includes the file into a private module uses part of what the
/// schema declares, and the rest must not warn. Items below a namespace inherit it from
/// their root module.
fn allow_dead_code(item: &mut syn::Item) {
    let attrs = match item {
        syn::Item::Const(item) => &mut item.attrs,
        syn::Item::Enum(item) => &mut item.attrs,
        syn::Item::Fn(item) => &mut item.attrs,
        syn::Item::Impl(item) => &mut item.attrs,
        syn::Item::Mod(item) => &mut item.attrs,
        syn::Item::Static(item) => &mut item.attrs,
        syn::Item::Struct(item) => &mut item.attrs,
        syn::Item::Trait(item) => &mut item.attrs,
        syn::Item::Type(item) => &mut item.attrs,
        syn::Item::Union(item) => &mut item.attrs,
        _ => return,
    };
    attrs.push(syn::parse_quote!(#[allow(dead_code)]));
}

/// How many placeholder modules items are printed in at most. From this depth on, prettyplease
/// breaks lines alike whatever the indentation (it gives every line at least 60 columns, and 8
/// modules indent by 32 of its 89), so deeper items are printed at this depth and indented the
/// rest by hand: a namespace of thousands of components nests no syntax tree that deep, which
/// printing and dropping it would recurse through.
const DEEPEST_WRAPPED: usize = 8;

/// Prints items as prettyplease would inside `depth` nested modules: wrapped in that many
/// placeholder modules (at most [`DEEPEST_WRAPPED`]), whose opening and closing lines are then
/// dropped.
fn print_at_depth(items: Vec<syn::Item>, depth: usize) -> String {
    let wrappers = depth.min(DEEPEST_WRAPPED);
    let mut wrapped = items;
    for _ in 0..wrappers {
        wrapped = vec![syn::Item::Mod(syn::ItemMod {
            attrs: Vec::new(),
            vis: syn::Visibility::Inherited,
            unsafety: None,
            mod_token: Default::default(),
            ident: ident("wrapper"),
            content: Some((syn::token::Brace::default(), wrapped)),
            semi: None,
        })];
    }
    let printed = prettyplease::unparse(&syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items: wrapped,
    });
    let lines: Vec<&str> = printed.lines().collect();
    let inner = lines
        .get(wrappers..lines.len().saturating_sub(wrappers))
        .unwrap_or_default();
    let extra_indent = "    ".repeat(depth - wrappers);
    let mut text = String::with_capacity(printed.len() + inner.len() * extra_indent.len());
    for line in inner {
        if !line.is_empty() {
            text.push_str(&extra_indent);
        }
        text.push_str(line);
        text.push('\n');
    }
    text
}
