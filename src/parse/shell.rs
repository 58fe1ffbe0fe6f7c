//! Shell scripts parsed with tree-sitter-bash, standalone or embedded.
//!
//! The same [`ShellScript`] serves a `deploy.sh`, a Dockerfile `RUN`, a
//! workflow `run:` block and a compose `command:` string; its [`MappedText`]
//! maps every byte back to the host file, so rules never deal with hosts.

use std::ops::Range;

use tree_sitter::{Node, Parser, Tree};

use crate::mapped::MappedText;

/// Where a piece of shell came from; some rules only make sense for some origins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShellOrigin {
    /// A script file of its own.
    Script,
    /// A Dockerfile `RUN` (shell form or heredoc).
    DockerRun,
    /// A GitHub Actions `run:` step (bash/sh shell).
    WorkflowRun,
    /// A compose `command:`/`entrypoint:` string or a Kubernetes `sh -c` argument.
    ContainerCommand,
}

/// A parsed piece of shell.
pub struct ShellScript {
    /// Source text with its map to the host file.
    pub code: MappedText,
    /// The tree-sitter-bash tree over `code.text`, and its simple commands.
    parsed: Parsed,
    /// Where it came from.
    pub origin: ShellOrigin,
}

/// The simple commands of a tree, found once at parse time: most shell rules and
/// the repository model start from them, and walking the tree for each was a tenth
/// of a scan's time.
struct Commands<'t>(Vec<SimpleCommand<'t>>);

self_cell::self_cell!(
    struct Parsed {
        owner: Tree,
        #[covariant]
        dependent: Commands,
    }
);

/// Visits `root` and its descendants in source order without allocating;
/// `visit` returns whether to descend into the node's children. Stops early when
/// the file's time budget runs out ([`crate::budget`]; the engine reports it).
pub fn preorder<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    let mut cursor = root.walk();
    let mut seen = 0u32;
    loop {
        seen = seen.wrapping_add(1);
        if seen % 1024 == 0 && crate::budget::exceeded() {
            return;
        }
        let node = cursor.node();
        if visit(node) && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// Like [`preorder`], with the node's ancestors (outermost first). tree-sitter's
/// `Node::parent` walks down from the root each time, so walks that need parents
/// take them from here: linear, even in deeply nested scripts.
pub fn preorder_with_ancestors<'t>(
    root: Node<'t>,
    mut visit: impl FnMut(Node<'t>, &[Node<'t>]) -> bool,
) {
    let mut cursor = root.walk();
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    let mut seen = 0u32;
    loop {
        seen = seen.wrapping_add(1);
        if seen % 1024 == 0 && crate::budget::exceeded() {
            return;
        }
        let node = cursor.node();
        if visit(node, &ancestors) && cursor.goto_first_child() {
            ancestors.push(node);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            ancestors.pop();
        }
    }
}

/// `$NAME` and `${NAME…}` references in a piece of text (a shell word, a Dockerfile or
/// compose value), in order, repeats kept.
pub fn referenced_vars(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let rest = &text[i + 1..];
            let rest = rest.strip_prefix('{').unwrap_or(rest);
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
        i += 1;
    }
    out
}

/// Named descendants of `root` (inclusive) whose kind is `kind`, in source order.
pub fn descendants_of_kind<'t>(root: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    preorder(root, |n| {
        if n.kind() == kind {
            out.push(n);
        }
        true
    });
    out
}

/// `` pkg `# why it is needed` \ ``: the idiom for a comment inside a continued
/// command line (bash runs an empty command substitution). tree-sitter-bash reads the
/// `#` as a comment to the end of the line, swallowing the closing backtick and the
/// continuation, and loses the rest of the command. The comment is blanked (same
/// length, so every offset still points into the original text) before parsing.
fn blank_backtick_comments(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("`#") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'`' && bytes[i + 1] == b'#' {
            let end = bytes[i + 1..]
                .iter()
                .position(|&b| b == b'`' || b == b'\n')
                .map(|p| i + 1 + p);
            if let Some(end) = end.filter(|&e| bytes[e] == b'`') {
                for b in &mut bytes[i..=end] {
                    *b = b' ';
                }
                i = end + 1;
                continue;
            }
        }
        i += 1;
    }
    // Only ASCII spaces replaced whole byte runs between two ASCII backticks.
    String::from_utf8(bytes)
        .map(std::borrow::Cow::Owned)
        .unwrap_or(std::borrow::Cow::Borrowed(text))
}

