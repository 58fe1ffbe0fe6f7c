//! YAML with positions, built on tree-sitter-yaml.
//!
//! tree-sitter keeps exact byte ranges and comments; this module turns its
//! concrete syntax tree into a small value tree ([`YamlNode`]) whose every node
//! knows its span, with anchors/aliases and `<<` merge keys resolved and
//! scalars decoded together with a map back to the host bytes (so a `run: |`
//! block can be parsed as shell and its findings land on the right line).

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::{Node, Parser};

use crate::mapped::MappedText;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    /// `key: value`
    Plain,
    /// `'value'`
    SingleQuoted,
    /// `"value"`
    DoubleQuoted,
    /// `|` block
    Literal,
    /// `>` block
    Folded,
}

/// A YAML value with its position.
#[derive(Debug, Clone)]
pub struct YamlNode {
    /// Byte range of the value in the host file.
    pub span: Range<usize>,
    /// The value.
    pub value: YamlValue,
}

/// The value part of a [`YamlNode`].
#[derive(Debug, Clone)]
pub enum YamlValue {
    /// A mapping, in source order, merge keys already expanded.
    Map(Vec<YamlPair>),
    /// A sequence.
    Seq(Vec<YamlNode>),
    /// A scalar, decoded.
    Scalar(YamlScalar),
    /// An empty value (`key:` with nothing after it, or `~`/`null`).
    Null,
}

/// A key/value pair of a mapping.
#[derive(Debug, Clone)]
pub struct YamlPair {
    /// Decoded key text.
    pub key: String,
    /// Span of the key.
    pub key_span: Range<usize>,
    /// The value.
    pub value: YamlNode,
}

/// A decoded scalar and where each of its bytes came from.
#[derive(Debug, Clone)]
pub struct YamlScalar {
    /// Decoded text with its offset map into the host file.
    pub mapped: MappedText,
    /// How it was written.
    pub style: ScalarStyle,
}

impl YamlScalar {
    /// The decoded string.
    pub fn as_str(&self) -> &str {
        &self.mapped.text
    }
}

