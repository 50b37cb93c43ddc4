//! The logic of `include_wamp_idl!` (crate `wamp-idl-macros`, a thin wrapper around [`expand`]).
//!
//! ```text
//! wamp_idl_runtime::include_wamp_idl!("schemas/clock.fbs");
//! wamp_idl_runtime::include_wamp_idl!("schemas/clock.bfbs", includes = ["schemas"], callee = false);
//! wamp_idl_runtime::include_wamp_idl!("schemas/clock.fbs", serde = true);  // needs the runtime's feature `serde`
//! ```
//!
//! Paths are relative to the crate root (`CARGO_MANIFEST_DIR`), like every path a
//! build script sees; `catalog:<file>` names a schema bundled with wamp-idl. The
//! expansion is the generated code plus, for every file read (includes too),
//! `const _: &[u8] = ::core::include_bytes!("<absolute path>");`, the
//! stable way to make Cargo rebuild the crate when a schema changes. Errors become a
//! `compile_error!` at the path literal, with the rendered diagnostics and paths shown
//! relative to the crate root.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitBool, LitStr, Token};

use crate::Builder;

/// Expands `include_wamp_idl!(<input>)` for a crate whose root is `manifest_dir`
/// (`None` when `CARGO_MANIFEST_DIR` is not set); errors expand to `compile_error!`.
pub fn expand(input: TokenStream, manifest_dir: Option<&Path>) -> TokenStream {
    syn::parse2::<Arguments>(input)
        .and_then(|arguments| arguments.expand(manifest_dir))
        .unwrap_or_else(|error| error.to_compile_error())
}

/// The macro's arguments: a schema path, then `key = value` options.
struct Arguments {
    path: LitStr,
    include_dirs: Vec<LitStr>,
    builder: Builder,
}

impl Parse for Arguments {
    fn parse(input: ParseStream) -> syn::Result<Arguments> {
        let path: LitStr = input.parse()?;
        let mut arguments = Arguments {
            path,
            include_dirs: Vec::new(),
            builder: Builder::new(),
        };
        let mut seen: Vec<Ident> = Vec::new();
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            if seen.contains(&key) {
                return Err(syn::Error::new(key.span(), format!("`{key}` is given twice")));
            }
            arguments.parse_option(&key, input)?;
            seen.push(key);
        }
        Ok(arguments)
    }
}

impl Arguments {
    fn parse_option(&mut self, key: &Ident, input: ParseStream) -> syn::Result<()> {
        let builder = std::mem::take(&mut self.builder);
        self.builder = match key.to_string().as_str() {
            "includes" => {
                let content;
                syn::bracketed!(content in input);
                self.include_dirs = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?
                    .into_iter()
                    .collect();
                builder
            }
            "caller" => builder.caller(input.parse::<LitBool>()?.value),
            "callee" => builder.callee(input.parse::<LitBool>()?.value),
            "default_stubs" => builder.default_stubs(input.parse::<LitBool>()?.value),
            "deny_warnings" => builder.deny_warnings(input.parse::<LitBool>()?.value),
            "runtime_path" => builder.runtime_path(input.parse::<LitStr>()?.value()),
            "serde" => builder.serde(input.parse::<LitBool>()?.value),
            _ => {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown option `{key}`; expected `includes`, `caller`, `callee`, \
                         `default_stubs`, `deny_warnings`, `runtime_path` or `serde`"
                    ),
                ));
            }
        };
        Ok(())
    }

    fn expand(self, manifest_dir: Option<&Path>) -> syn::Result<TokenStream> {
        let span = self.path.span();
        let manifest_dir = manifest_dir.ok_or_else(|| {
            syn::Error::new(
                span,
                "CARGO_MANIFEST_DIR is not set: include_wamp_idl! must be built by Cargo",
            )
        })?;
        let written = self.path.value();
        let schema = if wamp_idl::catalog::name_of(Path::new(&written)).is_some() {
            PathBuf::from(&written)
        } else {
            let schema = manifest_dir.join(&written);
            std::fs::metadata(&schema).map_err(|error| {
                syn::Error::new(
                    span,
                    format!(
                        "cannot read `{written}`: {error}; paths are relative to the crate root (CARGO_MANIFEST_DIR)"
                    ),
                )
            })?;
            schema
        };
        let builder = self.include_dirs.iter().fold(self.builder, |builder, dir| {
            builder.include_dir(manifest_dir.join(dir.value()))
        });
        let generated = builder
            .generate(&[&schema])
            .map_err(|error| syn::Error::new(span, relative_to(manifest_dir, &error.to_string())))?;
        let code: TokenStream = generated.code.parse().map_err(|error| {
            syn::Error::new(
                span,
                format!("wamp-idl generated code that does not tokenize: {error}"),
            )
        })?;
        let rebuild_triggers = generated
            .files_read
            .iter()
            .map(|file| include_bytes_of(&manifest_dir.join(file), span))
            .collect::<syn::Result<Vec<TokenStream>>>()?;
        Ok(quote! {
            #(#rebuild_triggers)*
            #code
        })
    }
}

