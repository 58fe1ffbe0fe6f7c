//! `docker/pip-no-cache-dir`: `pip install` that leaves pip's download cache in the image.

use crate::finding::{Fix, Severity};
use crate::parse::dockerfile::Dockerfile;
use crate::rules::docker::util;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct PipNoCacheDir;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/pip-no-cache-dir",
    summary: "`pip install` without `--no-cache-dir` keeps pip's cache in the image",
    severity: Severity::Low,
    docs: r#"
## Why
pip keeps every wheel it downloads or builds in `~/.cache/pip`. In a container
build that cache is never reused (the layer is rebuilt from scratch), but it is
saved in the layer: often hundreds of megabytes for a data-science stack (torch
wheels alone are gigabytes), pulled by every node that runs the image.

The rule reports `pip install` / `python -m pip install` in the stages that end
up in the final image, unless:

- `--no-cache-dir` is given (or `--no-cache`: pip accepts an unambiguous prefix of
  a long option), or `PIP_NO_CACHE_DIR` is set by `ENV`/`ARG` or as a
  prefix assignment, or a `pip.conf` is copied in;
- the `RUN` uses a BuildKit cache mount (`--mount=type=cache,target=/root/.cache/pip`),
  which keeps the cache out of the layer and reuses it: the better option;
- the same `RUN` removes the cache (`pip cache purge`, `rm -rf /root/.cache`);
- it only upgrades the packaging tools (`pip install --upgrade pip setuptools wheel`):
  a few megabytes, not worth the noise.

Builder stages that are only copied from (`COPY --from=build /venv /venv`) are
skipped: their cache is not copied.

## Example
```dockerfile
RUN pip install -r requirements.txt
```

## Fix
```dockerfile
RUN pip install --no-cache-dir -r requirements.txt
# or, with BuildKit, keep the cache between builds but out of the image:
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
```
`harden fix` inserts `--no-cache-dir` after `install` (safe).

hadolint's DL3042 finds the same positives on our fixtures and also honours
`ENV PIP_NO_CACHE_DIR` and cache mounts; unlike us it reports builder stages and
`pip install --upgrade pip`.
"#,
};

impl Rule for PipNoCacheDir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) {
            return;
        }
        if df.instructions.iter().any(|i| {
            matches!(i.keyword.as_str(), "COPY" | "ADD") && i.args_text().contains("pip.conf")
        }) {
            return;
        }
        for r in util::runs(df) {
            let Some(stage) = r.ins.stage else {
                continue;
            };
            if !util::ships(df, stage) || util::has_cache_mount(r.ins, None) {
                continue;
            }
            // ENV set so far in this image (ancestor stages included).
            let chain = util::chain(df, stage);
            let env = util::env_of(
                df,
                df.instructions
                    .iter()
                    .take(r.index)
                    .filter(|i| i.stage.is_some_and(|s| chain.contains(&s))),
            );
            if env.contains_key("PIP_NO_CACHE_DIR") {
                continue;
            }
            let text = r.ins.args_text();
            if text.contains("pip cache purge")
                || text.contains("rm -rf /root/.cache")
                || text.contains("rm -rf ~/.cache")
                || text.contains("rm -rf $HOME/.cache")
            {
                continue;
            }
            for script in r.scripts {
                for cmd in script.commands() {
                    let vals = cmd.arg_values(script);
                    let is_pip = cmd.name.starts_with("pip")
                        && !cmd.name.starts_with("pipx")
                        && !cmd.name.starts_with("pipenv");
                    let skip = if is_pip {
                        0
                    } else if cmd.name.starts_with("python")
                        && vals.first().is_some_and(|v| v.as_deref() == Some("-m"))
                        && vals.get(1).is_some_and(|v| v.as_deref() == Some("pip"))
                    {
                        2
                    } else {
                        continue;
                    };
                    let Some(install) = vals
                        .iter()
                        .skip(skip)
                        .position(|v| v.as_deref().is_some_and(|v| !v.starts_with('-')))
                        .map(|p| p + skip)
                    else {
                        continue;
                    };
                    if vals[install].as_deref() != Some("install") {
                        continue;
                    }
                    if vals
                        .iter()
                        .flatten()
                        // pip takes any unambiguous prefix of a long option:
                        // `--no-cache` is `--no-cache-dir`.
                        .any(|v| v.starts_with("--no-cache"))
                        || cmd
                            .assignments
                            .iter()
                            .any(|a| script.node_text(*a).starts_with("PIP_NO_CACHE_DIR"))
                    {
                        continue;
                    }
                    if util::dependency_install(script, cmd).is_none()
                        && !vals.iter().flatten().any(|v| v == "--no-deps")
                    {
                        // Only packaging tools.
                        continue;
                    }
                    let Some(node) = cmd.args.get(install) else {
                        continue;
                    };
                    let end = node.end_byte();
                    let edit = if script.code.is_verbatim(&(node.start_byte()..end)) {
                        let at = script.code.to_host(end);
                        out.edit(at..at, " --no-cache-dir")
                    } else {
                        None
                    };
                    let sev = util::for_role(cx, META.severity);
                    let f = out.report(
                        script.host_range(&cmd.span()),
                        "`pip install` without `--no-cache-dir` stores pip's download cache in the image layer",
                    );
                    f.severity = sev;
                    if let Some(e) = edit {
                        f.fix = Some(Fix::safe("Add --no-cache-dir", vec![e]));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::util::testing::{apply_fixes, check};

    #[test]
    fn fix_inserts_flag_and_converges() {
        let text =
            "FROM python:3.12\nRUN pip install -r requirements.txt && python3 -m pip install .\n";
        let f = check(&PipNoCacheDir, text);
        assert_eq!(f.len(), 2);
        let fixed = apply_fixes(text, &f);
        assert_eq!(
            fixed,
            "FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt && python3 -m pip install --no-cache-dir .\n"
        );
        assert!(check(&PipNoCacheDir, &fixed).is_empty());
    }

    #[test]
    fn env_prefix_and_tool_upgrades_are_fine() {
        for text in [
            "FROM python:3.12\nRUN PIP_NO_CACHE_DIR=1 pip install -r r.txt\n",
            "FROM python:3.12\nRUN pip install --upgrade pip setuptools\n",
            "FROM python:3.12\nENV PIP_NO_CACHE_DIR=off\nRUN pip install flask\n",
            "FROM python:3.12\nRUN pip install flask && pip cache purge\n",
        ] {
            assert!(check(&PipNoCacheDir, text).is_empty(), "{text}");
        }
    }
}
