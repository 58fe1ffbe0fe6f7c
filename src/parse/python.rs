//! Python source parsed with tree-sitter-python.

use tree_sitter::{Node, Parser, Tree};

/// A parsed Python module.
pub struct PythonFile {
    /// The syntax tree over the file text.
    pub tree: Tree,
    /// Local name → dotted path, built once per file by the first rule that asks
    /// (see `rules::python::util::Module`); every rule needs the same table.
    pub imports: std::sync::OnceLock<std::collections::HashMap<String, String>>,
}

thread_local! {
    static PARSER: std::cell::RefCell<Option<Parser>> = const { std::cell::RefCell::new(None) };
}

impl PythonFile {
    /// Parses Python source; `None` only if tree-sitter itself fails.
    pub fn parse(text: &str) -> Option<PythonFile> {
        let tree = PARSER.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                let mut p = Parser::new();
                p.set_language(&tree_sitter_python::LANGUAGE.into()).ok()?;
                *slot = Some(p);
            }
            slot.as_mut().and_then(|p| p.parse(text, None))
        })?;
        Some(PythonFile {
            tree,
            imports: std::sync::OnceLock::new(),
        })
    }

    /// Root node of the module.
    pub fn root(&self) -> Node<'_> {
        self.tree.root_node()
    }
}

/// Node kinds that can hold statements (and so imports): walks that look for
/// statements descend only into these, never into expressions. `ERROR` is included
/// so a syntax error does not hide the rest of a block.
pub fn holds_statements(kind: &str) -> bool {
    matches!(
        kind,
        "module"
            | "block"
            | "if_statement"
            | "elif_clause"
            | "else_clause"
            | "try_statement"
            | "except_clause"
            | "except_group_clause"
            | "finally_clause"
            | "with_statement"
            | "for_statement"
            | "while_statement"
            | "function_definition"
            | "class_definition"
            | "decorated_definition"
            | "match_statement"
            | "case_clause"
            | "ERROR"
    )
}
