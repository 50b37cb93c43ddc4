//! `root_type`, `file_identifier` and `file_extension` statements.

use super::{Lowering, RootStatement};
use crate::fbs::lexer::unescape;
use crate::fbs::syntax::{Declaration, QualifiedIdent};
use crate::model::QualifiedName;

impl Lowering<'_, '_, '_> {
    /// Only the root file's statements count (flatc ignores those of included files);
    /// the last of each kind wins.
    pub(super) fn lower_roots(&mut self) {
        for index in 0..self.roots.len() {
            let RootStatement {
                declaration,
                namespace,
                order,
                in_root_file,
            } = self.roots[index];
            match declaration {
                Declaration::RootType(ident) => {
                    let Some(root) = self.root_table(ident, namespace, order) else {
                        continue;
                    };
                    if in_root_file {
                        self.schema.root_table = Some(root);
                    }
                }
                Declaration::FileIdentifier(span) => {
                    let identifier = unescape(self.text(*span)).into_owned();
                    if identifier.len() != 4 {
                        self.error(
                            *span,
                            format!(
                                "a file_identifier must be exactly 4 bytes, `{identifier}` has {}",
                                identifier.len()
                            ),
                        );
                    } else if in_root_file {
                        self.schema.file_identifier = Some(identifier);
                    }
                }
                Declaration::FileExtension(span) => {
                    let extension = unescape(self.text(*span)).into_owned();
                    if in_root_file {
                        self.schema.file_extension =
                            Some(extension).filter(|extension| !extension.is_empty());
                    }
                }
                _ => {}
            }
        }
    }

    fn root_table(
        &mut self,
        ident: &QualifiedIdent,
        namespace: usize,
        order: usize,
    ) -> Option<QualifiedName> {
        let name = self.joined(ident);
        let Some(index) = self.lookup(&name, namespace) else {
            self.error(ident.span, format!("unknown root type `{name}`"));
            return None;
        };
        let declaration = &self.types[index];
        if self.is_struct(index) != Some(false) {
            self.error(
                ident.span,
                format!("the root type must be a table, `{name}` is not one"),
            );
            return None;
        }
        if declaration.order > order {
            self.error(
                ident.span,
                format!("root type `{name}` must be declared before `root_type`"),
            );
            return None;
        }
        Some(declaration.name.clone())
    }
}
