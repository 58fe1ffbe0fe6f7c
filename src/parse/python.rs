//! Python source parsed with tree-sitter-python.

use tree_sitter::{Node, Parser, Tree};

/// A parsed Python module.
pub struct PythonFile {
    /// The syntax tree over the file text.
    pub tree: Tree,
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
        Some(PythonFile { tree })
    }

    /// Root node of the module.
    pub fn root(&self) -> Node<'_> {
        self.tree.root_node()
    }
}
