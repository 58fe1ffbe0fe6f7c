//! Named numeric parameters and where their values drift apart: the fact behind a
//! lead's "the same CatBoost parameters in four files, one source" (seed 004's #69).
//!
//! A *parameter block* is a group of names set to number literals in one place: a
//! class body (a dataclass's `iterations: int = 100`), a module's top-level
//! assignments, a dict literal with string keys (`{"lr": 0.1, …}`), or a mapping
//! of a repository configuration file (`training.catboost` in a YAML file). Two
//! blocks in different files that share at least [`MIN_SHARED`] names, agree on
//! at least one and differ on another describe the same parameter set with values
//! that drifted apart: a change made in one place that did not reach the other.
//!
//! A module's `.get("key", number)` fallbacks on one mapping are a block too, but
//! one compared with configuration files only: `_CATBOOST.get("od_wait", 20)` beside
//! `od_wait: 50` in the `catboost` mapping the module loads is the value the code
//! runs with the day the key goes missing (seed 004's gap between the trainer and
//! `training_config.yaml`).
//!
//! What is left out, because its values are meant to differ: call arguments (each
//! call passes its own), enumerations and code tables (`class Status: QUEUED =
//! 10`), dict literals inside lists (presets, variants, records) or holding lists
//! of records (payloads), per-environment and example configuration files, two
//! configuration files (each environment sets its own), and modules of one plugin
//! interface (each plugin tunes its own API).

use std::collections::{BTreeMap, BTreeSet};

use crate::parse::python::PythonFile;

/// Fewer shared names than this between two blocks is a coincidence (`timeout`,
/// `retries`).
pub const MIN_SHARED: usize = 3;

/// One named number in a block.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name as written (`iterations`, `MAX_RETRIES`).
    pub name: String,
    /// The value as written (`100`, `1e-4`).
    pub text: String,
    /// The value, for comparison (`200` and `200.0` agree).
    pub value: f64,
    /// 1-based line.
    pub line: usize,
}

/// A group of named numbers set in one place.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamBlock {
    /// The file.
    pub path: String,
    /// 1-based line where the block starts.
    pub line: usize,
    /// What the block is, for people: "class `TrainingConfig`", "`DEFAULTS`",
    /// "`training.catboost`", "module constants".
    pub label: String,
    /// Whether it is a configuration file's mapping (not code).
    pub config: bool,
    /// Whether it is the fallback defaults of one mapping's `.get("key", number)`
    /// reads in a module: compared with configuration files only (the value the
    /// code uses when the key is missing there).
    pub fallback: bool,
    /// Its parameters, at most one per name (the first).
    pub params: Vec<Param>,
}

impl ParamBlock {
    /// The parameter of a name, compared without case (`MAX_RETRIES`, `max_retries`).
    fn get(&self, key: &str) -> Option<&Param> {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(key))
    }

    /// The names, lower-cased.
    fn keys(&self) -> BTreeSet<String> {
        self.params
            .iter()
            .map(|p| p.name.to_ascii_lowercase())
            .collect()
    }
}

/// A Python number literal's value (`10_000`, `1e-4`, `0x10`, `-3`), `None` for
/// anything else.
fn number(text: &str) -> Option<f64> {
    let t: String = text.chars().filter(|c| *c != '_').collect();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim().to_string()),
        None => (false, t),
    };
    let v = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()? as f64
    } else if t.ends_with(['j', 'J', 'l', 'L']) {
        return None;
    } else {
        t.parse::<f64>().ok()?
    };
    v.is_finite().then_some(if neg { -v } else { v })
}

/// The value of a Python expression node when it is a number literal.
fn py_number(n: tree_sitter::Node<'_>, src: &[u8]) -> Option<(String, f64)> {
    let ok = match n.kind() {
        "integer" | "float" => true,
        "unary_operator" => {
            n.child_by_field_name("operator")
                .and_then(|o| o.utf8_text(src).ok())
                == Some("-")
                && n.child_by_field_name("argument")
                    .is_some_and(|a| matches!(a.kind(), "integer" | "float"))
        }
        _ => false,
    };
    if !ok {
        return None;
    }
    let text = n.utf8_text(src).ok()?.to_string();
    let v = number(&text)?;
    Some((text, v))
}