thread_local! {
    static PARSER: std::cell::RefCell<Option<Parser>> = const { std::cell::RefCell::new(None) };
}

impl ShellScript {
    /// Parses `code`; `None` only if tree-sitter itself fails (not on syntax errors).
    pub fn parse(code: MappedText, origin: ShellOrigin) -> Option<ShellScript> {
        Self::parse_checked(code, origin).ok()
    }

    /// Parses `code`, or says why not: the syntax tree nests deeper than
    /// [`super::MAX_TREE_DEPTH`] or the time budget ran out. Syntax errors are in the tree.
    pub fn parse_checked(code: MappedText, origin: ShellOrigin) -> Result<ShellScript, String> {
        let tree = PARSER
            .with(|cell| {
                let mut slot = cell.borrow_mut();
                if slot.is_none() {
                    let mut p = Parser::new();
                    p.set_language(&tree_sitter_bash::LANGUAGE.into()).ok()?;
                    *slot = Some(p);
                }
                let text = blank_backtick_comments(&code.text);
                slot.as_mut()
                    .and_then(|p| crate::budget::parse_tree(p, &text))
            })
            .ok_or_else(|| "not parsed: the parser ran out of time".to_string())?;
        if super::deeper_than(&tree, super::MAX_TREE_DEPTH) {
            return Err(format!(
                "not parsed: the syntax tree nests deeper than {} levels",
                super::MAX_TREE_DEPTH
            ));
        }
        let words = Words { text: &code.text };
        let parsed = Parsed::new(tree, |tree| {
            let mut out = Vec::new();
            preorder_with_ancestors(tree.root_node(), |n, ancestors| {
                if n.kind() == "command" {
                    out.push(words.simple_command(n, ancestors));
                }
                true
            });
            Commands(out)
        });
        Ok(ShellScript {
            code,
            parsed,
            origin,
        })
    }

    /// The shell source.
    pub fn text(&self) -> &str {
        &self.code.text
    }

    /// Source of a node.
    pub fn node_text(&self, n: Node<'_>) -> &str {
        self.code.text.get(n.byte_range()).unwrap_or("")
    }

    /// Whether tree-sitter found syntax errors.
    pub fn has_error(&self) -> bool {
        self.root().has_error()
    }

    /// The root of the syntax tree.
    pub fn root(&self) -> Node<'_> {
        self.parsed.borrow_owner().root_node()
    }

    /// The syntax tree.
    pub fn tree(&self) -> &Tree {
        self.parsed.borrow_owner()
    }

    /// Every simple command, in source order (found at parse time).
    pub fn commands(&self) -> &[SimpleCommand<'_>] {
        &self.parsed.borrow_dependent().0
    }

    /// Breaks a word node into literal text and expansions.
    pub fn word(&self, node: Node<'_>) -> Word {
        Words {
            text: &self.code.text,
        }
        .word(node)
    }

    /// Host-file range of a range in this script.
    pub fn host_range(&self, r: &Range<usize>) -> Range<usize> {
        self.code.range_to_host(r)
    }
}

/// Reads words and commands out of the tree over one script's text (apart from
/// [`ShellScript`] so the commands can be found while it is being built).
struct Words<'s> {
    text: &'s str,
}