impl YamlNode {
    /// Value of `key` if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&YamlNode> {
        self.pair(key).map(|p| &p.value)
    }

    /// Pair of `key` if this is a mapping that has it.
    pub fn pair(&self, key: &str) -> Option<&YamlPair> {
        match &self.value {
            YamlValue::Map(pairs) => pairs.iter().find(|p| p.key == key),
            _ => None,
        }
    }

    /// Follows a route of keys (`["jobs", "build", "steps"]`).
    pub fn at(&self, route: &[&str]) -> Option<&YamlNode> {
        route.iter().try_fold(self, |node, key| node.get(key))
    }

    /// Pairs when this is a mapping.
    pub fn as_map(&self) -> Option<&[YamlPair]> {
        match &self.value {
            YamlValue::Map(p) => Some(p),
            _ => None,
        }
    }

    /// Items when this is a sequence.
    pub fn as_seq(&self) -> Option<&[YamlNode]> {
        match &self.value {
            YamlValue::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// Scalar when this is one.
    pub fn as_scalar(&self) -> Option<&YamlScalar> {
        match &self.value {
            YamlValue::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// Decoded string when this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.as_str())
    }

    /// Whether the value is null/empty.
    pub fn is_null(&self) -> bool {
        match &self.value {
            YamlValue::Null => true,
            YamlValue::Scalar(s) => {
                s.style == ScalarStyle::Plain
                    && matches!(s.as_str(), "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    /// YAML 1.1/1.2 truthiness of a plain scalar (`true`, `yes`, `on`), for compose/k8s flags.
    pub fn as_bool(&self) -> Option<bool> {
        let s = self.as_scalar()?;
        if s.style != ScalarStyle::Plain {
            return None;
        }
        match s.as_str() {
            "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
            "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
            _ => None,
        }
    }

    /// Strings of a sequence of scalars, or the one scalar itself.
    pub fn strings(&self) -> Vec<&str> {
        match &self.value {
            YamlValue::Seq(items) => items.iter().filter_map(|i| i.as_str()).collect(),
            YamlValue::Scalar(s) => vec![s.as_str()],
            _ => Vec::new(),
        }
    }
}

/// One `---`-separated document.
#[derive(Debug, Clone)]
pub struct YamlDocument {
    /// Root value (None for an empty document).
    pub root: Option<YamlNode>,
    /// Span of the whole document.
    pub span: Range<usize>,
}

/// A parsed YAML file: its documents and the byte ranges tree-sitter could not parse.
#[derive(Debug, Clone)]
pub struct YamlFile {
    /// Documents in order.
    pub documents: Vec<YamlDocument>,
    /// First syntax error, if any (the tree is then best-effort and rules should not trust it).
    pub error: Option<Range<usize>>,
    /// Keys written twice in one mapping (YAML forbids it; parsers disagree on
    /// which value wins, and GitHub rejects such a workflow).
    pub duplicate_keys: Vec<DuplicateKey>,
    /// Why the file was not parsed at all (nesting too deep for the parser, alias
    /// expansion over budget, time budget); `error` is set too.
    pub refused: Option<String>,
}

/// A key written twice in one mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The key.
    pub key: String,
    /// Span of its first occurrence.
    pub first: Range<usize>,
    /// Span of the repeated one.
    pub again: Range<usize>,
}

/// Block nesting beyond this is refused before tree-sitter sees it: the grammar's
/// scanner aborts the process (an assertion, not an error) when its indentation stack
/// outgrows 1 KiB, about 250 levels, and each level here can cost it up to three.
pub const MAX_BLOCK_NESTING: usize = 80;

/// Nodes that alias expansion (`*a`) and anchor copies may add to a file: a few
/// hundred bytes of nested anchors otherwise expand to gigabytes ("billion laughs").
pub const ALIAS_NODE_BUDGET: usize = 100_000;

fn refused(text: &str, why: String) -> YamlFile {
    YamlFile {
        documents: Vec::new(),
        error: Some(0..text.len().min(1)),
        duplicate_keys: Vec::new(),
        refused: Some(why),
    }
}

/// An upper bound on the block nesting of `text` as tree-sitter-yaml's scanner counts
/// it: the stack of increasing indentation columns, with compact forms (`- - x`,
/// `? `, `: `) adding a level each on one line. Lines of block scalars count too,
/// which can only overestimate.
pub fn block_nesting(text: &str) -> usize {
    let mut stack: Vec<usize> = Vec::new();
    let mut max = 0;
    for line in text.split('\n') {
        let b = line.as_bytes();
        let mut col = b.iter().take_while(|c| matches!(c, b' ' | b'\t')).count();
        let rest = &b[col..];
        if rest.is_empty() || rest[0] == b'#' || rest == b"\r" {
            continue;
        }
        while stack.last().is_some_and(|&top| top > col) {
            stack.pop();
        }
        if stack.last() != Some(&col) {
            stack.push(col);
        }
        // Compact nested block collections on one line.
        let mut i = col;
        while i < b.len() {
            let c = b[i];
            let next = b.get(i + 1).copied();
            let indicator = matches!(c, b'-' | b'?' | b':')
                && matches!(next, None | Some(b' ' | b'\t' | b'\r'));
            if !indicator {
                break;
            }
            i += 1;
            while i < b.len() && matches!(b[i], b' ' | b'\t') {
                i += 1;
            }
            col = i;
            stack.push(col);
        }
        max = max.max(stack.len());
    }
    max
}

thread_local! {
    static PARSER: std::cell::RefCell<Option<Parser>> = const { std::cell::RefCell::new(None) };
}

/// Parses YAML text. Never panics and never aborts: nesting too deep for the
/// parser and alias bombs are refused ([`YamlFile::refused`]); syntax errors are
/// reported in [`YamlFile::error`].
pub fn parse(text: &str) -> YamlFile {
    let nesting = block_nesting(text);
    if nesting > MAX_BLOCK_NESTING {
        return refused(
            text,
            format!("not parsed: block nesting of {nesting} levels is over the limit of {MAX_BLOCK_NESTING}"),
        );
    }
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut p = Parser::new();
            if p.set_language(&tree_sitter_yaml::LANGUAGE.into()).is_err() {
                return None;
            }
            *slot = Some(p);
        }
        slot.as_mut()
            .and_then(|p| crate::budget::parse_tree(p, text))
    });
    let Some(tree) = tree else {
        return refused(text, "not parsed: the parser ran out of time".to_string());
    };
    let root = tree.root_node();
    let error = if root.has_error() {
        first_error(root).map(|n| n.byte_range())
    } else {
        None
    };
    let mut conv = Converter {
        src: text,
        anchors: HashMap::new(),
        depth: 0,
        duplicates: Vec::new(),
        nodes: 0,
        copied: 0,
        over: None,
    };
    let mut documents = Vec::new();
    let mut cursor = root.walk();
    for doc in root.named_children(&mut cursor) {
        if doc.kind() != "document" {
            continue;
        }
        let mut c2 = doc.walk();
        let value = doc
            .named_children(&mut c2)
            .find(|n| matches!(n.kind(), "block_node" | "flow_node"))
            .and_then(|n| conv.node(n));
        documents.push(YamlDocument {
            root: value,
            span: doc.byte_range(),
        });
        if conv.over.is_some() {
            break;
        }
    }
    if let Some(why) = conv.over {
        return refused(text, why);
    }
    YamlFile {
        documents,
        error,
        duplicate_keys: conv.duplicates,
        refused: None,
    }
}

/// The first error or missing node, in source order (iterative: trees can be deep).
fn first_error(root: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            return Some(node);
        }
        // Descend into the first child that holds an error.
        if cursor.goto_first_child() {
            loop {
                if cursor.node().has_error() {
                    break;
                }
                if !cursor.goto_next_sibling() {
                    return None;
                }
            }
        } else {
            return None;
        }
    }
}

