//! One parser per file kind. Each keeps byte positions; none runs repository code.

pub mod dockerfile;
pub mod gha_expr;
pub mod gha_steps;
pub mod git_index;
pub mod helm;
pub mod image;
pub mod makefile;
pub mod py_imports;
pub mod python;
pub mod requirements;
pub mod shell;
pub mod yaml;

/// Syntax trees deeper than this are refused (a diagnostic, not a parse): rules walk
/// trees recursively in places, on worker threads with ordinary stacks, and no real
/// script or module nests a thousand levels (`1 + 1 + … + 1` twenty thousand times,
/// or thousands of nested `if`s, are attacks or generated junk).
pub const MAX_TREE_DEPTH: usize = 1000;

/// Whether `tree` nests deeper than `limit` (an iterative walk that stops early).
pub fn deeper_than(tree: &tree_sitter::Tree, limit: usize) -> bool {
    let mut cursor = tree.walk();
    let mut depth = 0usize;
    loop {
        if cursor.goto_first_child() {
            depth += 1;
            if depth > limit {
                return true;
            }
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return false;
            }
            depth -= 1;
        }
    }
}
