//! Build tools that name a Dockerfile without a `docker build` command line: bake
//! files (`docker-bake.hcl`/`.json`), skaffold, chartpress (`chartpress.yaml`), dev
//! containers (`devcontainer.json`), Tiltfiles; `docker build` lines in other CI systems' files (`.gitlab-ci.yml`,
//! `Jenkinsfile`, `cloudbuild.yaml`); and plain mentions of a Dockerfile's path in
//! any text (a README table, a platform manifest's `dockerfilePath`).
//!
//! Light readers over the text: each looks for the few keys its tool uses, so a file
//! that is not what its name says yields nothing rather than an error.

use super::paths::{dir_of, file_name, join};

/// A Dockerfile a build tool's configuration builds: (1-based line, path resolved
/// from the configuration's directory).
pub type Built = (usize, String);

/// A build tool configuration written in a language no rule parses (a Tiltfile's
/// Starlark, a bake file's HCL or JSON): the engine reads it for the model even when
/// no rule reads all text.
pub fn is_build_tool_text(path: &str) -> bool {
    let name = file_name(path).to_ascii_lowercase();
    name == "tiltfile"
        || name.ends_with(".tiltfile")
        || name.ends_with(".hcl")
        || (name.starts_with("docker-bake") && name.ends_with(".json"))
}

/// What a build tool's configuration file builds; empty for any other file.
pub fn built_by_tool(path: &str, text: &str) -> Vec<Built> {
    let name = file_name(path).to_ascii_lowercase();
    let dir = dir_of(path);
    if name.ends_with(".hcl") && text.contains("target") {
        return bake_hcl(dir, text);
    }
    if name.starts_with("docker-bake") && name.ends_with(".json") {
        return bake_json(dir, text);
    }
    if name == "devcontainer.json" || name == ".devcontainer.json" {
        return devcontainer(dir, text);
    }
    if name == "tiltfile" || name.ends_with(".tiltfile") {
        return tiltfile(dir, text);
    }
    if name.starts_with("skaffold") && (name.ends_with(".yaml") || name.ends_with(".yml")) {
        return skaffold(dir, text);
    }
    if name == "chartpress.yaml" || name == "chartpress.yml" {
        return chartpress(dir, text);
    }
    Vec::new()
}

/// The string value of `key = "v"` / `"key": "v"` / `key: v` on one line.
fn value_of<'t>(line: &'t str, key: &str) -> Option<&'t str> {
    let t = line.trim_start();
    let rest = t
        .strip_prefix(key)
        .or_else(|| t.strip_prefix(&format!("\"{key}\"")))?;
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix('=')
        .or_else(|| rest.strip_prefix(':'))?
        .trim();
    let rest = rest.trim_end_matches(',').trim();
    let v = rest
        .strip_prefix('"')
        .and_then(|r| r.split('"').next())
        .or_else(|| rest.strip_prefix('\'').and_then(|r| r.split('\'').next()))
        .unwrap_or_else(|| rest.split([' ', '#']).next().unwrap_or(""));
    (!v.is_empty() && !v.contains("${") && !v.contains("{{")).then_some(v)
}

/// Blocks of `key = value` settings (bake targets, skaffold artifacts): each opens at
/// a line that starts a block and ends where the next begins.
fn blocks<'t>(text: &'t str, opens: impl Fn(&str) -> bool) -> Vec<(usize, Vec<&'t str>)> {
    let mut out: Vec<(usize, Vec<&'t str>)> = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if opens(l) {
            out.push((i + 1, Vec::new()));
        } else if let Some((_, lines)) = out.last_mut() {
            lines.push(l);
        }
    }
    out
}

/// Resolves a (context, dockerfile) pair as docker does: the Dockerfile relative to
/// the context, the context relative to the configuration's directory.
fn resolve(dir: &str, context: Option<&str>, dockerfile: Option<&str>) -> Option<String> {
    let ctx = join(dir, context.unwrap_or("."))?;
    join(&ctx, dockerfile.unwrap_or("Dockerfile"))
}