/// `const _: &[u8] = include_bytes!("<file>");`, which makes Cargo track the file.
fn include_bytes_of(file: &Path, span: proc_macro2::Span) -> syn::Result<TokenStream> {
    let path = file.to_str().ok_or_else(|| {
        syn::Error::new(
            span,
            format!(
                "`{}` is not valid UTF-8, so Cargo cannot be told to track it",
                file.display()
            ),
        )
    })?;
    Ok(quote! { const _: &[u8] = ::core::include_bytes!(#path); })
}

/// The message with paths under the crate root shown relative to it, as the user writes them.
fn relative_to(manifest_dir: &Path, message: &str) -> String {
    let prefix = manifest_dir.join("");
    message.replace(&*prefix.to_string_lossy(), "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: TokenStream, manifest_dir: Option<&Path>, expected_error: &str) {
        let expanded = expand(input, manifest_dir).to_string();
        assert!(
            expanded.starts_with(":: core :: compile_error !") && expanded.contains(expected_error),
            "expected a compile_error! containing {expected_error:?}, got {expanded}"
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        let root = Some(Path::new("/"));
        check(quote!(), root, "expected string literal");
        check(quote!(42), root, "expected string literal");
        check(quote!("a.fbs", colour = true), root, "unknown option `colour`");
        check(quote!("a.fbs", caller = "yes"), root, "expected boolean literal");
        check(
            quote!("a.fbs", caller = true, caller = false),
            root,
            "`caller` is given twice",
        );
        check(
            quote!("a.fbs", includes = "dir"),
            root,
            "expected square brackets",
        );
    }

    #[test]
    fn reports_missing_file_and_missing_manifest_dir() {
        check(quote!("a.fbs"), None, "CARGO_MANIFEST_DIR is not set");
        check(
            quote!("no/such/schema.fbs"),
            Some(Path::new("/nonexistent-wamp-idl-crate")),
            "cannot read `no/such/schema.fbs`",
        );
    }

    #[test]
    fn expands_to_the_code_and_tracks_every_file_read() -> std::io::Result<()> {
        let root = tempfile::tempdir()?;
        std::fs::create_dir_all(root.path().join("schemas/common"))?;
        std::fs::write(
            root.path().join("schemas/common/types.fbs"),
            "namespace app;\ntable Point { x: int; y: int; }\n",
        )?;
        std::fs::write(
            root.path().join("schemas/api.fbs"),
            "include \"types.fbs\";\nnamespace app;\ntable Line { from: Point; to: Point; }\n",
        )?;
        let expanded = expand(
            quote!("schemas/api.fbs", includes = ["schemas/common"], caller = false),
            Some(root.path()),
        )
        .to_string();
        for file in ["schemas/api.fbs", "schemas/common/types.fbs"] {
            let path = root.path().join(file);
            let tracked = format!(":: core :: include_bytes ! ({:?})", path.display().to_string());
            assert!(expanded.contains(&tracked), "{tracked} missing from {expanded}");
        }
        assert!(expanded.contains("pub struct Line"), "{expanded}");
        assert!(expanded.contains("pub struct Point"), "{expanded}");
        Ok(())
    }

    #[test]
    fn bundled_catalog_schemas_need_no_file() {
        let expanded = expand(quote!("catalog:wamp.fbs"), Some(Path::new("/nonexistent"))).to_string();
        assert!(!expanded.contains("compile_error"), "{expanded}");
        assert!(!expanded.contains("include_bytes"), "{expanded}");
        assert!(expanded.contains("pub struct Void"), "{expanded}");
    }

    #[test]
    fn schema_errors_show_paths_relative_to_the_crate_root() -> std::io::Result<()> {
        let root = tempfile::tempdir()?;
        std::fs::write(root.path().join("api.fbs"), "table T { x: Missing; }\n")?;
        check(
            quote!("api.fbs"),
            Some(root.path()),
            "\"api.fbs:1:14: error: unknown type `Missing`",
        );
        Ok(())
    }

    #[test]
    fn shows_paths_relative_to_the_crate_root() {
        assert_eq!(
            relative_to(
                Path::new("/work/app"),
                "/work/app/api.fbs:3:5: error: x\n/work/other.fbs"
            ),
            "api.fbs:3:5: error: x\n/work/other.fbs"
        );
    }
}
