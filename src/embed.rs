//! Finds shell code embedded in other files and hands it to the shell parser
//! with a map back to the host: Dockerfile `RUN`, workflow and composite-action
//! `run:` steps, compose `command`/`entrypoint`/`healthcheck`, and Kubernetes
//! `command`/`args` that run `sh -c`.

use crate::mapped::MappedText;
use crate::parse::dockerfile::{Dockerfile, Form, ParsedRun};
use crate::parse::shell::{ShellOrigin, ShellScript};
use crate::parse::yaml::{YamlFile, YamlNode};

/// A piece of embedded shell.
#[derive(Debug, Clone)]
pub struct Embedded {
    /// The code and its host map.
    pub code: MappedText,
    /// Where it came from.
    pub origin: ShellOrigin,
}

/// Shells harden parses as POSIX shell.
fn is_posix_shell(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    matches!(base, "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh")
}

/// The shell code of one `RUN` instruction, before parsing.
#[derive(Debug, Clone)]
pub struct RunCode {
    /// Index of the instruction in the file.
    pub index: usize,
    /// The shell-form arguments (any heredoc bodies following them as the stdin
    /// they are), or, when the command is a heredoc script (`RUN <<EOF`,
    /// `RUN bash <<EOF`), each heredoc body. Empty for exec form.
    pub pieces: Vec<MappedText>,
    /// Whether the one piece is the arguments themselves, not a heredoc body.
    pub inline: bool,
}

/// Every `RUN` that runs a POSIX shell, in order: not after a non-POSIX `SHELL`
/// (reset per stage), nothing under `# escape=`` ` `` (a Windows image).
/// Exec-form `RUN ["sh", "-c", …]` is listed with no pieces: no shell text of
/// ours maps back to the file.
pub fn dockerfile_run_code(df: &Dockerfile) -> Vec<RunCode> {
    let mut out = Vec::new();
    if df.escape != '\\' {
        return out;
    }
    let mut posix_shell = true;
    let mut stage = None;
    for (index, ins) in df.instructions.iter().enumerate() {
        if ins.stage != stage {
            stage = ins.stage;
            posix_shell = true;
        }
        match ins.keyword.as_str() {
            "SHELL" => {
                if let Form::Exec(argv) = &ins.form {
                    posix_shell = argv.first().is_some_and(|s| is_posix_shell(s));
                }
            }
            "RUN" if posix_shell => {
                let mut run = RunCode {
                    index,
                    pieces: Vec::new(),
                    inline: false,
                };
                if ins.form == Form::Shell {
                    let args = ins.args_text();
                    let trimmed = args.trim_start();
                    let first_word = trimmed.split_whitespace().next().unwrap_or("");
                    let body_is_script = trimmed.starts_with("<<")
                        || (is_posix_shell(first_word)
                            && trimmed[first_word.len()..].trim_start().starts_with("<<"));
                    if body_is_script {
                        run.pieces
                            .extend(ins.heredocs.iter().map(|h| h.body.clone()));
                    } else {
                        run.pieces.push(with_heredoc_stdin(ins));
                        run.inline = true;
                    }
                }
                out.push(run);
            }
            _ => {}
        }
    }
    out
}

/// The arguments of a shell-form instruction followed by its heredoc bodies and
/// delimiters, so `cat > f <<EOF` parses as the complete heredoc it is and the
/// body is data, not commands.
fn with_heredoc_stdin(ins: &crate::parse::dockerfile::Instruction) -> MappedText {
    let mut code = ins.args.clone();
    for h in &ins.heredocs {
        code.push_synthetic("\n");
        let body = &h.body;
        for seg in &body.segments {
            let piece = body
                .text
                .get(seg.text_start..seg.text_start + seg.len)
                .unwrap_or("");
            code.push_host(piece, seg.host_start);
            code.push_synthetic("\n");
        }
        code.push_synthetic(&h.delimiter);
    }
    code
}

