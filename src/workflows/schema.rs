//! What GitHub would reject: a workflow or action checked against the published
//! SchemaStore schemas (bundled in `data/schemas/`, nothing fetched at run time).
//!
//! The YAML tree is converted to JSON the way GitHub reads it (YAML 1.2 core
//! scalars: `on` and `yes` are strings, `3.10` is a number) while every JSON
//! pointer is mapped back to the YAML span it came from, so each violation is
//! reported at the key a person would fix, with a message written for people
//! rather than the validator's dump of the instance.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::{Map, Number, Value};

use crate::parse::yaml::{ScalarStyle, YamlNode, YamlValue};

/// Which schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.github/workflows/*.yml`.
    Workflow,
    /// `action.yml`.
    Action,
}

/// One violation, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where to fix it.
    pub span: Range<usize>,
    /// Dotted path of the offending value (`jobs.build.steps[2]`), empty for the root.
    pub path: String,
    /// What is wrong, in words.
    pub message: String,
}

fn validator(kind: Kind) -> Option<&'static Validator> {
    static WORKFLOW: OnceLock<Option<Validator>> = OnceLock::new();
    static ACTION: OnceLock<Option<Validator>> = OnceLock::new();
    let (cell, text) = match kind {
        Kind::Workflow => (
            &WORKFLOW,
            include_str!("../../data/schemas/github-workflow.schema.json"),
        ),
        Kind::Action => (
            &ACTION,
            include_str!("../../data/schemas/github-action.schema.json"),
        ),
    };
    cell.get_or_init(|| {
        let schema: Value = serde_json::from_str(text).ok()?;
        jsonschema::options()
            .should_validate_formats(false)
            .build(&schema)
            .ok()
    })
    .as_ref()
}

/// JSON value of a YAML node, recording the YAML span of every JSON pointer
/// (values in `spans`, keys in `keys`).
struct Converter {
    spans: HashMap<String, Range<usize>>,
    keys: HashMap<String, Range<usize>>,
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

impl Converter {
    fn value(&mut self, node: &YamlNode, pointer: &str) -> Value {
        self.spans.insert(pointer.to_string(), node.span.clone());
        match &node.value {
            YamlValue::Null => Value::Null,
            YamlValue::Scalar(s) => scalar(s.as_str(), s.style),
            YamlValue::Seq(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| self.value(it, &format!("{pointer}/{i}")))
                    .collect(),
            ),
            YamlValue::Map(pairs) => {
                let mut m = Map::new();
                for p in pairs {
                    let ptr = format!("{pointer}/{}", escape(&p.key));
                    self.keys.insert(ptr.clone(), p.key_span.clone());
                    let v = self.value(&p.value, &ptr);
                    m.entry(p.key.clone()).or_insert(v);
                }
                Value::Object(m)
            }
        }
    }
}

/// A YAML 1.2 core-schema scalar as JSON.
fn scalar(s: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(s.to_string());
    }
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = s.parse::<i64>() {
            return Value::Number(i.into());
        }
    }
    if let Some(h) = s.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(h, 16) {
            return Value::Number(i.into());
        }
    }
    if let Some(o) = s.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(o, 8) {
            return Value::Number(i.into());
        }
    }
    let float_like = s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if float_like {
        if let Some(n) = s.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(s.to_string())
}

/// `/jobs/build/steps/2` → `jobs.build.steps[2]`.
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.bytes().all(|b| b.is_ascii_digit()) && !seg.is_empty() {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    out
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("`{s}`"),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

/// The errors that explain an `anyOf`/`oneOf` failure best: those of the branch
/// that got furthest (deepest instance path), then fewest errors.
fn best_branch<'e>(
    context: &'e [Vec<ValidationError<'static>>],
) -> Option<&'e Vec<ValidationError<'static>>> {
    context.iter().filter(|b| !b.is_empty()).max_by_key(|b| {
        let depth = b
            .iter()
            .map(|e| e.instance_path().as_str().matches('/').count())
            .max()
            .unwrap_or(0);
        (depth, std::cmp::Reverse(b.len()))
    })
}

