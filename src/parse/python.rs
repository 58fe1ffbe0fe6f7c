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

/// Indentation nesting beyond this is refused before tree-sitter sees it: the
/// grammar's scanner aborts the process (an assertion) when its indentation stack
/// outgrows 1 KiB, about 380 levels. CPython itself stops at 100.
pub const MAX_INDENT_NESTING: usize = 200;

/// Why `text` is not handed to the parser, if it is not: indentation nested deeper
/// than [`MAX_INDENT_NESTING`] (a stack of increasing indentation columns).
pub fn refusal(text: &str) -> Option<String> {
    let mut stack: Vec<usize> = Vec::new();
    for line in text.split('\n') {
        let b = line.as_bytes();
        let col = b
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t' | b'\x0c'))
            .count();
        if col == b.len() || b[col] == b'#' || b[col] == b'\r' {
            continue;
        }
        while stack.last().is_some_and(|&top| top > col) {
            stack.pop();
        }
        if stack.last() != Some(&col) {
            stack.push(col);
        }
        if stack.len() > MAX_INDENT_NESTING {
            return Some(format!(
                "not parsed: indentation nested over {MAX_INDENT_NESTING} levels"
            ));
        }
    }
    None
}

impl PythonFile {
    /// Parses Python source; `None` when [`PythonFile::parse_checked`] refuses it
    /// (not on syntax errors).
    pub fn parse(text: &str) -> Option<PythonFile> {
        Self::parse_checked(text).ok()
    }

    /// Parses Python source, or says why not: indentation or tree nesting over the
    /// limits, or the time budget ran out. Syntax errors are in the tree.
    pub fn parse_checked(text: &str) -> Result<PythonFile, String> {
        if let Some(why) = refusal(text) {
            return Err(why);
        }
        let tree = PARSER
            .with(|cell| {
                let mut slot = cell.borrow_mut();
                if slot.is_none() {
                    let mut p = Parser::new();
                    p.set_language(&tree_sitter_python::LANGUAGE.into()).ok()?;
                    *slot = Some(p);
                }
                slot.as_mut()
                    .and_then(|p| crate::budget::parse_tree(p, text))
            })
            .ok_or_else(|| "not parsed: the parser ran out of time".to_string())?;
        if super::deeper_than(&tree, super::MAX_TREE_DEPTH) {
            return Err(format!(
                "not parsed: the syntax tree nests deeper than {} levels",
                super::MAX_TREE_DEPTH
            ));
        }
        Ok(PythonFile {
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