/// Named numbers assigned in a statement block (a class body or the module):
/// `name = 5`, `name: int = 5`.
fn assigned_numbers(body: tree_sitter::Node<'_>, src: &[u8]) -> Vec<Param> {
    let mut out: Vec<Param> = Vec::new();
    for (left, right) in crate::parse::python::block_assignments(body) {
        if left.kind() != "identifier" {
            continue;
        }
        let Some((text, value)) = py_number(right, src) else {
            continue;
        };
        let name = left.utf8_text(src).unwrap_or("").to_string();
        if !out.iter().any(|p| p.name.eq_ignore_ascii_case(&name)) {
            out.push(Param {
                name,
                text,
                value,
                line: left.start_position().row + 1,
            });
        }
    }
    out
}

/// Whether a class is an enumeration or a table of codes, whose numbers name
/// cases rather than tune anything: an `Enum`/`Flag`/`Choices` base, or upper-case
/// names bound to distinct integers (`QUEUED = 10`, `RINGING = 20`).
fn is_code_table(class: tree_sitter::Node<'_>, params: &[Param], src: &[u8]) -> bool {
    let bases = class
        .child_by_field_name("superclasses")
        .and_then(|b| b.utf8_text(src).ok())
        .unwrap_or("");
    if ["Enum", "Flag", "Choices"]
        .iter()
        .any(|b| bases.contains(b))
    {
        return true;
    }
    let values: BTreeSet<u64> = params
        .iter()
        .filter(|p| p.value.fract() == 0.0)
        .map(|p| p.value.to_bits())
        .collect();
    values.len() == params.len()
        && params
            .iter()
            .all(|p| !p.name.chars().any(|c| c.is_ascii_lowercase()))
}

/// The name a dict literal is bound to (`DEFAULTS = {…}`, `"defaults": {…}`,
/// `defaults={…}`), for its label.
fn dict_name(d: tree_sitter::Node<'_>, src: &[u8]) -> Option<String> {
    let p = d.parent()?;
    let name = match p.kind() {
        "assignment" => p.child_by_field_name("left")?,
        "pair" => p.child_by_field_name("key")?,
        "keyword_argument" => p.child_by_field_name("name")?,
        _ => return None,
    };
    let t = name.utf8_text(src).ok()?;
    Some(t.trim_matches(['"', '\'']).to_string())
}

/// Whether a dict literal is data rather than a parameter set: inside a list,
/// tuple or set (one preset, variant or record of several), or holding a list of
/// dicts (a payload with records).
fn is_data(d: tree_sitter::Node<'_>) -> bool {
    let mut up = d.parent();
    while let Some(n) = up {
        match n.kind() {
            "list" | "tuple" | "set" | "list_comprehension" => return true,
            "function_definition" | "class_definition" | "module" => break,
            _ => up = n.parent(),
        }
    }
    let mut c = d.walk();
    let records = d.named_children(&mut c).any(|pair| {
        pair.child_by_field_name("value").is_some_and(|v| {
            let mut c2 = v.walk();
            let any =
                v.kind() == "list" && v.named_children(&mut c2).any(|x| x.kind() == "dictionary");
            any
        })
    });
    records
}

/// A dict literal's string keys bound to numbers.
/// A plain string key written like a name (`"od_wait"`, not an f-string or `"a b"`).
fn key_name<'s>(k: tree_sitter::Node<'_>, src: &'s [u8]) -> Option<&'s str> {
    if k.kind() != "string" {
        return None;
    }
    let mut kc = k.walk();
    if k.named_children(&mut kc)
        .any(|x| x.kind() == "interpolation")
    {
        return None;
    }
    let name = k.utf8_text(src).ok()?.trim_matches(['"', '\'']);
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
}