/// A bake target's Dockerfile. Bake resolves `context` from the directory it runs in
/// (docker/buildx#1028), which is the repository root or the bake file's own
/// directory: a file in a subdirectory (`tests/build.hcl` run as `bake -f
/// tests/build.hcl` from the root) is resolved both ways, and only the one that
/// exists joins a Dockerfile.
fn bake_resolve(dir: &str, ctx: Option<&str>, df: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = resolve(dir, ctx, df).into_iter().collect();
    if !dir.is_empty() {
        out.extend(resolve("", ctx, df).filter(|p| !out.contains(p)));
    }
    out
}

fn bake_hcl_targets(text: &str) -> Vec<(usize, Vec<&str>)> {
    let opens = |l: &str| {
        let t = l.trim_start();
        t.starts_with("target ") && t.trim_end().ends_with('{')
    };
    blocks(text, opens)
        .into_iter()
        // `dockerfile-inline` builds nothing from the repository.
        .filter(|(_, lines)| {
            !lines
                .iter()
                .any(|l| l.trim_start().starts_with("dockerfile-inline"))
        })
        .collect()
}

fn bake_hcl(dir: &str, text: &str) -> Vec<Built> {
    bake_hcl_targets(text)
        .into_iter()
        .flat_map(|(line, lines)| {
            let ctx = lines.iter().find_map(|l| value_of(l, "context"));
            let df = lines.iter().find_map(|l| value_of(l, "dockerfile"));
            bake_resolve(dir, ctx, df)
                .into_iter()
                .map(move |p| (line, p))
        })
        .collect()
}

/// The names in a bake target's `contexts = { name = "…" }` map (one per line or
/// inline): a `FROM name` in its Dockerfile is that context (another target's image,
/// a pinned `docker-image://`, a directory), not a registry image.
fn hcl_context_names(lines: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for l in lines {
        let t = l.trim();
        let body = if inside {
            t
        } else if let Some(rest) = t.strip_prefix("contexts") {
            let Some(rest) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix('{') else {
                continue;
            };
            inside = true;
            rest
        } else {
            continue;
        };
        let (body, closes) = match body.split_once('}') {
            Some((b, _)) => (b, true),
            None => (body, false),
        };
        for entry in body.split(',') {
            let Some((k, _)) = entry.split_once(['=', ':']) else {
                continue;
            };
            let k = k.trim().trim_matches('"');
            if !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
            {
                out.push(k.to_string());
            }
        }
        if closes {
            inside = false;
        }
    }
    out
}

fn bake_json(dir: &str, text: &str) -> Vec<Built> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let Some(targets) = v.get("target").and_then(|t| t.as_object()) else {
        return Vec::new();
    };
    let line_of = |name: &str| {
        text.lines()
            .position(|l| l.contains(&format!("\"{name}\"")))
            .map_or(1, |i| i + 1)
    };
    targets
        .iter()
        .flat_map(|(name, t)| {
            let s = |k: &str| t.get(k).and_then(|x| x.as_str());
            bake_resolve(dir, s("context"), s("dockerfile"))
                .into_iter()
                .map(move |p| (line_of(name), p))
        })
        .collect()
}

/// Named build contexts a bake file gives the Dockerfiles it builds: (Dockerfile,
/// context name), both resolutions of a subdirectory's bake file as
/// [`built_by_tool`] gives them.
pub fn bake_named_contexts(path: &str, text: &str) -> Vec<(String, String)> {
    let name = file_name(path).to_ascii_lowercase();
    let dir = dir_of(path);
    let mut out = Vec::new();
    if name.ends_with(".hcl") && text.contains("contexts") {
        for (_, lines) in bake_hcl_targets(text) {
            let names = hcl_context_names(&lines);
            if names.is_empty() {
                continue;
            }
            let ctx = lines.iter().find_map(|l| value_of(l, "context"));
            let df = lines.iter().find_map(|l| value_of(l, "dockerfile"));
            for p in bake_resolve(dir, ctx, df) {
                out.extend(names.iter().map(|n| (p.clone(), n.clone())));
            }
        }
    } else if name.starts_with("docker-bake") && name.ends_with(".json") {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
            return out;
        };
        let Some(targets) = v.get("target").and_then(|t| t.as_object()) else {
            return out;
        };
        for t in targets.values() {
            let Some(ctxs) = t.get("contexts").and_then(|c| c.as_object()) else {
                continue;
            };
            let s = |k: &str| t.get(k).and_then(|x| x.as_str());
            for p in bake_resolve(dir, s("context"), s("dockerfile")) {
                out.extend(ctxs.keys().map(|n| (p.clone(), n.clone())));
            }
        }
    }
    out
}