const MAX_DEPTH: usize = 256;

struct Converter<'s> {
    src: &'s str,
    /// Anchored values and their node counts.
    anchors: HashMap<String, (YamlNode, usize)>,
    depth: usize,
    duplicates: Vec<DuplicateKey>,
    /// Nodes produced so far (copies included).
    nodes: usize,
    /// Nodes copied by anchors and aliases, against [`ALIAS_NODE_BUDGET`].
    copied: usize,
    /// Why conversion stopped (budget), if it did.
    over: Option<String>,
}

impl<'s> Converter<'s> {
    fn text(&self, n: Node<'_>) -> &'s str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    fn node(&mut self, n: Node<'_>) -> Option<YamlNode> {
        if self.depth > MAX_DEPTH || self.over.is_some() {
            return None;
        }
        self.nodes += 1;
        if self.nodes % 512 == 0 && crate::budget::exceeded() {
            self.over = Some("not parsed: the time budget for this file ran out".to_string());
            return None;
        }
        self.depth += 1;
        let out = self.node_inner(n);
        self.depth -= 1;
        out
    }

    /// Accounts for `size` copied nodes; false (and conversion stops) over budget.
    fn copy(&mut self, size: usize) -> bool {
        self.copied = self.copied.saturating_add(size);
        self.nodes = self.nodes.saturating_add(size);
        if self.copied > ALIAS_NODE_BUDGET {
            self.over = Some(format!(
                "not parsed: anchors and aliases expand to over {ALIAS_NODE_BUDGET} nodes (an alias bomb?)"
            ));
            return false;
        }
        true
    }

    fn node_inner(&mut self, n: Node<'_>) -> Option<YamlNode> {
        match n.kind() {
            "block_node" | "flow_node" => {
                let mut anchor = None;
                let mut content = None;
                let mut cursor = n.walk();
                for c in n.named_children(&mut cursor) {
                    match c.kind() {
                        "anchor" => {
                            anchor = Some(self.text(c).trim_start_matches('&').to_string());
                        }
                        "tag" | "comment" => {}
                        _ => content = Some(c),
                    }
                }
                let before = self.nodes;
                let value = match content {
                    Some(c) => self.node(c)?,
                    None => YamlNode {
                        span: n.byte_range(),
                        value: YamlValue::Null,
                    },
                };
                if let Some(a) = anchor {
                    let size = self.nodes - before + 1;
                    if !self.copy(size) {
                        return None;
                    }
                    self.anchors.insert(a, (value.clone(), size));
                }
                Some(value)
            }
            "alias" => {
                let name = self.text(n).trim_start_matches('*');
                let size = self.anchors.get(name).map_or(0, |a| a.1);
                if !self.copy(size) {
                    return None;
                }
                let target = self.anchors.get(name).map(|a| a.0.clone());
                Some(match target {
                    Some(mut v) => {
                        if !matches!(v.value, YamlValue::Map(_) | YamlValue::Seq(_)) {
                            v.span = n.byte_range();
                        }
                        v
                    }
                    None => YamlNode {
                        span: n.byte_range(),
                        value: YamlValue::Null,
                    },
                })
            }
            "block_mapping" | "flow_mapping" => Some(self.mapping(n)),
            "block_sequence" | "flow_sequence" => {
                let mut items = Vec::new();
                let mut cursor = n.walk();
                for c in n.named_children(&mut cursor) {
                    match c.kind() {
                        "block_sequence_item" => {
                            let mut c2 = c.walk();
                            let inner = c
                                .named_children(&mut c2)
                                .find(|x| matches!(x.kind(), "block_node" | "flow_node"));
                            match inner.and_then(|i| self.node(i)) {
                                Some(v) => items.push(v),
                                None => items.push(YamlNode {
                                    span: c.byte_range(),
                                    value: YamlValue::Null,
                                }),
                            }
                        }
                        "flow_node" => {
                            if let Some(v) = self.node(c) {
                                items.push(v);
                            }
                        }
                        "flow_pair" => {
                            let pairs = self.pairs_of(c);
                            items.push(YamlNode {
                                span: c.byte_range(),
                                value: YamlValue::Map(pairs),
                            });
                        }
                        _ => {}
                    }
                }
                Some(YamlNode {
                    span: n.byte_range(),
                    value: YamlValue::Seq(items),
                })
            }
            "plain_scalar" => Some(self.scalar(n, ScalarStyle::Plain)),
            "single_quote_scalar" => Some(self.scalar(n, ScalarStyle::SingleQuoted)),
            "double_quote_scalar" => Some(self.scalar(n, ScalarStyle::DoubleQuoted)),
            "block_scalar" => {
                let raw = self.text(n);
                let style = if raw.starts_with('>') {
                    ScalarStyle::Folded
                } else {
                    ScalarStyle::Literal
                };
                Some(self.scalar(n, style))
            }
            _ => None,
        }
    }

    fn pairs_of(&mut self, pair: Node<'_>) -> Vec<YamlPair> {
        let key_node = pair.child_by_field_name("key");
        let value_node = pair.child_by_field_name("value");
        let (key, key_span) = match key_node {
            Some(k) => {
                let decoded = self.node(k);
                let key = decoded
                    .as_ref()
                    .and_then(|d| d.as_str().map(str::to_string))
                    .unwrap_or_else(|| self.text(k).to_string());
                (key, k.byte_range())
            }
            None => (String::new(), pair.start_byte()..pair.start_byte()),
        };
        let value = match value_node.and_then(|v| self.node(v)) {
            Some(v) => v,
            None => YamlNode {
                span: key_span.end..key_span.end,
                value: YamlValue::Null,
            },
        };
        vec![YamlPair {
            key,
            key_span,
            value,
        }]
    }

    fn mapping(&mut self, n: Node<'_>) -> YamlNode {
        let mut pairs: Vec<YamlPair> = Vec::new();
        let mut merged: Vec<YamlPair> = Vec::new();
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            if !matches!(c.kind(), "block_mapping_pair" | "flow_pair") {
                continue;
            }
            for p in self.pairs_of(c) {
                if p.key == "<<" {
                    // The merged value is already this mapping's own copy: move, never clone.
                    match p.value.value {
                        YamlValue::Map(m) => merged.extend(m),
                        YamlValue::Seq(items) => {
                            for it in items {
                                if let YamlValue::Map(m) = it.value {
                                    merged.extend(m);
                                }
                            }
                        }
                        _ => {}
                    }
                } else {
                    if let Some(first) = pairs.iter().find(|q| q.key == p.key) {
                        let dup = DuplicateKey {
                            key: p.key.clone(),
                            first: first.key_span.clone(),
                            again: p.key_span.clone(),
                        };
                        // An alias re-converts its anchor's subtree: report each pair once.
                        if !self.duplicates.contains(&dup) {
                            self.duplicates.push(dup);
                        }
                    }
                    pairs.push(p);
                }
            }
        }
        let mut keys: std::collections::HashSet<String> =
            pairs.iter().map(|p| p.key.clone()).collect();
        for m in merged {
            if keys.insert(m.key.clone()) {
                pairs.push(m);
            }
        }
        YamlNode {
            span: n.byte_range(),
            value: YamlValue::Map(pairs),
        }
    }

