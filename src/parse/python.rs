//! Python source parsed with tree-sitter-python.

use tree_sitter::{Node, Parser, Tree};

/// A Python module as the rules see it: its text, parsed on first need.
///
/// Most Python files in a real repository are tests, and most rules look no further
/// than a test's role or a missing word in its text; tree-sitter's parse was half the
/// scan's time on Python-heavy trees. So the tree is built by the first rule (or the
/// model) that asks for it, once, and a file no rule reads is never parsed.
pub struct PythonFile<'a> {
    text: &'a str,
    tree: std::cell::OnceCell<Result<PythonTree, String>>,
}

impl<'a> PythonFile<'a> {
    /// Wraps `text`; nothing is parsed yet.
    pub fn new(text: &'a str) -> PythonFile<'a> {
        PythonFile {
            text,
            tree: std::cell::OnceCell::new(),
        }
    }

    /// The syntax tree, parsed now if no one asked before; `None` when the parser
    /// refuses the text ([`PythonTree::parse_checked`]). Syntax errors are in the tree.
    pub fn tree(&self) -> Option<&PythonTree> {
        self.tree
            .get_or_init(|| PythonTree::parse_checked(self.text))
            .as_ref()
            .ok()
    }

    /// What parsing gave, if anything asked for the tree: the engine reports syntax
    /// errors and refusals only for files that were parsed.
    pub fn parsed(&self) -> Option<&Result<PythonTree, String>> {
        self.tree.get()
    }
}

/// A parsed Python module.
pub struct PythonTree {
    /// The syntax tree and its pre-order node table (built in the same walk that
    /// checks the tree's depth).
    parsed: Parsed,
    /// Local name → dotted path, built once per file by the first rule that asks
    /// (see `rules::python::util::Module`); every rule needs the same table.
    pub imports: std::sync::OnceLock<std::collections::HashMap<String, String>>,
}

/// Every node of a tree in pre-order, and where each node's subtree ends.
///
/// A dozen rules look at every node of each module; walking the tree with a cursor
/// each time cost more than the parse itself. One walk fills this table, and a
/// subtree is then a slice: `nodes[i..ends[i]]`.
pub struct NodeTable<'t> {
    nodes: Vec<Node<'t>>,
    /// For node `i`, one past the index of its last descendant.
    ends: Vec<u32>,
}

self_cell::self_cell!(
    struct Parsed {
        owner: Tree,
        #[covariant]
        dependent: NodeTable,
    }
);