fn dict_numbers(d: tree_sitter::Node<'_>, src: &[u8]) -> Vec<Param> {
    let mut out: Vec<Param> = Vec::new();
    let mut c = d.walk();
    for pair in d.named_children(&mut c) {
        if pair.kind() != "pair" {
            continue;
        }
        let (Some(k), Some(v)) = (
            pair.child_by_field_name("key"),
            pair.child_by_field_name("value"),
        ) else {
            continue;
        };
        let Some(name) = key_name(k, src) else {
            continue;
        };
        let Some((text, value)) = py_number(v, src) else {
            continue;
        };
        if !out.iter().any(|p| p.name.eq_ignore_ascii_case(name)) {
            out.push(Param {
                name: name.to_string(),
                text,
                value,
                line: pair.start_position().row + 1,
            });
        }
    }
    out
}

/// The parameter blocks of a Python module: its class bodies, its top-level
/// assignments and its dict literals, each with at least [`MIN_SHARED`] numbers.
pub fn python_blocks(path: &str, text: &str, py: &PythonFile<'_>) -> Vec<ParamBlock> {
    // A block needs three `name = number` / `"name": number` places: a cheap test
    // of the text first.
    let numeric = text
        .split(['=', ':'])
        .skip(1)
        .filter(|r| {
            let r = r.trim_start();
            let r = r.strip_prefix('-').unwrap_or(r).trim_start();
            r.starts_with(|c: char| c.is_ascii_digit())
        })
        .count();
    let gets = text.matches(".get(").count();
    if numeric < MIN_SHARED && gets < MIN_SHARED {
        return Vec::new();
    }
    let Some(tree) = py.tree() else {
        return Vec::new();
    };
    let src = text.as_bytes();
    let mut out = Vec::new();
    let mut push = |line: usize, label: String, params: Vec<Param>| {
        if params.len() >= MIN_SHARED {
            out.push(ParamBlock {
                path: path.to_string(),
                line,
                label,
                config: false,
                fallback: false,
                params,
            });
        }
    };
    let root = tree.root();
    let mut fallbacks = Vec::new();
    if gets >= MIN_SHARED {
        out_fallbacks(path, tree.descendants(root), src, &mut fallbacks);
    }
    let top = assigned_numbers(root, src);
    let first = top.first().map_or(1, |p| p.line);
    push(first, "module constants".to_string(), top);
    for n in tree.descendants(root) {
        match n.kind() {
            "class_definition" => {
                let Some(body) = n.child_by_field_name("body") else {
                    continue;
                };
                let params = assigned_numbers(body, src);
                if params.len() < MIN_SHARED || is_code_table(n, &params, src) {
                    continue;
                }
                let name = n
                    .child_by_field_name("name")
                    .and_then(|x| x.utf8_text(src).ok())
                    .unwrap_or("");
                push(
                    n.start_position().row + 1,
                    format!("class `{name}`"),
                    params,
                );
            }
            "dictionary" => {
                let params = dict_numbers(n, src);
                if params.len() < MIN_SHARED || is_data(n) {
                    continue;
                }
                let label = dict_name(n, src)
                    .map_or_else(|| "a dict literal".to_string(), |d| format!("`{d}`"));
                push(n.start_position().row + 1, label, params);
            }
            _ => {}
        }
    }
    out.extend(fallbacks);
    out
}

