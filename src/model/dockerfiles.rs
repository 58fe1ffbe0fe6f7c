//! What a Dockerfile's final image runs with, as the readiness controls of
//! `status` read it: whether it serves (`EXPOSE`, a web server in `CMD`), its
//! effective `USER` and `HEALTHCHECK` (carried over from the stage it builds on),
//! its base image and the line of its final `FROM`. Taken from the engine's parse
//! during the walk, so `status` neither reads nor parses Dockerfiles.

use std::collections::BTreeSet;

use super::containers::Image;
use crate::parse::dockerfile::Dockerfile;
use crate::source::SourceFile;

/// One Dockerfile's final image, with the lines that prove each fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerInfo {
    /// Repository-relative path of the Dockerfile.
    pub path: String,
    /// Serves the network: `EXPOSE`, or a web server started by `CMD`/`ENTRYPOINT`.
    pub exposes: bool,
    /// (line, user) of the effective `USER`, if any.
    pub user: Option<(usize, String)>,
    /// Line of the final stage's `FROM` (for "no USER" evidence).
    pub from_line: usize,
    /// The final stage's base image as written.
    pub base: String,
    /// (line, arguments) of the effective `HEALTHCHECK`, if any.
    pub healthcheck: Option<(usize, String)>,
    /// The stage this describes when a build names it with `--target` and it is not
    /// the final one; `None` for the final stage.
    pub stage: Option<String>,
}

impl DockerInfo {
    /// " (target release)" when this is a `--target` stage, for evidence notes; empty
    /// for the final stage.
    pub fn target_note(&self) -> String {
        self.stage
            .as_deref()
            .map(|s| format!(" (target {s})"))
            .unwrap_or_default()
    }
}

/// The image of a named, non-final `stage` of `image` (what `--target` builds), with
/// the file-level facts of `summary`: user, health check and base through the
/// stages it builds on.
pub fn of_stage(summary: &DockerInfo, image: &Image, stage: usize) -> DockerInfo {
    let config = image.config(stage);
    let s = image.stages.get(stage);
    DockerInfo {
        path: summary.path.clone(),
        exposes: summary.exposes,
        user: config.user.map(|u| (u.line, u.value)),
        from_line: s.map_or(summary.from_line, |s| s.line),
        base: config.base,
        healthcheck: config.healthcheck.map(|h| (h.line, h.value)),
        stage: s.and_then(|s| s.name.clone()),
    }
}

/// Summarises one parsed Dockerfile.
pub fn summary(file: &SourceFile, df: &Dockerfile) -> DockerInfo {
    let line = |off: usize| file.lines.line_of(off) + 1;
    let exposes = df.instructions.iter().any(|i| {
        i.keyword == "EXPOSE"
            || (matches!(i.keyword.as_str(), "CMD" | "ENTRYPOINT") && {
                let a = i.args_text().to_ascii_lowercase();
                [
                    "uvicorn",
                    "gunicorn",
                    "daphne",
                    "hypercorn",
                    "nginx",
                    "runserver",
                    "flask run",
                ]
                .iter()
                .any(|w| a.contains(w))
            })
    });
    let final_stage = df.final_stage();
    let mut info = DockerInfo {
        path: file.path.to_string(),
        exposes,
        user: None,
        from_line: 1,
        base: String::new(),
        healthcheck: None,
        stage: None,
    };
    let Some(mut stage) = final_stage else {
        return info;
    };
    if let Some(s) = df.stages.get(stage) {
        info.base = s.image.clone();
        if let Some(i) = df.instructions.get(s.from) {
            info.from_line = line(i.span.start);
        }
    }
    // USER and HEALTHCHECK carry over when the final stage builds on an earlier one.
    let mut seen = BTreeSet::new();
    loop {
        if !seen.insert(stage) {
            break;
        }
        for i in df.stage_instructions(stage).iter().rev() {
            if i.keyword == "USER" && info.user.is_none() {
                info.user = Some((line(i.span.start), i.args_text().trim().to_string()));
            }
            if i.keyword == "HEALTHCHECK" && info.healthcheck.is_none() {
                info.healthcheck = Some((line(i.span.start), i.args_text().trim().to_string()));
            }
        }
        if info.user.is_some() && info.healthcheck.is_some() {
            break;
        }
        let Some(s) = df.stages.get(stage) else { break };
        let img = s.image.to_ascii_lowercase();
        match df
            .stages
            .iter()
            .position(|o| o.name.as_deref() == Some(img.as_str()))
        {
            Some(prev) if prev < stage => stage = prev,
            _ => break,
        }
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::dockerfile;

    fn docker(text: &str) -> DockerInfo {
        summary(
            &SourceFile::new("Dockerfile".to_string(), text.to_string()),
            &dockerfile::parse(text),
        )
    }

    #[test]
    fn dockerfile_user_and_healthcheck_follow_stages() {
        let d = docker(
            "FROM python:3.12-slim AS base\r\nRUN useradd -u 10001 app\r\nUSER app\r\nHEALTHCHECK CMD curl -f http://localhost/health || exit 1\r\n\r\nFROM base AS final\r\nCOPY . /app\r\nCMD [\"python\", \"/app/main.py\"]",
        );
        assert_eq!(d.user, Some((3, "app".to_string())));
        assert_eq!(d.healthcheck.map(|h| h.0), Some(4));
        assert_eq!(d.from_line, 6);
        let r = docker(
            "FROM golang:1.23 AS build\nUSER nobody\nFROM debian:12\nCOPY --from=build /x /x\n",
        );
        assert!(
            r.user.is_none(),
            "USER of another stage does not carry over"
        );
        let root = docker("FROM alpine\nUSER root\n");
        assert_eq!(root.user.map(|u| u.1), Some("root".to_string()));
    }
}