impl<'t> NodeTable<'t> {
    /// Walks `tree` once; `None` when it nests deeper than `max_depth`.
    fn build(root: Node<'t>, max_depth: usize) -> Option<NodeTable<'t>> {
        let count = root.descendant_count();
        let mut nodes = Vec::with_capacity(count);
        let mut ends = Vec::with_capacity(count);
        // Indices of the nodes on the path from the root to the cursor.
        let mut open: Vec<u32> = Vec::new();
        let mut cursor = root.walk();
        loop {
            let index = u32::try_from(nodes.len()).ok()?;
            nodes.push(cursor.node());
            ends.push(0);
            if cursor.goto_first_child() {
                open.push(index);
                if open.len() > max_depth {
                    return None;
                }
                continue;
            }
            // A leaf: it ends right after itself; then close every ancestor that has
            // no next sibling.
            ends[index as usize] = index + 1;
            loop {
                if cursor.node().id() == root.id() {
                    return Some(NodeTable { nodes, ends });
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return Some(NodeTable { nodes, ends });
                }
                let end = u32::try_from(nodes.len()).ok()?;
                if let Some(parent) = open.pop() {
                    ends[parent as usize] = end;
                }
            }
        }
    }

    /// Where `n` sits in the table (nodes are in pre-order, so sorted by start byte;
    /// nodes that start at the same byte are told apart by identity).
    fn position(&self, n: Node<'_>) -> Option<usize> {
        let start = n.start_byte();
        let first = self.nodes.partition_point(|m| m.start_byte() < start);
        self.nodes[first..]
            .iter()
            .take_while(|m| m.start_byte() == start)
            .position(|m| m.id() == n.id())
            .map(|i| first + i)
    }
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

impl PythonTree {
    /// Parses Python source; `None` when [`PythonTree::parse_checked`] refuses it
    /// (not on syntax errors).
    pub fn parse(text: &str) -> Option<PythonTree> {
        Self::parse_checked(text).ok()
    }

    /// Parses Python source, or says why not: indentation or tree nesting over the
    /// limits, or the time budget ran out. Syntax errors are in the tree.
    pub fn parse_checked(text: &str) -> Result<PythonTree, String> {
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
        let parsed = Parsed::try_new(tree, |tree| {
            NodeTable::build(tree.root_node(), super::MAX_TREE_DEPTH).ok_or(())
        })
        .map_err(|()| {
            format!(
                "not parsed: the syntax tree nests deeper than {} levels",
                super::MAX_TREE_DEPTH
            )
        })?;
        Ok(PythonTree {
            parsed,
            imports: std::sync::OnceLock::new(),
        })
    }

    /// Root node of the module.
    pub fn root(&self) -> Node<'_> {
        self.parsed.borrow_owner().root_node()
    }

    /// `n` and every node under it, in pre-order: a slice of the table, not a walk.
    pub fn descendants<'s>(&'s self, n: Node<'s>) -> Nodes<'s> {
        self.subtree(n, None)
    }

    /// Like [`PythonTree::descendants`], but below `n` the nodes for which `descend` is
    /// false are yielded without their subtrees.
    pub fn descendants_pruned<'s>(
        &'s self,
        n: Node<'s>,
        descend: fn(Node<'_>) -> bool,
    ) -> Nodes<'s> {
        self.subtree(n, Some(descend))
    }

    fn subtree<'s>(&'s self, n: Node<'s>, descend: Option<fn(Node<'_>) -> bool>) -> Nodes<'s> {
        let shared = self.parsed.borrow_dependent();
        let (table, top) = match shared.position(n) {
            Some(i) => (Table::Shared(shared), i),
            // Not expected (every node of this tree is in the table); kept correct.
            None => match NodeTable::build(n, usize::MAX) {
                Some(own) => (Table::Owned(Box::new(own)), 0),
                None => (Table::Owned(Box::new(NodeTable::empty())), 0),
            },
        };
        let end = table.get().ends.get(top).map_or(top, |&e| e as usize);
        Nodes {
            table,
            next: top,
            end,
            top,
            last: None,
            descend,
        }
    }
}

/// Nodes of a subtree in pre-order (see [`PythonTree::descendants`]).
pub struct Nodes<'t> {
    table: Table<'t>,
    next: usize,
    end: usize,
    /// The subtree's own root: always descended into.
    top: usize,
    /// The node returned last, for [`Nodes::skip_subtree`].
    last: Option<usize>,
    descend: Option<fn(Node<'_>) -> bool>,
}

enum Table<'t> {
    Shared(&'t NodeTable<'t>),
    Owned(Box<NodeTable<'t>>),
}

impl<'t> Table<'t> {
    fn get(&self) -> &NodeTable<'t> {
        match self {
            Table::Shared(t) => t,
            Table::Owned(t) => t,
        }
    }
}

impl NodeTable<'_> {
    fn empty() -> Self {
        NodeTable {
            nodes: Vec::new(),
            ends: Vec::new(),
        }
    }
}

impl Nodes<'_> {
    /// Leaves out the nodes under the one returned last.
    pub fn skip_subtree(&mut self) {
        if let Some(i) = self.last {
            if let Some(&e) = self.table.get().ends.get(i) {
                self.next = self.next.max(e as usize);
            }
        }
    }
}