impl Words<'_> {
    fn node_text(&self, n: Node<'_>) -> &str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    fn simple_command<'t>(&self, node: Node<'t>, ancestors: &[Node<'t>]) -> SimpleCommand<'t> {
        let name_node = node.child_by_field_name("name");
        let name = name_node
            .and_then(|n| n.named_child(0).or(Some(n)))
            .map(|n| self.word(n).static_value().unwrap_or_default())
            .unwrap_or_default();
        let mut args = Vec::new();
        let mut redirects = Vec::new();
        let mut assignments = Vec::new();
        let mut cursor = node.walk();
        for (i, child) in node.children(&mut cursor).enumerate() {
            match node.field_name_for_child(i as u32) {
                Some("argument") => args.push(child),
                Some("redirect") => redirects.push(child),
                _ if child.kind() == "variable_assignment" => assignments.push(child),
                _ => {}
            }
        }
        // `cmd > file` parses as redirected_statement(body: command, redirect: …).
        for p in ancestors.iter().rev() {
            if p.kind() == "redirected_statement" {
                let mut c = p.walk();
                for (i, child) in p.children(&mut c).enumerate() {
                    if p.field_name_for_child(i as u32) == Some("redirect") {
                        redirects.push(child);
                    }
                }
                break;
            }
            if p.kind() != "pipeline"
                || p.named_child(p.named_child_count().saturating_sub(1) as u32) != Some(node)
            {
                break;
            }
        }
        // The outermost pipeline / redirected statement the command is part of.
        let mut statement = node;
        for p in ancestors.iter().rev() {
            if matches!(p.kind(), "pipeline" | "redirected_statement") {
                statement = *p;
            } else {
                break;
            }
        }
        SimpleCommand {
            node,
            statement,
            name: basename(&name).to_string(),
            name_node,
            args,
            redirects,
            assignments,
        }
    }

    fn word(&self, node: Node<'_>) -> Word {
        let mut parts = Vec::new();
        self.collect_parts(node, false, &mut parts);
        Word {
            parts,
            span: node.byte_range(),
        }
    }

    fn collect_parts(&self, node: Node<'_>, quoted: bool, out: &mut Vec<WordPart>) {
        let text = self.node_text(node);
        match node.kind() {
            "word" | "number" => out.push(WordPart::Literal(unescape_word(text))),
            "raw_string" => out.push(WordPart::Literal(
                text.trim_start_matches('\'')
                    .trim_end_matches('\'')
                    .to_string(),
            )),
            "ansi_c_string" => out.push(WordPart::Literal(
                text.trim_start_matches("$'")
                    .trim_end_matches('\'')
                    .to_string(),
            )),
            "string_content" => out.push(WordPart::Literal(text.to_string())),
            "string" | "translated_string" => {
                // Gaps between named children are literal text (the grammar does not always emit string_content).
                let start = node.start_byte() + 1;
                let end = node.end_byte().saturating_sub(1).max(start);
                let mut pos = start;
                let mut cursor = node.walk();
                let mut any = false;
                for child in node.named_children(&mut cursor) {
                    if child.start_byte() > pos {
                        if let Some(gap) = self.text.get(pos..child.start_byte()) {
                            out.push(WordPart::Literal(gap.to_string()));
                        }
                    }
                    self.collect_parts(child, true, out);
                    pos = child.end_byte();
                    any = true;
                }
                if pos < end {
                    if let Some(gap) = self.text.get(pos..end) {
                        out.push(WordPart::Literal(gap.to_string()));
                    }
                }
                if !any && start >= end {
                    out.push(WordPart::Literal(String::new()));
                }
            }
            "simple_expansion" => {
                let name = text.trim_start_matches('$').to_string();
                out.push(WordPart::Var(Expansion {
                    name,
                    operator: None,
                    operand: String::new(),
                    quoted,
                    span: node.byte_range(),
                }));
            }
            "expansion" => {
                let inner = text
                    .strip_prefix("${")
                    .and_then(|t| t.strip_suffix('}'))
                    .unwrap_or(text);
                let name_len = inner
                    .char_indices()
                    .find(|(i, c)| {
                        !(c.is_ascii_alphanumeric()
                            || *c == '_'
                            || (*i == 0 && matches!(c, '@' | '*' | '#' | '?' | '!' | '$' | '-')))
                    })
                    .map_or(inner.len(), |(i, _)| i);
                let (name, rest) = inner.split_at(name_len);
                let ops = [":?", ":-", ":=", ":+", "?", "-", "=", "+"];
                let (operator, operand) = match ops.iter().find(|op| rest.starts_with(**op)) {
                    Some(op) => (Some((*op).to_string()), rest[op.len()..].to_string()),
                    None if rest.is_empty() => (None, String::new()),
                    None => (
                        Some(rest.chars().next().map(String::from).unwrap_or_default()),
                        rest.to_string(),
                    ),
                };
                out.push(WordPart::Var(Expansion {
                    name: name.to_string(),
                    operator,
                    operand,
                    quoted,
                    span: node.byte_range(),
                }));
            }
            "command_substitution" | "process_substitution" | "arithmetic_expansion" => {
                out.push(WordPart::Substitution(text.to_string()))
            }
            "concatenation" => {
                let mut cursor = node.walk();
                let mut pos = node.start_byte();
                for child in node.children(&mut cursor) {
                    if child.start_byte() > pos {
                        if let Some(gap) = self.text.get(pos..child.start_byte()) {
                            out.push(WordPart::Literal(gap.to_string()));
                        }
                    }
                    if child.is_named() {
                        self.collect_parts(child, quoted, out);
                    } else {
                        out.push(WordPart::Literal(self.node_text(child).to_string()));
                    }
                    pos = child.end_byte();
                }
            }
            _ => out.push(WordPart::Other(text.to_string())),
        }
    }
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