    fn scalar(&self, n: Node<'_>, style: ScalarStyle) -> YamlNode {
        let range = n.byte_range();
        let raw = self.text(n);
        let mapped = match style {
            ScalarStyle::Plain => decode_plain(raw, range.start),
            ScalarStyle::SingleQuoted => decode_single(raw, range.start),
            ScalarStyle::DoubleQuoted => decode_double(raw, range.start),
            ScalarStyle::Literal | ScalarStyle::Folded => {
                decode_block(self.src, raw, range.start, style == ScalarStyle::Folded)
            }
        };
        YamlNode {
            span: range,
            value: YamlValue::Scalar(YamlScalar { mapped, style }),
        }
    }
}

/// Lines of `raw` with their start offsets (relative to `raw`), terminators stripped.
fn lines_with_offsets(raw: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in raw.bytes().enumerate() {
        if b == b'\n' {
            let mut line = &raw[start..i];
            if line.ends_with('\r') {
                line = &line[..line.len() - 1];
            }
            out.push((start, line));
            start = i + 1;
        }
    }
    if start < raw.len() {
        let mut line = &raw[start..];
        if line.ends_with('\r') {
            line = &line[..line.len() - 1];
        }
        out.push((start, line));
    }
    out
}

/// Plain multi-line scalars fold line breaks into spaces; leading/trailing blanks go.
fn decode_plain(raw: &str, host: usize) -> MappedText {
    let mut m = MappedText::new(host);
    let lines = lines_with_offsets(raw);
    let mut pending_breaks = 0usize;
    let mut first = true;
    for (off, line) in lines {
        let trimmed_start = line.len() - line.trim_start().len();
        let content = line.trim();
        if content.is_empty() {
            pending_breaks += 1;
            continue;
        }
        if !first {
            if pending_breaks > 0 {
                m.push_synthetic(&"\n".repeat(pending_breaks));
            } else {
                m.push_synthetic(" ");
            }
        }
        pending_breaks = 0;
        first = false;
        m.push_host(content, host + off + trimmed_start);
    }
    m
}