impl<'t> Iterator for Nodes<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        if self.next >= self.end {
            return None;
        }
        let i = self.next;
        let table = self.table.get();
        let node = *table.nodes.get(i)?;
        self.last = Some(i);
        self.next = match self.descend {
            Some(descend) if i != self.top && !descend(node) => {
                table.ends.get(i).map_or(i + 1, |&e| e as usize)
            }
            _ => i + 1,
        };
        Some(node)
    }
}

/// Ids of the node kinds that the walkers over every node of a module test, looked up
/// once: `Node::kind_id` is an integer where `Node::kind` is a C string turned into a
/// `&str` and compared (about a tenth of a scan's time when every walk did it).
/// Each name here is a named kind only (no keyword of the same spelling), except
/// `lambda`, whose keyword id is kept apart in `lambda_keyword`.
#[allow(missing_docs)] // each field is the id of the kind it is named after
pub struct Kinds {
    pub call: u16,
    pub dictionary: u16,
    pub except_clause: u16,
    pub try_statement: u16,
    pub if_statement: u16,
    pub while_statement: u16,
    pub function_definition: u16,
    pub class_definition: u16,
    pub lambda: u16,
    /// The `lambda` keyword token (`Node::kind` spells it like the expression).
    pub lambda_keyword: u16,
    pub import_statement: u16,
    pub import_from_statement: u16,
    /// The kinds of [`holds_statements`].
    statement_holders: Vec<u16>,
}

/// The kinds [`holds_statements`] descends into.
const STATEMENT_HOLDERS: &[&str] = &[
    "module",
    "block",
    "if_statement",
    "elif_clause",
    "else_clause",
    "try_statement",
    "except_clause",
    "except_group_clause",
    "finally_clause",
    "with_statement",
    "for_statement",
    "while_statement",
    "function_definition",
    "class_definition",
    "decorated_definition",
    "match_statement",
    "case_clause",
    "ERROR",
];

/// The kind ids of tree-sitter-python, looked up on first use.
pub fn kinds() -> &'static Kinds {
    static KINDS: std::sync::LazyLock<Kinds> = std::sync::LazyLock::new(|| {
        let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        let named = |name: &str| lang.id_for_node_kind(name, true);
        Kinds {
            call: named("call"),
            dictionary: named("dictionary"),
            except_clause: named("except_clause"),
            try_statement: named("try_statement"),
            if_statement: named("if_statement"),
            while_statement: named("while_statement"),
            function_definition: named("function_definition"),
            class_definition: named("class_definition"),
            lambda: named("lambda"),
            lambda_keyword: lang.id_for_node_kind("lambda", false),
            import_statement: named("import_statement"),
            import_from_statement: named("import_from_statement"),
            // A name this grammar version does not know (id 0) matches no node.
            statement_holders: STATEMENT_HOLDERS
                .iter()
                .map(|k| named(k))
                .filter(|&id| id != 0)
                .collect(),
        }
    });
    &KINDS
}

/// The `left = right` assignments written as statements of `block` (a module or a
/// class body), in order: how a module or a class defines its constants and settings.
/// Annotated ones (`depth: int = 6`) are included; augmented and nested ones are not.
pub fn block_assignments(block: Node<'_>) -> Vec<(Node<'_>, Node<'_>)> {
    let mut out = Vec::new();
    let mut cursor = block.walk();
    for stmt in block.named_children(&mut cursor) {
        if stmt.kind() != "expression_statement" {
            continue;
        }
        let Some(a) = stmt.named_child(0).filter(|a| a.kind() == "assignment") else {
            continue;
        };
        if let (Some(left), Some(right)) = (
            a.child_by_field_name("left"),
            a.child_by_field_name("right"),
        ) {
            out.push((left, right));
        }
    }
    out
}

