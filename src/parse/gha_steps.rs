//! The steps of a GitHub Actions job or composite action, read from the YAML tree.
//! Here rather than in `workflows/` because the shell embedded in `run:` steps is
//! found while parsing (`embed.rs`), below the workflow model.

use crate::parse::yaml::YamlNode;

/// Steps of a job, in order, with the steps of a `parallel:` group in place of the group.
pub fn steps(job: &YamlNode) -> Vec<&YamlNode> {
    flatten_steps(job.get("steps"))
}

/// Steps of a composite action, `parallel:` groups flattened like [`steps`].
pub fn action_steps(root: &YamlNode) -> Vec<&YamlNode> {
    flatten_steps(root.at(&["runs", "steps"]))
}

fn flatten_steps(seq: Option<&YamlNode>) -> Vec<&YamlNode> {
    let mut out = Vec::new();
    for step in seq.and_then(|s| s.as_seq()).unwrap_or(&[]) {
        match step.get("parallel").and_then(|p| p.as_seq()) {
            Some(group) => out.extend(group.iter()),
            None => out.push(step),
        }
    }
    out
}