/// Every `RUN`'s shell, parsed once per file and cached on the parsed
/// Dockerfile: the engine hands these to shell rules, Docker rules read them
/// through `rules::docker::util::runs`.
pub fn dockerfile_runs(df: &Dockerfile) -> &[ParsedRun] {
    df.run_cache.get_or_init(|| {
        dockerfile_run_code(df)
            .into_iter()
            .map(|r| ParsedRun {
                index: r.index,
                scripts: r
                    .pieces
                    .into_iter()
                    .filter_map(|code| ShellScript::parse(code, ShellOrigin::DockerRun))
                    .collect(),
                inline: r.inline,
            })
            .collect()
    })
}

/// Masks `${{ … }}` expressions with same-length identifiers so the shell parser sees a word.
fn mask_expressions(code: &mut MappedText) {
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(start) = code.text[from..].find("${{").map(|i| i + from) {
        let Some(end) = code.text[start..].find("}}").map(|i| start + i + 2) else {
            break;
        };
        ranges.push(start..end);
        from = end;
    }
    for r in ranges {
        code.overwrite_same_len(r, b'X');
    }
}

fn run_shell_of(
    step: &YamlNode,
    job_default: Option<&str>,
    file_default: Option<&str>,
    windows: bool,
) -> bool {
    let shell = step
        .get("shell")
        .and_then(|s| s.as_str())
        .or(job_default)
        .or(file_default);
    match shell {
        Some(s) => {
            let first = s.split_whitespace().next().unwrap_or("");
            is_posix_shell(first)
        }
        None => !windows,
    }
}

/// `run:` steps of a workflow (POSIX shells only; `${{ }}` masked).
pub fn workflow_runs(yaml: &YamlFile) -> Vec<Embedded> {
    let mut out = Vec::new();
    for doc in &yaml.documents {
        let Some(root) = &doc.root else { continue };
        let file_default = root
            .at(&["defaults", "run", "shell"])
            .and_then(|s| s.as_str());
        let Some(jobs) = root.get("jobs").and_then(|j| j.as_map()) else {
            continue;
        };
        for job in jobs {
            let job = &job.value;
            let job_default = job
                .at(&["defaults", "run", "shell"])
                .and_then(|s| s.as_str());
            let windows = job
                .get("runs-on")
                .map(|r| {
                    r.strings()
                        .iter()
                        .any(|s| s.to_ascii_lowercase().contains("windows"))
                })
                .unwrap_or(false);
            for step in crate::parse::gha_steps::steps(job) {
                push_run(step, job_default, file_default, windows, &mut out);
            }
        }
    }
    out
}

/// `run:` steps of a composite action.
pub fn action_runs(yaml: &YamlFile) -> Vec<Embedded> {
    let mut out = Vec::new();
    for doc in &yaml.documents {
        let Some(root) = &doc.root else { continue };
        for step in crate::parse::gha_steps::action_steps(root) {
            // Composite steps must name their shell; treat a missing one as bash.
            push_run(step, None, Some("bash"), false, &mut out);
        }
    }
    out
}

fn push_run(
    step: &YamlNode,
    job_default: Option<&str>,
    file_default: Option<&str>,
    windows: bool,
    out: &mut Vec<Embedded>,
) {
    let Some(run) = step.get("run").and_then(|r| r.as_scalar()) else {
        return;
    };
    if !run_shell_of(step, job_default, file_default, windows) {
        return;
    }
    let mut code = run.mapped.clone();
    mask_expressions(&mut code);
    out.push(Embedded {
        code,
        origin: ShellOrigin::WorkflowRun,
    });
}