fn unescape_word(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                if n != '\n' {
                    out.push(n);
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A simple command (`name arg…`) with its redirections.
pub struct SimpleCommand<'t> {
    /// The `command` node.
    pub node: Node<'t>,
    /// The outermost statement it belongs to when it is part of a pipeline or carries
    /// redirections (`a | b > f` → the whole pipeline); the command itself otherwise.
    pub statement: Node<'t>,
    /// Command name without directory (`/usr/bin/rm` → `rm`), empty when dynamic.
    pub name: String,
    /// The name node.
    pub name_node: Option<Node<'t>>,
    /// Argument nodes in order.
    pub args: Vec<Node<'t>>,
    /// Redirect nodes that apply to this command (`> file`, `2>&1`).
    pub redirects: Vec<Node<'t>>,
    /// Prefix assignments (`FOO=bar cmd`).
    pub assignments: Vec<Node<'t>>,
}

impl<'t> SimpleCommand<'t> {
    /// Static values of the arguments (`None` for dynamic ones).
    pub fn arg_values(&self, script: &ShellScript) -> Vec<Option<String>> {
        self.args
            .iter()
            .map(|a| script.word(*a).static_value())
            .collect()
    }

    /// Whether any argument's static value satisfies `pred`.
    pub fn has_arg(&self, script: &ShellScript, pred: impl Fn(&str) -> bool) -> bool {
        self.arg_values(script).iter().flatten().any(|a| pred(a))
    }

    /// Span of the whole command in script coordinates.
    pub fn span(&self) -> Range<usize> {
        self.node.byte_range()
    }
}

/// A `$VAR` / `${VAR…}` expansion inside a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// Variable name (`DIR`, `1`, `@`).
    pub name: String,
    /// Operator such as `:?`, `:-`, `%%` (None for a bare `$VAR`).
    pub operator: Option<String>,
    /// Text after the operator.
    pub operand: String,
    /// Whether the expansion is inside double quotes.
    pub quoted: bool,
    /// Span in script coordinates.
    pub span: Range<usize>,
}

impl Expansion {
    /// `${X:?}` / `${X?}`: the shell aborts instead of expanding empty/unset.
    pub fn errors_when_unset(&self) -> bool {
        matches!(self.operator.as_deref(), Some(":?" | "?"))
    }

    /// `${X:-default}` / `${X:=default}` with a non-empty literal default.
    pub fn has_nonempty_default(&self) -> bool {
        matches!(self.operator.as_deref(), Some(":-" | ":=" | "-" | "="))
            && !self.operand.trim().is_empty()
    }
}

/// A part of a shell word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordPart {
    /// Literal text (quotes removed).
    Literal(String),
    /// A parameter expansion.
    Var(Expansion),
    /// `$(…)`, `` `…` ``, `$((…))`, `<(…)`.
    Substitution(String),
    /// Anything else (kept as source text).
    Other(String),
}

/// A shell word split into parts.
#[derive(Debug, Clone)]
pub struct Word {
    /// Parts in order.
    pub parts: Vec<WordPart>,
    /// Span in script coordinates.
    pub span: Range<usize>,
}