/// The fallback defaults of each mapping a module reads with `.get("key", number)`
/// (`_CATBOOST.get("od_wait", 20)`), one block per receiver with at least
/// [`MIN_SHARED`] such keys. The environment (`os.environ.get`) is left out: its
/// names are variables, not a configuration file's keys.
fn out_fallbacks<'t>(
    path: &str,
    nodes: impl Iterator<Item = tree_sitter::Node<'t>>,
    src: &[u8],
    out: &mut Vec<ParamBlock>,
) {
    let mut by_receiver: BTreeMap<String, Vec<Param>> = BTreeMap::new();
    for n in nodes {
        if n.kind() != "call" {
            continue;
        }
        let Some(f) = n.child_by_field_name("function") else {
            continue;
        };
        if f.kind() != "attribute"
            || f.child_by_field_name("attribute")
                .and_then(|a| a.utf8_text(src).ok())
                != Some("get")
        {
            continue;
        }
        let Some(receiver) = f
            .child_by_field_name("object")
            .and_then(|o| o.utf8_text(src).ok())
        else {
            continue;
        };
        if receiver.ends_with("environ") || receiver.contains('(') || receiver.contains('\n') {
            continue;
        }
        let Some(args) = n.child_by_field_name("arguments") else {
            continue;
        };
        let mut c = args.walk();
        let a: Vec<tree_sitter::Node<'_>> = args.named_children(&mut c).collect();
        let [k, v] = a.as_slice() else {
            continue;
        };
        let Some(name) = key_name(*k, src) else {
            continue;
        };
        let Some((text, value)) = py_number(*v, src) else {
            continue;
        };
        let params = by_receiver.entry(receiver.to_string()).or_default();
        if !params.iter().any(|p| p.name.eq_ignore_ascii_case(name)) {
            params.push(Param {
                name: name.to_string(),
                text,
                value,
                line: n.start_position().row + 1,
            });
        }
    }
    for (receiver, params) in by_receiver {
        if params.len() >= MIN_SHARED {
            out.push(ParamBlock {
                path: path.to_string(),
                line: params.first().map_or(1, |p| p.line),
                label: format!("`{receiver}.get(…)`"),
                config: false,
                fallback: true,
                params,
            });
        }
    }
}

/// Whether a configuration file is one whose mappings are read for parameter
/// blocks: a YAML file named or placed as configuration (`config/…`,
/// `training_config.yaml`, `settings.yml`, `params.yaml`), not an example,
/// template or per-environment variant (those are meant to differ), not a CI,
/// compose or Kubernetes file.
pub fn is_parameter_config(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = crate::model::paths::file_name(&lower);
    if !(name.ends_with(".yaml") || name.ends_with(".yml")) {
        return false;
    }
    let stem = name.trim_end_matches(".yaml").trim_end_matches(".yml");
    let in_config_dir = lower
        .split('/')
        .rev()
        .skip(1)
        .any(|d| matches!(d, "config" | "configs" | "conf" | "settings"));
    let named = ["config", "settings", "params", "hyperparam"]
        .iter()
        .any(|w| stem.contains(w));
    if !(in_config_dir || named) {
        return false;
    }
    let variant = stem.split(['.', '_', '-']).any(|w| {
        matches!(
            w,
            "example"
                | "examples"
                | "sample"
                | "template"
                | "dist"
                | "default"
                | "defaults"
                | "dev"
                | "development"
                | "local"
                | "test"
                | "testing"
                | "ci"
                | "staging"
                | "stage"
                | "prod"
                | "production"
        )
    });
    let other = lower.contains(".github/")
        || name.starts_with("docker-compose")
        || name.starts_with("compose.")
        || name.starts_with(".pre-commit")
        || lower.contains("/templates/")
        || lower.contains("/k8s/")
        || lower.contains("/kubernetes/");
    !variant && !other
}

/// The parameter blocks of a configuration file: each mapping with at least
/// [`MIN_SHARED`] plain number scalars, labelled by its key path.
pub fn yaml_blocks(path: &str, text: &str) -> Vec<ParamBlock> {
    if !is_parameter_config(path) {
        return Vec::new();
    }
    let file = crate::parse::yaml::parse(text);
    let line_of = |off: usize| {
        text[..crate::source::floor_char_boundary(text, off)]
            .bytes()
            .filter(|b| *b == b'\n')
            .count()
            + 1
    };
    let mut out = Vec::new();
    fn walk(
        n: &crate::parse::yaml::YamlNode,
        route: &mut Vec<String>,
        path: &str,
        line_of: &dyn Fn(usize) -> usize,
        out: &mut Vec<ParamBlock>,
    ) {
        use crate::parse::yaml::{ScalarStyle, YamlValue};
        match &n.value {
            YamlValue::Map(pairs) => {
                let mut params: Vec<Param> = Vec::new();
                for p in pairs {
                    let Some(s) = p.value.as_scalar() else {
                        continue;
                    };
                    if s.style != ScalarStyle::Plain {
                        continue;
                    }
                    let Some(value) = number(s.as_str()) else {
                        continue;
                    };
                    if !params.iter().any(|x| x.name.eq_ignore_ascii_case(&p.key)) {
                        params.push(Param {
                            name: p.key.clone(),
                            text: s.as_str().to_string(),
                            value,
                            line: line_of(p.key_span.start),
                        });
                    }
                }
                if params.len() >= MIN_SHARED {
                    out.push(ParamBlock {
                        path: path.to_string(),
                        line: line_of(n.span.start),
                        label: if route.is_empty() {
                            "the top level".to_string()
                        } else {
                            format!("`{}`", route.join("."))
                        },
                        config: true,
                        fallback: false,
                        params,
                    });
                }
                for p in pairs {
                    route.push(p.key.clone());
                    walk(&p.value, route, path, line_of, out);
                    route.pop();
                }
            }
            // A list's mappings are records or variants, not one parameter set.
            YamlValue::Seq(_) | YamlValue::Scalar(_) | YamlValue::Null => {}
        }
    }
    if file.refused.is_some() {
        return out;
    }
    for doc in file.documents.iter().filter_map(|d| d.root.as_ref()) {
        walk(doc, &mut Vec::new(), path, &line_of, &mut out);
    }
    out
}