/// The script of an argv like `[sh, -c, SCRIPT]`, or of a string `sh -c "SCRIPT"`.
fn shell_c_script(node: &YamlNode) -> Option<MappedText> {
    if let Some(items) = node.as_seq() {
        let strs: Vec<Option<&str>> = items.iter().map(|i| i.as_str()).collect();
        let shell_at = strs.iter().position(|s| s.is_some_and(is_posix_shell))?;
        let c_at = strs
            .iter()
            .enumerate()
            .skip(shell_at + 1)
            .find(|(_, s)| s.is_some_and(|v| v.starts_with('-') && v.contains('c')))
            .map(|(i, _)| i)?;
        return items.get(c_at + 1)?.as_scalar().map(|s| s.mapped.clone());
    }
    let scalar = node.as_scalar()?;
    let text = scalar.as_str();
    let trimmed = text.trim_start();
    let lead = text.len() - trimmed.len();
    let first = trimmed.split_whitespace().next()?;
    if !is_posix_shell(first) {
        return None;
    }
    let rest = &trimmed[first.len()..];
    let c_pos = rest.find("-c")?;
    if !rest[..c_pos].trim().is_empty() && !rest[..c_pos].trim().starts_with('-') {
        return None;
    }
    let mut start = lead + first.len() + c_pos + 2;
    let mut end = text.len();
    let after = text[start..].trim_start();
    start = end - after.len();
    let after_trim = after.trim_end();
    end = start + after_trim.len();
    if let (Some(q), true) = (after_trim.chars().next(), after_trim.len() >= 2) {
        if (q == '"' || q == '\'') && after_trim.ends_with(q) {
            start += 1;
            end -= 1;
        }
    }
    Some(scalar.mapped.slice(&(start..end)))
}

/// Compose interpolation writes a literal `$` as `$$`; the shell sees one `$`.
fn unescape_compose_dollars(m: MappedText) -> MappedText {
    if !m.text.contains("$$") {
        return m;
    }
    let mut out = MappedText::new(m.fallback);
    let mut pos = 0;
    while let Some(i) = m.text[pos..].find("$$").map(|i| i + pos) {
        out.append(&m.slice(&(pos..i + 1)));
        pos = i + 2;
    }
    out.append(&m.slice(&(pos..m.text.len())));
    out
}

/// `command`, `entrypoint` and `healthcheck.test` shell of every compose service.
pub fn compose_commands(yaml: &YamlFile) -> Vec<Embedded> {
    let mut out = Vec::new();
    for doc in &yaml.documents {
        let Some(services) = doc
            .root
            .as_ref()
            .and_then(|r| r.get("services"))
            .and_then(|s| s.as_map())
        else {
            continue;
        };
        for svc in services {
            for key in ["command", "entrypoint"] {
                if let Some(code) = svc.value.get(key).and_then(shell_c_script) {
                    out.push(Embedded {
                        code: unescape_compose_dollars(code),
                        origin: ShellOrigin::ContainerCommand,
                    });
                }
            }
            if let Some(test) = svc.value.at(&["healthcheck", "test"]) {
                let code = match test.as_seq() {
                    Some(items) if items.first().and_then(|i| i.as_str()) == Some("CMD-SHELL") => {
                        items
                            .get(1)
                            .and_then(|i| i.as_scalar())
                            .map(|s| s.mapped.clone())
                    }
                    Some(_) => None,
                    None => test.as_scalar().map(|s| s.mapped.clone()),
                };
                if let Some(code) = code {
                    out.push(Embedded {
                        code: unescape_compose_dollars(code),
                        origin: ShellOrigin::ContainerCommand,
                    });
                }
            }
        }
    }
    out
}

/// Containers (and init containers) of a Kubernetes object, wherever the pod template lives.
pub fn k8s_containers(doc: &YamlNode) -> Vec<&YamlNode> {
    let spec = pod_spec(doc);
    let mut out = Vec::new();
    if let Some(spec) = spec {
        for key in ["initContainers", "containers"] {
            if let Some(items) = spec.get(key).and_then(|c| c.as_seq()) {
                out.extend(items.iter());
            }
        }
    }
    out
}

/// The pod spec of a Pod, a workload with a template, or a CronJob.
pub fn pod_spec(doc: &YamlNode) -> Option<&YamlNode> {
    let kind = doc.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    match kind {
        "Pod" => doc.get("spec"),
        "CronJob" => doc.at(&["spec", "jobTemplate", "spec", "template", "spec"]),
        "PodTemplate" => doc.at(&["template", "spec"]),
        _ => doc.at(&["spec", "template", "spec"]),
    }
}