/// [`holds_statements`] by kind id (for walks over every node).
pub fn node_holds_statements(n: Node<'_>) -> bool {
    kinds().statement_holders.contains(&n.kind_id())
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

/// Names of the functions a module defines at its top level (`def request(`,
/// `async def response(`), read from the text without a parse: what plugin modules of
/// one directory share (the hooks of one interface).
pub fn top_level_function_names(text: &str) -> DefNames {
    let names: std::collections::BTreeSet<&str> = text
        .lines()
        .filter_map(|l| {
            l.strip_prefix("def ")
                .or_else(|| l.strip_prefix("async def "))
        })
        .filter_map(|rest| rest.split('(').next())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    DefNames(
        names
            .into_iter()
            .collect::<Vec<_>>()
            .join("\n")
            .into_boxed_str(),
    )
}

/// Whether a module's header says a generator wrote it (`Generated by: …`,
/// `autogenerated`, `DO NOT EDIT`): it is regenerated, not edited, so what it repeats
/// is the generator's business.
pub fn header_says_generated(text: &str) -> bool {
    text.lines().take(20).any(|l| {
        let l = l.to_ascii_lowercase();
        l.contains("generated by") || l.contains("autogenerated") || l.contains("do not edit")
    })
}

/// One module's top-level function names, sorted, in one allocation: rules keep them
/// for every shipped module until the cross-file pass, so a set of strings per module
/// would weigh several times the names themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DefNames(Box<str>);

impl DefNames {
    /// Whether the module defines no top-level function.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the module defines `name` at its top level.
    pub fn contains(&self, name: &str) -> bool {
        self.iter().any(|n| n == name)
    }

    /// The names, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.split('\n').filter(|n| !n.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kind id compares like the kind's name only when the name is known to the
    /// grammar (id 0 is "not found") and no keyword is spelled the same.
    #[test]
    fn kind_ids_are_the_named_kinds_and_only_them() {
        let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        let k = kinds();
        let ids = [
            ("call", k.call),
            ("dictionary", k.dictionary),
            ("except_clause", k.except_clause),
            ("try_statement", k.try_statement),
            ("if_statement", k.if_statement),
            ("while_statement", k.while_statement),
            ("function_definition", k.function_definition),
            ("class_definition", k.class_definition),
            ("lambda", k.lambda),
            ("import_statement", k.import_statement),
            ("import_from_statement", k.import_from_statement),
        ];
        for (name, id) in ids {
            assert_ne!(id, 0, "{name}");
            assert_eq!(lang.node_kind_for_id(id), Some(name));
            if name != "lambda" {
                assert_eq!(lang.id_for_node_kind(name, false), 0, "{name}");
            }
        }
        assert_ne!(k.lambda_keyword, 0);
        // `except_group_clause` is not in every grammar version: unknown is fine, a
        // keyword spelled the same is not.
        for name in STATEMENT_HOLDERS {
            assert_eq!(lang.id_for_node_kind(name, false), 0, "{name}");
        }
        assert!(k.statement_holders.len() >= STATEMENT_HOLDERS.len() - 1);
    }

    /// Every node of a module, its kind by id and by name agree for the kinds above.
    #[test]
    fn kind_ids_agree_with_names_on_a_module() {
        let src = "import os\nfrom a import b\ntry:\n    x = {1: 2}\nexcept E:\n    pass\nclass C:\n    def f(self):\n        while True:\n            if x: g(lambda: 1)\n";
        let t = PythonTree::parse(src).unwrap();
        let k = kinds();
        for n in t.descendants(t.root()) {
            assert_eq!(n.kind_id() == k.call, n.kind() == "call");
            assert_eq!(n.kind_id() == k.except_clause, n.kind() == "except_clause");
            assert_eq!(
                n.kind_id() == k.lambda || n.kind_id() == k.lambda_keyword,
                n.kind() == "lambda"
            );
            assert_eq!(node_holds_statements(n), holds_statements(n.kind()));
        }
    }
}