fn decode_single(raw: &str, host: usize) -> MappedText {
    let inner_start = 1;
    let inner_end = raw.len().saturating_sub(1).max(inner_start);
    let inner = raw.get(inner_start..inner_end).unwrap_or("");
    let mut m = MappedText::new(host);
    let mut run_start = 0;
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
            m.push_host(&inner[run_start..i + 1], host + inner_start + run_start);
            i += 2;
            run_start = i;
        } else if bytes[i] == b'\n' {
            m.push_host(
                inner[run_start..i].trim_end(),
                host + inner_start + run_start,
            );
            m.push_synthetic(" ");
            i += 1;
            while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
                i += 1;
            }
            run_start = i;
        } else {
            i += 1;
        }
    }
    m.push_host(&inner[run_start..], host + inner_start + run_start);
    m
}

fn decode_double(raw: &str, host: usize) -> MappedText {
    let inner_start = 1;
    let inner_end = raw.len().saturating_sub(1).max(inner_start);
    let inner = raw.get(inner_start..inner_end).unwrap_or("");
    let base = host + inner_start;
    let mut m = MappedText::new(host);
    let mut run_start = 0;
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                m.push_host(&inner[run_start..i], base + run_start);
                let Some((_, e)) = chars.next() else {
                    run_start = inner.len();
                    break;
                };
                let decoded: String = match e {
                    'n' => "\n".into(),
                    't' => "\t".into(),
                    'r' => "\r".into(),
                    '0' => "\0".into(),
                    '"' => "\"".into(),
                    '\\' => "\\".into(),
                    '/' => "/".into(),
                    ' ' => " ".into(),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut hex = String::new();
                        for _ in 0..n {
                            if let Some((_, h)) = chars.next() {
                                hex.push(h);
                            }
                        }
                        u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .map(String::from)
                            .unwrap_or_default()
                    }
                    '\n' => {
                        while let Some((_, ' ' | '\t')) = chars.peek() {
                            chars.next();
                        }
                        String::new()
                    }
                    other => other.to_string(),
                };
                m.push_synthetic(&decoded);
                run_start = chars.peek().map_or(inner.len(), |(j, _)| *j);
            }
            '\n' => {
                m.push_host(inner[run_start..i].trim_end(), base + run_start);
                m.push_synthetic(" ");
                while let Some((_, ' ' | '\t')) = chars.peek() {
                    chars.next();
                }
                run_start = chars.peek().map_or(inner.len(), |(j, _)| *j);
            }
            _ => {}
        }
    }
    if run_start < inner.len() {
        m.push_host(&inner[run_start..], base + run_start);
    }
    m
}