/// `sh -c` scripts of a Kubernetes object's containers.
pub fn k8s_commands(doc: &YamlNode) -> Vec<Embedded> {
    let mut out = Vec::new();
    for c in k8s_containers(doc) {
        let command = c.get("command");
        let args = c.get("args");
        let script = match (command, args) {
            (Some(cmd), Some(args)) => {
                let cmd_strs = cmd.strings();
                let is_sh_c = cmd_strs.first().is_some_and(|s| is_posix_shell(s))
                    && cmd_strs
                        .last()
                        .is_some_and(|s| s.starts_with('-') && s.contains('c'));
                if is_sh_c {
                    args.as_seq()
                        .and_then(|a| a.first())
                        .and_then(|a| a.as_scalar())
                        .map(|s| s.mapped.clone())
                } else {
                    shell_c_script(cmd)
                }
            }
            (Some(cmd), None) => shell_c_script(cmd),
            _ => None,
        };
        if let Some(code) = script {
            out.push(Embedded {
                code,
                origin: ShellOrigin::ContainerCommand,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{dockerfile, yaml};

    #[test]
    fn workflow_run_blocks_keep_host_offsets() {
        let text = "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          ssh -o StrictHostKeyChecking=no ${{ secrets.HOST }} 'uptime'\n      - shell: pwsh\n        run: Write-Host hi\n";
        let runs = workflow_runs(&yaml::parse(text));
        assert_eq!(runs.len(), 1);
        let code = &runs[0].code;
        let at = code.text.find("StrictHostKeyChecking").unwrap();
        let host = code.to_host(at);
        assert_eq!(&text[host..host + 21], "StrictHostKeyChecking");
        assert!(!code.text.contains("${{"));
    }

    #[test]
    fn dockerfile_runs_and_heredocs() {
        let text = "FROM debian\nRUN apt-get update && \\\n    apt-get install -y curl\nRUN <<EOF\nset -e\ncurl -k https://x\nEOF\nRUN [\"echo\", \"exec form\"]\nRUN cat > /etc/app.conf <<CONF\nkey=value\nCONF\n";
        let df = dockerfile::parse(text);
        let runs = dockerfile_run_code(&df);
        assert_eq!(runs.len(), 4, "the exec-form RUN is listed, without shell");
        assert!(runs[0].inline && !runs[1].inline && runs[2].pieces.is_empty());
        let body = &runs[1].pieces[0];
        let at = body.text.find("curl").unwrap();
        assert_eq!(&text[body.to_host(at)..body.to_host(at) + 4], "curl");
        assert!(runs[3].inline && runs[3].pieces[0].text.contains("key=value"));
        let parsed = dockerfile_runs(&df);
        assert_eq!(parsed.len(), 4);
        assert!(std::ptr::eq(parsed, dockerfile_runs(&df)), "parsed once");
        // `cat > f <<CONF`: the body is the heredoc's stdin, not commands.
        let cat = &parsed[3].scripts[0];
        assert!(!cat.has_error());
        let names: Vec<String> = cat.commands().iter().map(|c| c.name.clone()).collect();
        assert_eq!(names, vec!["cat"]);
    }

    #[test]
    fn compose_and_k8s_sh_c() {
        let text = "services:\n  worker:\n    image: w:1\n    command: sh -c \"rm -rf $$CACHE/* && ./run\"\n    healthcheck:\n      test: [\"CMD-SHELL\", \"curl -f http://localhost/health\"]\n";
        let y = yaml::parse(text);
        let cmds = compose_commands(&y);
        assert_eq!(cmds.len(), 2);
        assert!(cmds[0].code.text.starts_with("rm -rf $CACHE/*"));
        let cache = cmds[0].code.text.find("CACHE").unwrap();
        let host = cmds[0].code.to_host(cache);
        assert_eq!(&text[host..host + 5], "CACHE");
        let host = cmds[0].code.to_host(0);
        assert_eq!(&text[host..host + 2], "rm");

        let k = "apiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: b\n              command: [\"/bin/sh\", \"-c\"]\n              args:\n                - pg_dump db > /backup/db.sql\n";
        let y = yaml::parse(k);
        let doc = y.documents[0].root.as_ref().unwrap();
        let cmds = k8s_commands(doc);
        assert_eq!(cmds.len(), 1);
        assert!(cmds[0].code.text.starts_with("pg_dump"));
    }
}