impl Word {
    /// The word's value when it has no expansion or substitution.
    pub fn static_value(&self) -> Option<String> {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                WordPart::Literal(l) => s.push_str(l),
                _ => return None,
            }
        }
        Some(s)
    }

    /// The word with expansions rendered as `$NAME`, for pattern checks on dynamic words.
    pub fn approximate(&self) -> String {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                WordPart::Literal(l) => s.push_str(l),
                WordPart::Var(v) => {
                    s.push('$');
                    s.push_str(&v.name);
                }
                WordPart::Substitution(t) | WordPart::Other(t) => s.push_str(t),
            }
        }
        s
    }
}

/// Shell options a script turns on with `set` (or its shebang), and where.
#[derive(Debug, Clone, Default)]
pub struct StrictMode {
    /// `set -e` / `set -o errexit`.
    pub errexit: Option<Range<usize>>,
    /// `set -u` / `set -o nounset`.
    pub nounset: Option<Range<usize>>,
    /// `set -o pipefail`.
    pub pipefail: Option<Range<usize>>,
    /// Span of the first `set` command that sets any of them.
    pub first_set: Option<Range<usize>>,
    /// Options the script turns off explicitly (`set +u`, `set +eu`, `set +o pipefail`)
    /// and never turns on: the author chose to run without them.
    pub turned_off: TurnedOff,
}

/// Options a script turns off by name ([`StrictMode::turned_off`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TurnedOff {
    /// `set +e` / `set +o errexit`.
    pub errexit: bool,
    /// `set +u` / `set +o nounset`.
    pub nounset: bool,
    /// `set +o pipefail`.
    pub pipefail: bool,
}

impl TurnedOff {
    /// Whether any option is turned off by name.
    pub fn any(&self) -> bool {
        self.errexit || self.nounset || self.pipefail
    }
}

impl StrictMode {
    /// Collects the options set anywhere in the script (and by shebang flags).
    pub fn of(script: &ShellScript) -> StrictMode {
        let mut mode = StrictMode::default();
        let mut off = TurnedOff::default();
        if let Some(first) = script.text().lines().next() {
            if first.starts_with("#!") {
                let span = 0..first.len();
                for flagword in first
                    .split_whitespace()
                    .skip(1)
                    .filter(|w| w.starts_with('-') && !w.starts_with("--"))
                {
                    apply_short_flags(&mut mode, flagword, &span);
                }
            }
        }
        for cmd in script.commands() {
            if cmd.name != "set" {
                continue;
            }
            let span = cmd.span();
            let values = cmd.arg_values(script);
            let mut i = 0;
            let before = (
                mode.errexit.is_some(),
                mode.nounset.is_some(),
                mode.pipefail.is_some(),
            );
            while i < values.len() {
                let Some(v) = values[i].as_deref() else {
                    i += 1;
                    continue;
                };
                if v == "+o" {
                    match values.get(i + 1).and_then(|o| o.as_deref()) {
                        Some("errexit") => off.errexit = true,
                        Some("nounset") => off.nounset = true,
                        Some("pipefail") => off.pipefail = true,
                        _ => {}
                    }
                    i += 2;
                    continue;
                }
                if let Some(flags) = v.strip_prefix('+') {
                    off.errexit |= flags.contains('e');
                    off.nounset |= flags.contains('u');
                    i += 1;
                    continue;
                }
                if v == "-o" {
                    let slot = match values.get(i + 1).and_then(|o| o.as_deref()) {
                        Some("errexit") => Some(&mut mode.errexit),
                        Some("nounset") => Some(&mut mode.nounset),
                        Some("pipefail") => Some(&mut mode.pipefail),
                        _ => None,
                    };
                    if let Some(slot) = slot {
                        slot.get_or_insert(span.clone());
                    }
                    i += 2;
                    continue;
                }
                if v.starts_with('-') && !v.starts_with("--") {
                    apply_short_flags(&mut mode, v, &span);
                    // `set -euo pipefail`: a trailing `o` takes the next word as an option name.
                    if v.ends_with('o') {
                        if let Some(Some("pipefail")) = values.get(i + 1).map(|o| o.as_deref()) {
                            mode.pipefail.get_or_insert(span.clone());
                        }
                        if let Some(Some("nounset")) = values.get(i + 1).map(|o| o.as_deref()) {
                            mode.nounset.get_or_insert(span.clone());
                        }
                        if let Some(Some("errexit")) = values.get(i + 1).map(|o| o.as_deref()) {
                            mode.errexit.get_or_insert(span.clone());
                        }
                        i += 1;
                    }
                }
                i += 1;
            }
            let after = (
                mode.errexit.is_some(),
                mode.nounset.is_some(),
                mode.pipefail.is_some(),
            );
            if before != after && mode.first_set.is_none() {
                mode.first_set = Some(span);
            }
        }
        // `set +e` … `set -e` around one command is a strict script's exception, not an
        // opt-out: only options never turned on count as turned off.
        mode.turned_off = TurnedOff {
            errexit: off.errexit && mode.errexit.is_none(),
            nounset: off.nounset && mode.nounset.is_none(),
            pipefail: off.pipefail && mode.pipefail.is_none(),
        };
        mode
    }
}

