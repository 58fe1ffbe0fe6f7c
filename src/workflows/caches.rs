//! Which workflow steps restore or save an Actions cache: `actions/cache` and the
//! setup actions whose caching is on by default or switched on by an input, read
//! from their documented inputs. The facts of [`super::model`] (per job, through
//! local composite actions) and the rules that care about caches
//! (`actions/cache-poisoning`, `actions/unpinned-uses`) all read them from here, so
//! they agree on what a cache step is.

use crate::parse::yaml::YamlNode;
use crate::workflows::wf;

/// How a cache-aware action's caching is switched.
#[derive(Clone, Copy)]
enum Toggle {
    /// Always restores.
    Always,
    /// On when the input is set to a non-empty, non-false value.
    OptIn(&'static str),
    /// On unless the input is true.
    OptOut(&'static str),
    /// On unless the input is false.
    DefaultOn(&'static str),
}

/// Cache-aware actions (lower-case `owner/repo[/path]`), from their documented inputs.
const CACHE_AWARE: &[(&str, Toggle)] = &[
    ("actions/cache", Toggle::OptOut("lookup-only")),
    ("actions/cache/restore", Toggle::OptOut("lookup-only")),
    ("actions/cache/save", Toggle::Always),
    ("actions/setup-python", Toggle::OptIn("cache")),
    ("actions/setup-java", Toggle::OptIn("cache")),
    ("actions/setup-dotnet", Toggle::OptIn("cache")),
    ("actions/setup-go", Toggle::DefaultOn("cache")),
    ("swatinem/rust-cache", Toggle::OptOut("lookup-only")),
    ("ruby/setup-ruby", Toggle::OptIn("bundler-cache")),
    ("pyo3/maturin-action", Toggle::OptIn("sccache")),
    ("mlugg/setup-zig", Toggle::DefaultOn("use-cache")),
    ("oven-sh/setup-bun", Toggle::OptOut("no-cache")),
    (
        "gradle/actions/setup-gradle",
        Toggle::OptOut("cache-disabled"),
    ),
    (
        "actions-rust-lang/setup-rust-toolchain",
        Toggle::DefaultOn("cache"),
    ),
    ("mozilla-actions/sccache-action", Toggle::Always),
    ("nix-community/cache-nix-action", Toggle::Always),
    ("awalsh128/cache-apt-pkgs-action", Toggle::Always),
    ("jdx/mise-action", Toggle::DefaultOn("cache")),
    ("ramsey/composer-install", Toggle::OptOut("ignore-cache")),
    ("graalvm/setup-graalvm", Toggle::OptIn("cache")),
    (
        "determinatesystems/magic-nix-cache-action",
        Toggle::DefaultOn("use-gha-cache"),
    ),
];

/// An input's value: `Some(true/false)` when known, `None` when set by an expression.
fn input_value(step: &YamlNode, key: &str) -> Option<Option<String>> {
    let v = step.get("with")?.get(key)?;
    if let Some(b) = v.as_bool() {
        return Some(Some(b.to_string()));
    }
    let s = v.as_str()?.trim();
    if s.contains("${{") {
        return Some(None);
    }
    Some(Some(s.to_ascii_lowercase()))
}

/// For `actions/setup-node` v5+ with neither `cache:` nor `package-manager-cache:`:
/// it caches only when the root `package.json` names a `packageManager` (any of npm,
/// pnpm, yarn in v5; npm only from v6, actions/setup-node#1374). `Some(npm_only)`
/// then, `None` for any other step.
pub fn auto_cache_needs_package_manager(step: &YamlNode, text: &str) -> Option<bool> {
    let uses = step.get("uses")?;
    if wf::action_name(uses.as_str()?) != "actions/setup-node" {
        return None;
    }
    if input_value(step, "cache").is_some() || input_value(step, "package-manager-cache").is_some()
    {
        return None;
    }
    let major = wf::uses_major(uses, text)?;
    (major >= 5).then_some(major >= 6)
}

/// Whether the root `package.json`'s `packageManager` (or `devEngines.packageManager`)
/// turns on `setup-node`'s automatic cache: any value for v5, `npm…` for v6+.
pub fn package_manager_enables_auto_cache(package_manager: Option<&str>, npm_only: bool) -> bool {
    match package_manager {
        None => false,
        Some(pm) => !npm_only || pm.trim().to_ascii_lowercase().starts_with("npm"),
    }
}

/// Why the step touches a cache, if it does.
fn cache_step(step: &YamlNode, text: &str) -> Option<String> {
    let uses = step.get("uses")?;
    let name = wf::action_name(uses.as_str()?);
    let major = wf::uses_major(uses, text);
    let truthy = |v: &str| !v.is_empty() && v != "false" && v != "0" && v != "no";
    // Version-dependent defaults.
    if name == "actions/setup-node" {
        if let Some(v) = input_value(step, "cache") {
            return match v {
                Some(v) if truthy(&v) => Some(format!("`actions/setup-node` with `cache: {v}` restores the package cache")),
                None => Some("`actions/setup-node` with `cache:` set by an expression may restore the package cache".to_string()),
                _ => None,
            };
        }
        return match (major, input_value(step, "package-manager-cache")) {
            (_, Some(Some(v))) if truthy(&v) => Some(format!("`actions/setup-node` with `package-manager-cache: {v}` restores the package manager's cache")),
            (_, Some(None)) => Some("`actions/setup-node` with `package-manager-cache` set by an expression may restore the package manager's cache".to_string()),
            (Some(m), None) if m >= 5 => Some("`actions/setup-node` v5+ restores the package manager's cache (the root `package.json` names a `packageManager`) unless `package-manager-cache: false`".to_string()),
            _ => None,
        };
    }
    if name == "astral-sh/setup-uv" {
        return match input_value(step, "enable-cache") {
            Some(Some(v)) if v == "true" => Some("`astral-sh/setup-uv` with `enable-cache: true` restores the uv cache".to_string()),
            Some(Some(v)) if v == "false" => None,
            Some(None) => Some("`astral-sh/setup-uv` with `enable-cache` set by an expression may restore the uv cache".to_string()),
            // `enable-cache: auto` became the default in v5 (astral-sh/setup-uv#193,
            // December 2024): before it the cache was off unless asked for.
            _ if major.is_some_and(|m| m < 5) => None,
            _ if major.is_none_or(|m| m < 10) => Some("`astral-sh/setup-uv` restores its cache on GitHub-hosted runners unless `enable-cache: false`".to_string()),
            _ => None,
        };
    }
    if name == "docker/setup-buildx-action" {
        return (input_value(step, "version").is_some()
            && !matches!(input_value(step, "cache-binary"), Some(Some(v)) if v == "false"))
        .then(|| "`docker/setup-buildx-action` restores the buildx binary from the cache (`cache-binary`)".to_string());
    }
    let (_, toggle) = CACHE_AWARE.iter().find(|(a, _)| *a == name)?;
    let on = match toggle {
        Toggle::Always => true,
        Toggle::OptIn(k) => match input_value(step, k) {
            Some(Some(v)) => truthy(&v),
            Some(None) => true,
            None => false,
        },
        Toggle::OptOut(k) => !matches!(input_value(step, k), Some(Some(v)) if v == "true"),
        Toggle::DefaultOn(k) => !matches!(input_value(step, k), Some(Some(v)) if v == "false"),
    };
    on.then(|| format!("`{name}` restores a cache"))
}

/// What a cache step does to the Actions cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheAccess {
    /// It restores an entry (another run's files land in this job).
    pub restores: bool,
    /// It saves an entry (this job's files land in later runs).
    pub saves: bool,
}

/// Whether the step touches the Actions cache, how, and why (for messages):
/// `actions/cache/restore` only restores, `actions/cache/save` only saves, the
/// others restore on their main step and save on their post step.
pub fn access(step: &YamlNode, text: &str) -> Option<(CacheAccess, String)> {
    let why = cache_step(step, text)?;
    let name = step
        .get("uses")
        .and_then(|u| u.as_str())
        .map(wf::action_name);
    let access = match name.as_deref() {
        Some("actions/cache/restore") => CacheAccess {
            restores: true,
            saves: false,
        },
        Some("actions/cache/save") => CacheAccess {
            restores: false,
            saves: true,
        },
        _ => CacheAccess {
            restores: true,
            saves: true,
        },
    };
    let why = if access.restores {
        why
    } else {
        "`actions/cache/save` saves a cache".to_string()
    };
    Some((access, why))
}

/// Why the step restores a cache, if it does.
pub fn restores(step: &YamlNode, text: &str) -> Option<String> {
    access(step, text)
        .filter(|(a, _)| a.restores)
        .map(|(_, why)| why)
}