/// Turns one validator error into violations, descending into alternatives.
fn explain(e: &ValidationError<'_>, conv: &Converter, out: &mut Vec<Violation>, depth: usize) {
    let pointer = e.instance_path().as_str().to_string();
    let span = conv.spans.get(&pointer).cloned().unwrap_or(0..0);
    let path = dotted(&pointer);
    let push = |out: &mut Vec<Violation>, span: Range<usize>, message: String| {
        let v = Violation {
            span,
            path: path.clone(),
            message,
        };
        if !out.contains(&v) {
            out.push(v);
        }
    };
    match e.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            for key in unexpected {
                let kptr = format!("{pointer}/{}", escape(key));
                let kspan = conv.keys.get(&kptr).cloned().unwrap_or(span.clone());
                push(
                    out,
                    kspan,
                    format!("`{key}` is not a key GitHub accepts here"),
                );
            }
        }
        ValidationErrorKind::Required { property } => {
            push(
                out,
                span.clone(),
                format!("`{}` is required here", property.as_str().unwrap_or("?")),
            );
        }
        ValidationErrorKind::Type { kind } => {
            let want = match kind {
                jsonschema::error::TypeKind::Single(t) => t.to_string(),
                jsonschema::error::TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            push(
                out,
                span.clone(),
                format!("{} must be {want}", short(e.instance())),
            );
        }
        ValidationErrorKind::Enum { options } => {
            let opts: Vec<String> = options
                .as_array()
                .map(|a| a.iter().take(8).map(short).collect())
                .unwrap_or_default();
            push(
                out,
                span.clone(),
                format!("{} is not one of {}", short(e.instance()), opts.join(", ")),
            );
        }
        ValidationErrorKind::Pattern { .. } => {
            push(
                out,
                span.clone(),
                format!(
                    "{} does not have the form GitHub expects",
                    short(e.instance())
                ),
            );
        }
        ValidationErrorKind::MinItems { limit } => {
            push(out, span.clone(), format!("needs at least {limit} item(s)"));
        }
        ValidationErrorKind::MinProperties { limit } => {
            push(out, span.clone(), format!("needs at least {limit} key(s)"));
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            match best_branch(context) {
                Some(branch) if depth < 8 => {
                    for sub in branch {
                        explain(sub, conv, out, depth + 1);
                    }
                }
                _ => push(
                    out,
                    span.clone(),
                    "matches none of the forms GitHub accepts here".to_string(),
                ),
            }
        }
        ValidationErrorKind::FalseSchema => {
            push(out, span.clone(), "is not allowed here".to_string());
        }
        _ => {
            let text = e.to_string();
            let text: String = text.chars().take(160).collect();
            push(out, span.clone(), text);
        }
    }
}

/// Validates a document root; an empty list when GitHub would accept it.
pub fn validate(root: &YamlNode, kind: Kind) -> Vec<Violation> {
    let Some(v) = validator(kind) else {
        return Vec::new();
    };
    let mut conv = Converter {
        spans: HashMap::new(),
        keys: HashMap::new(),
    };
    let json = conv.value(root, "");
    let mut out = Vec::new();
    for e in v.iter_errors(&json) {
        explain(&e, &conv, &mut out, 0);
    }
    out.retain(|v| !github_accepts(kind, v));
    out
}

/// Constraints of the SchemaStore schemas that GitHub does not enforce: maintained
/// repositories run workflows with `strategy:` and no `matrix` (only `fail-fast`),
/// with `needs: []`, with an empty event filter (`on.push.tags:` with no value: no
/// filter) or an empty reusable-workflow secret declaration (`secrets: {TOKEN: }`,
/// which GitHub's own workflow parser allows), local actions with no `description`
/// (of the action or of an input), extra keys on an action's root or inputs, and an
/// input's boolean or number `default`.
fn github_accepts(kind: Kind, v: &Violation) -> bool {
    match kind {
        Kind::Workflow => {
            (v.path.ends_with(".strategy") && v.message == "`matrix` is required here")
                || (v.path.ends_with(".needs") && v.message.starts_with("[] "))
                || (v.message.starts_with("null must be") && empty_value_allowed(&v.path))
                || (v.message.starts_with("`${{")
                    && v.message.contains(" must be ")
                    && expression_allowed(&v.path))
        }
        Kind::Action => {
            let input = v.path.strip_prefix("inputs.");
            let extra_key = v.message.ends_with("is not a key GitHub accepts here");
            (v.message == "`description` is required here"
                && (v.path.is_empty() || input.is_some()))
                // The runner's action manifest (actions/runner `action_yaml.json`) takes
                // the action's root and each input as loose mappings: any other key
                // (`type: boolean` on an input) is ignored, not refused.
                || (extra_key && (v.path.is_empty() || input.is_some_and(|i| !i.contains('.'))))
                // A boolean or number default is read as its string (`default: false`).
                || (input.is_some_and(|i| i.ends_with(".default"))
                    && v.message.split(' ').next().is_some_and(|value| {
                        matches!(value, "true" | "false") || value.parse::<f64>().is_ok()
                    }))
        }
    }
}