/// `devcontainer.json` (JSON with comments): `"dockerFile"`/`"dockerfile"` at the top
/// or under `"build"`, relative to the file's directory, with `"context"`.
fn devcontainer(dir: &str, text: &str) -> Vec<Built> {
    let mut df = None;
    for (i, l) in text.lines().enumerate() {
        if let Some(v) = value_of(l, "dockerFile").or_else(|| value_of(l, "dockerfile")) {
            df = Some((i + 1, v));
        }
    }
    // The Dockerfile path is relative to devcontainer.json; the context only says
    // what is sent to the daemon.
    df.and_then(|(line, d)| join(dir, d).map(|p| (line, p)))
        .into_iter()
        .collect()
}

/// `docker_build('ref', 'context', dockerfile='path')` in a Tiltfile (Starlark), also
/// the restart extension's `docker_build_with_restart(…)`, its arguments over several
/// lines, and a `dockerfile = name` whose variable the file assigns one or more literal
/// paths (`dockerfile = 'tilt.dockerfile'`, then `'tilt.debug.dockerfile'` when
/// debugging): each is built.
fn tiltfile(dir: &str, text: &str) -> Vec<Built> {
    // String literals assigned to plain names anywhere in the file.
    let mut vars: Vec<(&str, &str)> = Vec::new();
    for l in text.lines() {
        let Some((k, v)) = l.split_once('=') else {
            continue;
        };
        let k = k.trim();
        let v = v.trim();
        if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let quoted = (v.len() >= 2)
            && ((v.starts_with('\'') && v.ends_with('\''))
                || (v.starts_with('"') && v.ends_with('"')));
        if quoted {
            vars.push((k, &v[1..v.len() - 1]));
        }
    }
    let mut out = Vec::new();
    for call in ["docker_build(", "docker_build_with_restart("] {
        for (at, _) in text.match_indices(call) {
            // `custom_docker_build(` or a name ending in one is another function.
            if text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                continue;
            }
            let line = text[..at].matches('\n').count() + 1;
            let args = call_arguments(&text[at + call.len()..]);
            let mut positional = Vec::new();
            let mut dockerfiles: Vec<&str> = Vec::new();
            for a in &args {
                match a.split_once('=') {
                    Some((k, v))
                        if k.trim()
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                    {
                        if k.trim() == "dockerfile" {
                            let v = v.trim();
                            if v.starts_with(['"', '\'']) {
                                dockerfiles.push(v.trim_matches(['"', '\'']));
                            } else {
                                dockerfiles
                                    .extend(vars.iter().filter(|(n, _)| *n == v).map(|(_, p)| *p));
                            }
                        }
                    }
                    _ => positional.push(a.trim().trim_matches(['"', '\''])),
                }
            }
            let Some(ctx) = positional.get(1).copied() else {
                continue;
            };
            if dockerfiles.is_empty() {
                out.extend(resolve(dir, Some(ctx), None).map(|p| (line, p)));
            }
            // Tilt resolves `dockerfile=` from the Tiltfile's directory.
            for d in dockerfiles {
                out.extend(join(dir, d).map(|p| (line, p)));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The top-level, comma-separated arguments of a call whose text starts right after
/// its `(`, up to the matching `)`; brackets and quotes nest.
fn call_arguments(rest: &str) -> Vec<&str> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in rest.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth > 0 => depth -= 1,
            ')' => {
                args.push(&rest[start..i]);
                break;
            }
            ',' if depth == 0 => {
                args.push(&rest[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    args.into_iter()
        .map(str::trim)
        .filter(|a| !a.is_empty() && !a.starts_with('#'))
        .collect()
}

/// `build.artifacts[]` (and profiles') `context:` + `docker.dockerfile:` in skaffold.
fn skaffold(dir: &str, text: &str) -> Vec<Built> {
    let opens = |l: &str| l.trim_start().starts_with("- image:");
    blocks(text, opens)
        .into_iter()
        .filter_map(|(line, lines)| {
            // The artifact ends at the next list item at its indentation or less.
            let ctx = lines.iter().find_map(|l| value_of(l, "context"));
            let df = lines.iter().find_map(|l| value_of(l, "dockerfile"));
            let is_docker = lines.iter().any(|l| {
                let t = l.trim_start();
                t.starts_with("docker:") || t.starts_with("dockerfile:")
            }) || !lines.iter().any(|l| {
                let t = l.trim_start();
                ["jib:", "bazel:", "ko:", "buildpacks:", "custom:"]
                    .iter()
                    .any(|k| t.starts_with(k))
            });
            if !is_docker {
                return None;
            }
            resolve(dir, ctx, df).map(|p| (line, p))
        })
        .collect()
}

/// The images of a chartpress configuration (`chartpress.yaml`): every key under a
/// chart's `images:` is an image chartpress builds, from `contextPath` (by default
/// `images/<name>`) and `dockerfilePath` (by default `Dockerfile` in that context),
/// both relative to the configuration's directory (jupyterhub/chartpress's README).
fn chartpress(dir: &str, text: &str) -> Vec<Built> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let key = |l: &str| -> Option<String> {
        let t = l.trim();
        if t.starts_with('#') || t.starts_with('-') {
            return None;
        }
        let (k, rest) = t.split_once(':')?;
        (rest.trim().is_empty() || rest.trim_start().starts_with('#'))
            .then(|| k.trim().trim_matches(['"', '\'']).to_string())
            .filter(|k| !k.is_empty() && !k.contains(' '))
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if l.trim() != "images:" {
            i += 1;
            continue;
        }
        let base = indent(l);
        // The images' own indentation: the first key line deeper than `images:`.
        let mut child: Option<usize> = None;
        let mut j = i + 1;
        let mut current: Option<(usize, String, Option<String>, Option<String>)> = None;
        let flush = |c: Option<(usize, String, Option<String>, Option<String>)>,
                     out: &mut Vec<Built>| {
            if let Some((line, name, ctx, df)) = c {
                let ctx = ctx.unwrap_or_else(|| format!("images/{name}"));
                let built = join(dir, &ctx).and_then(|c| {
                    join(&c, df.as_deref().unwrap_or("Dockerfile"))
                        .filter(|_| df.is_none())
                        .or_else(|| df.as_deref().and_then(|d| join(dir, d)))
                });
                out.extend(built.map(|p| (line, p)));
            }
        };
        while j < lines.len() {
            let m = lines[j];
            if m.trim().is_empty() || m.trim_start().starts_with('#') {
                j += 1;
                continue;
            }
            let ind = indent(m);
            if ind <= base {
                break;
            }
            let at = *child.get_or_insert(ind);
            if ind == at {
                flush(current.take(), &mut out);
                current = key(m).map(|k| (j + 1, k, None, None));
            } else if let Some(c) = current.as_mut() {
                if let Some(v) = value_of(m, "contextPath") {
                    c.2 = Some(v.to_string());
                }
                if let Some(v) = value_of(m, "dockerfilePath") {
                    c.3 = Some(v.to_string());
                }
            }
            j += 1;
        }
        flush(current.take(), &mut out);
        i = j;
    }
    out
}

/// `docker build` / `podman build` / `buildah bud` lines in a file the model does not
/// otherwise read as commands (another CI system's configuration, a Jenkinsfile, a
/// Justfile): the command from the build tool's name to the end of the line, split
/// into words. Quoting around the whole command (`sh 'docker build …'`) is dropped.
pub fn build_command_lines(text: &str) -> Vec<(usize, Vec<Option<String>>)> {
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let Some(at) = [
            "docker build",
            "docker buildx build",
            "podman build",
            "buildah bud",
        ]
        .iter()
        .filter_map(|p| l.find(p))
        .min() else {
            continue;
        };
        let cmd = l[at..]
            .trim_end()
            .trim_end_matches(['\'', '"', ',', ']', ')']);
        for argv in super::commands::split_line(cmd) {
            out.push((i + 1, argv));
        }
    }
    out
}

/// Whether a file name matches a glob with `*` only (`Dockerfile.*`, `*.Dockerfile`).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    if parts.len() == 1 {
        return pattern == name;
    }
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// Words in a text that name a Dockerfile (`docker/api.Dockerfile`,
/// `Dockerfile.gpu`, `Containerfile`), with their 1-based line.
pub fn dockerfile_mentions(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let lower = l.to_ascii_lowercase();
        if !(lower.contains("dockerfile") || lower.contains("containerfile")) {
            continue;
        }
        let is_word =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_' | '-' | '*');
        for w in l.split(|c: char| !is_word(c)) {
            let wl = w.to_ascii_lowercase();
            let name = wl.rsplit('/').next().unwrap_or(&wl);
            if !(name.contains("dockerfile") || name.contains("containerfile")) {
                continue;
            }
            let w = w.trim_start_matches("./").trim_end_matches('/');
            let w = if w.ends_with('.') && !w.ends_with(".*") {
                w.trim_end_matches('.')
            } else {
                w
            };
            if !w.is_empty() && !w.starts_with("--") {
                out.push((i + 1, w.to_string()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bake_targets_resolve_context_and_dockerfile() {
        // A bake file in a subdirectory is run from the root (`bake -f tests/build.hcl`)
        // or from its directory: both resolutions, and its named contexts.
        let sub = "target \"base\" {\n  context = \"core/base/\"\n}\n\ntarget \"admin\" {\n  inherits = [\"defaults\"]\n  context = \"core/admin/\"\n  contexts = {\n    base = \"target:base\"\n  }\n}\n\ntarget \"web\" {\n  context = \"web\"\n  contexts = { assets = \"target:assets\", \"node-base\" = \"docker-image://node:22\" }\n}\n";
        assert_eq!(
            built_by_tool("tests/build.hcl", sub),
            vec![
                (1, "tests/core/base/Dockerfile".to_string()),
                (1, "core/base/Dockerfile".to_string()),
                (5, "tests/core/admin/Dockerfile".to_string()),
                (5, "core/admin/Dockerfile".to_string()),
                (13, "tests/web/Dockerfile".to_string()),
                (13, "web/Dockerfile".to_string()),
            ]
        );
        assert_eq!(
            bake_named_contexts("tests/build.hcl", sub),
            vec![
                (
                    "tests/core/admin/Dockerfile".to_string(),
                    "base".to_string()
                ),
                ("core/admin/Dockerfile".to_string(), "base".to_string()),
                ("tests/web/Dockerfile".to_string(), "assets".to_string()),
                ("tests/web/Dockerfile".to_string(), "node-base".to_string()),
                ("web/Dockerfile".to_string(), "assets".to_string()),
                ("web/Dockerfile".to_string(), "node-base".to_string()),
            ]
        );
        let hcl = "group \"default\" {\n  targets = [\"api\", \"worker\"]\n}\n\ntarget \"api\" {\n  context = \"services/api\"\n  dockerfile = \"Dockerfile.prod\"\n}\n\ntarget \"worker\" {\n  context = \"./worker\"\n}\n";
        assert_eq!(
            built_by_tool("docker-bake.hcl", hcl),
            vec![
                (5, "services/api/Dockerfile.prod".to_string()),
                (10, "worker/Dockerfile".to_string())
            ]
        );
        let json = r#"{"target": {"web": {"context": "web", "dockerfile": "Containerfile"}}}"#;
        assert_eq!(
            built_by_tool("deploy/docker-bake.json", json),
            vec![
                (1, "deploy/web/Containerfile".to_string()),
                (1, "web/Containerfile".to_string())
            ]
        );
    }

    #[test]
    fn chartpress_images_build_their_directories() {
        let cp = "charts:\n  - name: hub\n    imagePrefix: quay.io/acme/k8s-\n    images:\n      # the hub\n      hub:\n        valuesPath: hub.image\n      hub-slim:\n        contextPath: images/hub\n        extraBuildCommandOptions:\n          - --target=slim\n      proxy:\n        dockerfilePath: images/proxy/Dockerfile.prod\n    paths:\n      - images\n";
        assert_eq!(
            built_by_tool("chartpress.yaml", cp),
            vec![
                (6, "images/hub/Dockerfile".to_string()),
                (8, "images/hub/Dockerfile".to_string()),
                (12, "images/proxy/Dockerfile.prod".to_string()),
            ]
        );
        assert_eq!(
            built_by_tool("helm-chart/chartpress.yml", cp)[0].1,
            "helm-chart/images/hub/Dockerfile"
        );
    }

    #[test]
    fn devcontainer_tilt_and_skaffold() {
        let dc = "{\n  // dev image\n  \"name\": \"app\",\n  \"build\": {\n    \"dockerfile\": \"../docker/dev.Dockerfile\",\n    \"context\": \"..\"\n  }\n}\n";
        assert_eq!(
            built_by_tool(".devcontainer/devcontainer.json", dc),
            vec![(5, "docker/dev.Dockerfile".to_string())]
        );
        let tilt = "docker_build('registry/api', 'services/api', dockerfile='deploy/api.Dockerfile')\ndocker_build('registry/web', './web')\n";
        assert_eq!(
            built_by_tool("Tiltfile", tilt),
            vec![
                (1, "deploy/api.Dockerfile".to_string()),
                (2, "web/Dockerfile".to_string())
            ]
        );
        let restart = "dockerfile = 'tilt.dockerfile'\nif debug:\n    dockerfile = 'tilt.debug.dockerfile'\n\ndocker_build_with_restart(\n    'ghcr.io/acme/app',\n    '.',\n    dockerfile = dockerfile,\n    only=[\n      './bin',\n    ],\n)\n";
        assert_eq!(
            built_by_tool("Tiltfile", restart),
            vec![
                (5, "tilt.debug.dockerfile".to_string()),
                (5, "tilt.dockerfile".to_string())
            ]
        );
        let sk = "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: api\n      context: services/api\n      docker:\n        dockerfile: Dockerfile.dev\n    - image: web\n      jib: {}\n";
        assert_eq!(
            built_by_tool("skaffold.yaml", sk),
            vec![(5, "services/api/Dockerfile.dev".to_string())]
        );
    }

    #[test]
    fn build_lines_and_mentions() {
        let gitlab = "build:\n  script:\n    - docker build -f docker/Dockerfile.gpu -t $IMAGE .\n";
        let lines = build_command_lines(gitlab);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].0, 3);
        let jenkins = "sh 'docker build -t app services/app'";
        assert_eq!(build_command_lines(jenkins).len(), 1);
        assert!(glob_match("Dockerfile.*", "Dockerfile.distroless"));
        assert!(glob_match("*.Dockerfile", "api.Dockerfile"));
        assert!(!glob_match("Dockerfile.*", "Containerfile"));
        assert_eq!(
            dockerfile_mentions("DOCKERFILE_VARIANTS ?= $(wildcard Dockerfile Dockerfile.*)"),
            vec![
                (1, "DOCKERFILE_VARIANTS".to_string()),
                (1, "Dockerfile".to_string()),
                (1, "Dockerfile.*".to_string())
            ]
        );
        assert_eq!(
            dockerfile_mentions("| GPU image | `docker/Dockerfile.gpu` |\nSee ./Containerfile."),
            vec![
                (1, "docker/Dockerfile.gpu".to_string()),
                (2, "Containerfile".to_string())
            ]
        );
    }
}