/// Two places that set the same parameters to different values.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    /// The place whose values no other place confirms (the one to change first);
    /// when neither is confirmed, the code rather than the configuration file.
    pub here: ParamBlock,
    /// The other place.
    pub there: ParamBlock,
    /// Names set alike in both (what says it is the same parameter set).
    pub same: Vec<String>,
    /// Names set differently: (name, value here, value there).
    pub differ: Vec<(String, String, String)>,
}

/// Whether two blocks share at least [`MIN_SHARED`] names and agree on all.
fn agree(a: &ParamBlock, b: &ParamBlock) -> bool {
    let common: Vec<String> = a.keys().intersection(&b.keys()).cloned().collect();
    common.len() >= MIN_SHARED
        && common
            .iter()
            .all(|k| a.get(k).map(|p| p.value) == b.get(k).map(|p| p.value))
}

/// Parameter sets that drifted apart between files (see the module docs), each
/// pair once, `here` the unconfirmed side. `plugins` says whether two files are
/// modules of one plugin interface (each tunes its own API: not a drift).
pub fn drifts(blocks: &[ParamBlock], plugins: &dyn Fn(&str, &str) -> bool) -> Vec<Drift> {
    // A block is confirmed on some names when a third place, in another file,
    // sets them alike and agrees with it on everything they share: its value is
    // the one the repository means (`training.catboost` in the config and the
    // trainer that copies it), and a pair where both sides are confirmed is two
    // parameter sets crossed (the standard and the high-value selection).
    let confirmed = |i: usize, j: usize, names: &[String]| {
        let a = &blocks[i];
        blocks.iter().enumerate().any(|(k, c)| {
            k != i
                && k != j
                && c.path != a.path
                && names.iter().all(|n| c.get(n).is_some())
                && agree(a, c)
        })
    };
    let mut out = Vec::new();
    for i in 0..blocks.len() {
        for j in i + 1..blocks.len() {
            let (a, b) = (&blocks[i], &blocks[j]);
            // Fallback defaults are compared with configuration files only: two
            // modules' fallbacks, or a module's constants, may differ on purpose.
            if a.path == b.path
                || (a.config && b.config)
                || (a.fallback && !b.config)
                || (b.fallback && !a.config)
            {
                continue;
            }
            let common: Vec<String> = a.keys().intersection(&b.keys()).cloned().collect();
            if common.len() < MIN_SHARED {
                continue;
            }
            let mut same = Vec::new();
            let mut differ = Vec::new();
            for k in &common {
                let (Some(x), Some(y)) = (a.get(k), b.get(k)) else {
                    continue;
                };
                if x.value == y.value {
                    same.push(x.name.clone());
                } else {
                    differ.push((x.name.clone(), x.text.clone(), y.text.clone()));
                }
            }
            if same.is_empty() || differ.is_empty() || plugins(&a.path, &b.path) {
                continue;
            }
            let names: Vec<String> = differ.iter().map(|d| d.0.to_ascii_lowercase()).collect();
            let (ca, cb) = (confirmed(i, j, &names), confirmed(j, i, &names));
            if ca && cb {
                continue;
            }
            // The configuration file is the source the repository means: when
            // nothing else decides, the code that disagrees with it is the place.
            let b_is_here = if ca == cb { a.config } else { ca };
            let (here, there, differ) = if b_is_here {
                (
                    b.clone(),
                    a.clone(),
                    differ
                        .into_iter()
                        .map(|(n, x, y)| {
                            let n = b.get(&n).map_or(n, |p| p.name.clone());
                            (n, y, x)
                        })
                        .collect(),
                )
            } else {
                (a.clone(), b.clone(), differ)
            };
            out.push(Drift {
                here,
                there,
                same,
                differ,
            });
        }
    }
    out
}