/// Job keys whose whole value GitHub's workflow parser lets an expression compute
/// (`strategy: ${{ fromJson(needs.init.outputs.strategy) }}`, the docker-library
/// pattern; `runs-on: ${{ matrix.os }}`): the schemas type them as mappings or numbers
/// only, the runner evaluates the expression when the job starts.
fn expression_allowed(path: &str) -> bool {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["jobs", _, key] => matches!(
            *key,
            "strategy"
                | "runs-on"
                | "environment"
                | "container"
                | "services"
                | "env"
                | "with"
                | "secrets"
                | "timeout-minutes"
                | "continue-on-error"
                | "concurrency"
        ),
        ["jobs", _, "strategy", key] => {
            matches!(*key, "matrix" | "fail-fast" | "max-parallel")
        }
        ["jobs", _, "services", _] => true,
        _ => false,
    }
}

/// `on.<event>.<filter>` and `on.workflow_call.secrets.<name>`: places GitHub takes an
/// empty value as "nothing here".
fn empty_value_allowed(path: &str) -> bool {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["on", _, filter] => matches!(
            *filter,
            "branches"
                | "branches-ignore"
                | "tags"
                | "tags-ignore"
                | "paths"
                | "paths-ignore"
                | "types"
        ),
        ["on", "workflow_call", "secrets", _] => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn violations(text: &str, kind: Kind) -> Vec<Violation> {
        let y = yaml::parse(text);
        validate(y.documents[0].root.as_ref().unwrap(), kind)
    }

    #[test]
    fn schemas_compile() {
        assert!(validator(Kind::Workflow).is_some());
        assert!(validator(Kind::Action).is_some());
    }

    #[test]
    fn valid_workflow_passes() {
        let v = violations(
            "on: [push]\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n        env:\n          PY: 3.10\n",
            Kind::Workflow,
        );
        assert!(v.is_empty(), "{v:?}");
    }

    #[test]
    fn computed_strategy_is_accepted_but_a_plain_string_is_not() {
        let computed = violations(
            "on: push\njobs:\n  t:\n    strategy: ${{ fromJson(needs.init.outputs.strategy) }}\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
            Kind::Workflow,
        );
        assert!(computed.is_empty(), "{computed:?}");
        let plain = violations(
            "on: push\njobs:\n  t:\n    strategy: fast\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
            Kind::Workflow,
        );
        assert_eq!(plain.len(), 1, "{plain:?}");
        assert_eq!(plain[0].path, "jobs.t.strategy");
    }

    #[test]
    fn unknown_keys_and_missing_parts_are_located() {
        let text =
            "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    step:\n      - run: x\n";
        let v = violations(text, Kind::Workflow);
        assert!(!v.is_empty());
        assert!(
            v.iter()
                .any(|x| x.message.contains("`step`") && &text[x.span.clone()] == "step"),
            "{v:?}"
        );
    }

    #[test]
    fn scalars_follow_yaml_1_2() {
        assert_eq!(scalar("on", ScalarStyle::Plain), Value::String("on".into()));
        assert_eq!(
            scalar("yes", ScalarStyle::Plain),
            Value::String("yes".into())
        );
        assert_eq!(scalar("3.10", ScalarStyle::Plain), serde_json::json!(3.1));
        assert_eq!(
            scalar("'1'", ScalarStyle::SingleQuoted),
            Value::String("'1'".into())
        );
        assert_eq!(scalar("10", ScalarStyle::Plain), serde_json::json!(10));
        assert_eq!(dotted("/jobs/a~1b/steps/2"), "jobs.a/b.steps[2]");
    }
}