/// `|` and `>` blocks: header indicators, indentation detection, chomping.
fn decode_block(src: &str, raw: &str, host: usize, folded: bool) -> MappedText {
    let lines = lines_with_offsets(raw);
    let Some(((_, header), body)) = lines.split_first() else {
        return MappedText::new(host);
    };
    let header = header.split('#').next().unwrap_or("").trim();
    let mut chomp = ' ';
    let mut explicit_indent = None;
    for c in header.chars().skip(1) {
        match c {
            '-' | '+' => chomp = c,
            d if d.is_ascii_digit() => explicit_indent = d.to_digit(10).map(|v| v as usize),
            _ => {}
        }
    }
    // Indentation of the block relative to the parent's indentation: tree-sitter's
    // node starts at the header; the parent indent is that of the header's line.
    let header_line_start = src[..host].rfind('\n').map_or(0, |i| i + 1);
    let parent_indent = src[header_line_start..host]
        .chars()
        .take_while(|c| *c == ' ')
        .count();
    let indent = match explicit_indent {
        Some(i) => parent_indent + i,
        None => body
            .iter()
            .find(|(_, l)| !l.trim().is_empty())
            .map(|(_, l)| l.len() - l.trim_start_matches(' ').len())
            .unwrap_or(0),
    };
    let mut m = MappedText::new(host);
    let mut prev_blank_or_more = true;
    let mut first = true;
    let mut trailing = 0usize;
    for (off, line) in body {
        let is_blank = line.trim().is_empty();
        if is_blank {
            trailing += 1;
            continue;
        }
        let lead = line.len() - line.trim_start_matches(' ').len();
        if lead < indent {
            // Less indented than the block: belongs to the parent (tree-sitter stops earlier).
            break;
        }
        if !first {
            let more_indented = lead > indent || line[lead..].starts_with('\t');
            if folded && trailing == 0 && !prev_blank_or_more && !more_indented {
                m.push_synthetic(" ");
            } else if folded && !prev_blank_or_more && !more_indented {
                for _ in 0..trailing {
                    m.push_synthetic("\n");
                }
            } else {
                m.push_synthetic("\n");
                for _ in 0..trailing {
                    m.push_synthetic("\n");
                }
            }
            prev_blank_or_more = more_indented;
        } else {
            for _ in 0..trailing {
                m.push_synthetic("\n");
            }
            prev_blank_or_more = lead > indent;
        }
        trailing = 0;
        first = false;
        m.push_host(
            &line[indent.min(line.len())..],
            host + off + indent.min(line.len()),
        );
    }
    match chomp {
        '-' => {}
        '+' => {
            if !first {
                m.push_synthetic("\n");
            }
            for _ in 0..trailing {
                m.push_synthetic("\n");
            }
        }
        _ => {
            if !first {
                m.push_synthetic("\n");
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> YamlNode {
        let f = parse(text);
        assert!(f.error.is_none(), "parse error in {text:?}");
        f.documents[0].root.clone().unwrap()
    }

    #[test]
    fn mapping_routes_and_spans() {
        let text = "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo hi\n";
        let r = root(text);
        let steps = r.at(&["jobs", "build", "steps"]).unwrap().as_seq().unwrap();
        assert_eq!(steps.len(), 2);
        let uses = steps[0].get("uses").unwrap();
        assert_eq!(uses.as_str(), Some("actions/checkout@v4"));
        assert_eq!(&text[uses.span.clone()], "actions/checkout@v4");
    }

    #[test]
    fn literal_block_maps_back_to_host_lines() {
        let text = "steps:\n  - run: |\n      set -e\n      echo \"$X\"\n";
        let r = root(text);
        let run = r.get("steps").unwrap().as_seq().unwrap()[0]
            .get("run")
            .unwrap();
        let s = run.as_scalar().unwrap();
        assert_eq!(s.as_str(), "set -e\necho \"$X\"\n");
        let echo = s.as_str().find("echo").unwrap();
        let host = s.mapped.to_host(echo);
        assert_eq!(&text[host..host + 4], "echo");
    }

    #[test]
    fn folded_and_chomping() {
        let r = root("a: >-\n  one\n  two\n\n  three\nb: |+\n  x\n\n");
        assert_eq!(r.get("a").unwrap().as_str(), Some("one two\nthree"));
        assert_eq!(r.get("b").unwrap().as_str(), Some("x\n\n"));
    }

    #[test]
    fn quoted_scalars_decode() {
        let r = root("a: 'it''s'\nb: \"tab\\tend\"\nc: \"multi\n  line\"\n");
        assert_eq!(r.get("a").unwrap().as_str(), Some("it's"));
        assert_eq!(r.get("b").unwrap().as_str(), Some("tab\tend"));
        assert_eq!(r.get("c").unwrap().as_str(), Some("multi line"));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let text = "x-limits: &limits\n  cpus: '0.5'\n  memory: 512M\nservices:\n  api:\n    <<: *limits\n    image: api:1.0\n";
        let r = root(text);
        let api = r.at(&["services", "api"]).unwrap();
        assert_eq!(api.get("memory").unwrap().as_str(), Some("512M"));
        assert_eq!(api.get("image").unwrap().as_str(), Some("api:1.0"));
    }

    #[test]
    fn multi_document_and_crlf() {
        let text = "kind: A\r\n---\r\nkind: B\r\n";
        let f = parse(text);
        assert_eq!(f.documents.len(), 2);
        assert_eq!(
            f.documents[1]
                .root
                .as_ref()
                .unwrap()
                .get("kind")
                .unwrap()
                .as_str(),
            Some("B")
        );
    }

    #[test]
    fn flow_collections() {
        let r = root("on: [push, pull_request]\nenv: {A: 1, B: two}\n");
        assert_eq!(r.get("on").unwrap().strings(), vec!["push", "pull_request"]);
        assert_eq!(r.at(&["env", "B"]).unwrap().as_str(), Some("two"));
    }

    #[test]
    fn duplicate_keys_are_recorded() {
        let f = parse("jobs:\n  a:\n    env: {X: 1}\n    env: {Y: 2}\n  b: {}\n");
        assert_eq!(f.duplicate_keys.len(), 1);
        assert_eq!(f.duplicate_keys[0].key, "env");
        let f = parse("base: &b {x: 1}\nchild:\n  <<: *b\n  x: 2\n");
        assert!(f.duplicate_keys.is_empty());
    }

    #[test]
    fn broken_yaml_reports_error_without_panic() {
        let f = parse("a: [1, 2\nb: : :\n  - x\n\t- y");
        assert!(f.error.is_some());
    }
}