fn apply_short_flags(mode: &mut StrictMode, word: &str, span: &Range<usize>) {
    let flags = word.trim_start_matches('-');
    for c in flags.chars() {
        match c {
            'e' => {
                mode.errexit.get_or_insert(span.clone());
            }
            'u' => {
                mode.nounset.get_or_insert(span.clone());
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backtick_comments_do_not_end_the_command() {
        let t = "apt-get install -y \\\n  libxslt1-dev `# for lxml` \\\n  libcurl4 && rm -rf /var/lib/apt/lists/*\n";
        assert_eq!(blank_backtick_comments(t).len(), t.len());
        assert!(!blank_backtick_comments(t).contains('#'));
        assert_eq!(blank_backtick_comments("echo `date`"), "echo `date`");
    }

    fn script(src: &str) -> ShellScript {
        ShellScript::parse(MappedText::verbatim(src, 0), ShellOrigin::Script).unwrap()
    }

    #[test]
    fn commands_and_words() {
        let s =
            script("#!/bin/bash\nrm -rf \"$STAGING/\" ${DIR:?}/x\npg_dump db > /backup/db.sql\n");
        let cmds = s.commands();
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0].name, "rm");
        let w = s.word(cmds[0].args[1]);
        match &w.parts[0] {
            WordPart::Var(e) => {
                assert_eq!(e.name, "STAGING");
                assert!(e.quoted);
            }
            other => panic!("unexpected {other:?}"),
        }
        let w2 = s.word(cmds[0].args[2]);
        match &w2.parts[0] {
            WordPart::Var(e) => assert!(e.errors_when_unset()),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(cmds[1].name, "pg_dump");
        assert_eq!(cmds[1].redirects.len(), 1);
    }

    #[test]
    fn strict_mode_detection() {
        let m = StrictMode::of(&script("#!/bin/bash\nset -euo pipefail\n"));
        assert!(m.errexit.is_some() && m.nounset.is_some() && m.pipefail.is_some());
        let m = StrictMode::of(&script("#!/bin/bash\nset -eo pipefail\n"));
        assert!(m.errexit.is_some() && m.nounset.is_none() && m.pipefail.is_some());
        let m = StrictMode::of(&script("#!/bin/bash -eu\nset -o pipefail\n"));
        assert!(m.errexit.is_some() && m.nounset.is_some() && m.pipefail.is_some());
        let m = StrictMode::of(&script("#!/bin/sh\nset -o errexit\nset -o nounset\n"));
        assert!(m.errexit.is_some() && m.nounset.is_some() && m.pipefail.is_none());
    }

    #[test]
    fn options_turned_off_by_name() {
        let m = StrictMode::of(&script("#!/bin/bash\nset +eu\nrm -rf \"$DIR\"\n"));
        assert_eq!(
            m.turned_off,
            TurnedOff {
                errexit: true,
                nounset: true,
                pipefail: false
            }
        );
        let m = StrictMode::of(&script("#!/bin/bash\nset +o pipefail\n"));
        assert!(m.turned_off.pipefail && !m.turned_off.errexit);
        // `set +e` around one command of a strict script is an exception, not an opt-out.
        let m = StrictMode::of(&script(
            "#!/bin/bash\nset -eu\nset +e\ngrep -q x f\nset -e\n",
        ));
        assert!(!m.turned_off.any());
        assert!(m.errexit.is_some());
        // `set +x` turns tracing off: no strict option.
        let m = StrictMode::of(&script("#!/bin/bash\nset +x\n"));
        assert!(!m.turned_off.any());
    }
}