/// Drifts grouped into parameter sets: blocks linked by a drift are one set, one
/// design task. Each group lists its drifts.
pub fn drift_groups(drifts: Vec<Drift>) -> Vec<Vec<Drift>> {
    let key = |b: &ParamBlock| (b.path.clone(), b.line);
    let mut parent: BTreeMap<(String, usize), (String, usize)> = BTreeMap::new();
    fn find(
        p: &mut BTreeMap<(String, usize), (String, usize)>,
        k: &(String, usize),
    ) -> (String, usize) {
        let mut cur = k.clone();
        while let Some(next) = p.get(&cur).filter(|n| **n != cur).cloned() {
            cur = next;
        }
        cur
    }
    for d in &drifts {
        let (a, b) = (key(&d.here), key(&d.there));
        parent.entry(a.clone()).or_insert_with(|| a.clone());
        parent.entry(b.clone()).or_insert_with(|| b.clone());
        let (ra, rb) = (find(&mut parent, &a), find(&mut parent, &b));
        if ra != rb {
            parent.insert(ra, rb);
        }
    }
    let mut groups: BTreeMap<(String, usize), Vec<Drift>> = BTreeMap::new();
    for d in drifts {
        let r = find(&mut parent, &key(&d.here));
        groups.entry(r).or_default().push(d);
    }
    groups.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(path: &str, text: &str) -> Vec<ParamBlock> {
        python_blocks(path, text, &PythonFile::new(text))
    }

    #[test]
    fn classes_modules_and_dicts_are_blocks_calls_and_fallbacks_are_not() {
        let text = "from dataclasses import dataclass\n\nMAX_RETRIES = 5\nDELAY = 2\nLIMIT = -1\n\n@dataclass\nclass TrainingConfig:\n    iterations: int = 100\n    depth: int = 5\n    learning_rate: float = 0.1\n    name: str = 'x'\n\nclass Status:\n    QUEUED = 10\n    RINGING = 20\n    DONE = 30\n\nPARAMS = {'iterations': 200, 'depth': 6, 'learning_rate': 1e-1}\nPRESETS = [{'iterations': 50, 'depth': 4, 'learning_rate': 0.3}]\nm = Model(iterations=1, depth=2, learning_rate=3)\nc = {'iterations': cfg.get('iterations', 200), 'depth': 6}\n";
        let b = blocks("train.py", text);
        let labels: Vec<&str> = b.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            ["module constants", "class `TrainingConfig`", "`PARAMS`"]
        );
        assert_eq!(b[0].params[2].value, -1.0);
        assert_eq!(b[2].params[2].text, "1e-1");
        assert_eq!(b[1].line, 8);
    }

    #[test]
    fn config_files_are_read_by_name_and_place_not_variants() {
        assert!(is_parameter_config(
            "packages/model/config/training_config.yaml"
        ));
        assert!(is_parameter_config("params.yaml"));
        assert!(!is_parameter_config("config/settings.prod.yaml"));
        assert!(!is_parameter_config("config_example.yml"));
        assert!(!is_parameter_config("deploy/values.yaml"));
        assert!(!is_parameter_config(".github/workflows/config.yml"));
        let y = "training:\n  catboost:\n    iterations: 200\n    depth: 6\n    learning_rate: 0.1\n    task_type: \"GPU\"\n";
        let b = yaml_blocks("config/training_config.yaml", y);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].label, "`training.catboost`");
        assert_eq!(b[0].line, 3);
        assert_eq!(b[0].params[0].line, 3);
    }

    /// Seed 004's #69: the production trainer hard-codes 100/5 where the
    /// configuration (and the trainer that reads it) says 200/6. The two selection
    /// configs crossed with each other's config sections are not a drift: each
    /// agrees with its own section.
    #[test]
    fn get_fallbacks_drift_against_the_configuration_only() {
        let config = "training:\n  catboost:\n    iterations: 200\n    depth: 6\n    learning_rate: 0.1\n    od_wait: 50\n";
        let mut all = yaml_blocks("config/training_config.yaml", config);
        let trainer = "CFG = load()\nPARAMS = {\n    'iterations': CFG.get('iterations', 200),\n    'depth': CFG.get('depth', 6),\n    'learning_rate': CFG.get('learning_rate', 0.1),\n    'early_stopping_rounds': CFG.get('od_wait', 20),\n    'port': os.environ.get('PORT', 8080),\n}\n";
        let b = blocks("cloud/windows.py", trainer);
        assert_eq!(b.len(), 1, "{b:#?}");
        assert!(b[0].fallback);
        assert_eq!(b[0].label, "`CFG.get(…)`");
        all.extend(b);
        // Two modules' fallbacks are never compared with each other.
        all.extend(blocks(
            "a.py",
            "A = opts.get('alpha', 1)\nB = opts.get('beta', 2)\nC = opts.get('gamma', 3)\n",
        ));
        all.extend(blocks(
            "b.py",
            "A = opts.get('alpha', 1)\nB = opts.get('beta', 5)\nC = opts.get('gamma', 3)\n",
        ));
        let d = drifts(&all, &|_, _| false);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].here.path, "cloud/windows.py");
        assert_eq!(
            d[0].differ,
            [("od_wait".to_string(), "20".to_string(), "50".to_string())]
        );
    }

    #[test]
    fn the_unconfirmed_side_of_a_drift_is_the_one_to_change() {
        let config = "training:\n  catboost:\n    iterations: 200\n    depth: 6\n    learning_rate: 0.1\nselection:\n  min_volume: 10000\n  min_rows: 5000\n  max_items: 50\n  high_value:\n    min_volume: 100\n    min_rows: 5000\n    max_items: 20\n";
        let mut all = yaml_blocks("config/training_config.yaml", config);
        all.extend(blocks(
            "training/production.py",
            "class Config:\n    iterations: int = 100\n    depth: int = 5\n    learning_rate: float = 0.1\n",
        ));
        all.extend(blocks(
            "cloud/windows.py",
            "PARAMS = {'iterations': 200, 'depth': 6, 'learning_rate': 0.1}\n",
        ));
        all.extend(blocks(
            "selection.py",
            "class HighValue:\n    min_volume: int = 100\n    min_rows: int = 5000\n    max_items: int = 20\n\nclass Selection:\n    min_volume: int = 10000\n    min_rows: int = 5000\n    max_items: int = 50\n",
        ));
        let d = drifts(&all, &|_, _| false);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert!(d.iter().all(|d| d.here.path == "training/production.py"));
        assert_eq!(
            d[0].differ,
            [
                ("depth".to_string(), "5".to_string(), "6".to_string()),
                (
                    "iterations".to_string(),
                    "100".to_string(),
                    "200".to_string()
                )
            ]
        );
        assert_eq!(drift_groups(d).len(), 1);
        // Plugins of one interface tune their own values.
        let a = blocks(
            "engines/a.py",
            "time_range = {'day': 1, 'week': 7, 'month': 30}\n",
        );
        let b = blocks(
            "engines/b.py",
            "time_range = {'day': 1, 'week': 7, 'month': 31}\n",
        );
        let both: Vec<ParamBlock> = a.into_iter().chain(b).collect();
        assert_eq!(drifts(&both, &|_, _| false).len(), 1);
        assert!(drifts(&both, &|_, _| true).is_empty());
    }
}
