//! What the tools that deploy Kubernetes manifests say about other files: a
//! kustomization's patches (a patch file is a fragment, not an object) and the
//! images whose tag it sets, the images a skaffold config builds (it substitutes
//! the tag it built), and `LimitRange`s with a default memory limit (every
//! container in their namespace gets one). Facts across files, read by the
//! Kubernetes rules in their cross-file pass.

use crate::parse::yaml::YamlNode;

use super::paths::{dir_of, file_name};

/// What one YAML document of a deployment tool declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeployToolFacts {
    /// Repository paths a kustomization uses as patches.
    pub patches: Vec<String>,
    /// Image names (no tag, no digest) a kustomization `images:` entry or a
    /// skaffold artifact sets the tag of.
    pub images: Vec<String>,
    /// Namespaces of `LimitRange`s with a default memory limit.
    pub limit_ranges: Vec<String>,
    /// A `LimitRange` with a default memory limit and no namespace (it applies
    /// wherever it is applied).
    pub limit_range_any: bool,
}

impl DeployToolFacts {
    /// Adds another document's facts.
    pub fn extend(&mut self, other: DeployToolFacts) {
        self.patches.extend(other.patches);
        self.images.extend(other.images);
        self.limit_ranges.extend(other.limit_ranges);
        self.limit_range_any |= other.limit_range_any;
    }

    /// Sorted and deduplicated, for lookup.
    pub fn sort(&mut self) {
        for v in [&mut self.patches, &mut self.images, &mut self.limit_ranges] {
            v.sort();
            v.dedup();
        }
    }
}

/// Whether `doc` (of the file at `path`) is a deployment tool's document rather
/// than an object deployed: a skaffold config, a `LimitRange`, a `Kustomization`
/// (or a `kustomization.yaml` without `kind`).
pub fn is_deploy_tool_doc(doc: &YamlNode, path: &str) -> bool {
    let kind = doc.get("kind").and_then(|k| k.as_str());
    let api = doc.get("apiVersion").and_then(|k| k.as_str()).unwrap_or("");
    api.starts_with("skaffold/") || kind == Some("LimitRange") || is_kustomization(doc, path)
}

fn is_kustomization(doc: &YamlNode, path: &str) -> bool {
    let kind = doc.get("kind").and_then(|k| k.as_str());
    let name = file_name(path);
    let named = name.eq_ignore_ascii_case("kustomization.yaml")
        || name.eq_ignore_ascii_case("kustomization.yml")
        || name == "Kustomization";
    kind == Some("Kustomization") || (kind.is_none() && named)
}

/// The facts of one document of the file at `path` (empty for any other document).
pub fn deploy_tool_facts(doc: &YamlNode, path: &str) -> DeployToolFacts {
    let mut out = DeployToolFacts::default();
    let kind = doc.get("kind").and_then(|k| k.as_str());
    let api = doc.get("apiVersion").and_then(|k| k.as_str()).unwrap_or("");
    if api.starts_with("skaffold/") {
        let mut builds: Vec<&YamlNode> = doc.get("build").into_iter().collect();
        for p in doc.get("profiles").and_then(|p| p.as_seq()).unwrap_or(&[]) {
            builds.extend(p.get("build"));
        }
        for b in builds {
            for a in b.get("artifacts").and_then(|a| a.as_seq()).unwrap_or(&[]) {
                if let Some(i) = a.get("image").and_then(|i| i.as_str()) {
                    out.images.push(image_name(i));
                }
            }
        }
        return out;
    }
    if kind == Some("LimitRange") {
        let has_default_memory = doc
            .at(&["spec", "limits"])
            .and_then(|l| l.as_seq())
            .unwrap_or(&[])
            .iter()
            .any(|l| l.at(&["default", "memory"]).is_some());
        if has_default_memory {
            match doc.at(&["metadata", "namespace"]).and_then(|n| n.as_str()) {
                Some(ns) => out.limit_ranges.push(ns.to_string()),
                None => out.limit_range_any = true,
            }
        }
        return out;
    }
    if !is_kustomization(doc, path) {
        return out;
    }
    let dir = dir_of(path);
    for key in ["patchesStrategicMerge", "patches", "patchesJson6902"] {
        for item in doc.get(key).and_then(|p| p.as_seq()).unwrap_or(&[]) {
            let p = item
                .as_str()
                .or_else(|| item.get("path").and_then(|p| p.as_str()));
            // An inline patch (`- |-` block) contains newlines: not a path.
            if let Some(p) = p.filter(|p| !p.contains('\n')) {
                out.patches.push(join_rel(dir, p.trim()));
            }
        }
    }
    for item in doc.get("images").and_then(|p| p.as_seq()).unwrap_or(&[]) {
        if let Some(n) = item.get("name").and_then(|n| n.as_str()) {
            out.images.push(n.to_string());
        }
    }
    out
}

/// Normalises `dir/../x/./y` into a repository path.
fn join_rel(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The name part of an image reference (no tag, no digest).
pub fn image_name(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last_slash = no_digest.rfind('/').map(|i| i + 1).unwrap_or(0);
    match no_digest[last_slash..].rfind(':') {
        Some(c) => no_digest[..last_slash + c].to_string(),
        None => no_digest.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_names() {
        assert_eq!(
            join_rel("overlays/prod", "../../base/patch.yaml"),
            "base/patch.yaml"
        );
        assert_eq!(join_rel("", "./patch.yaml"), "patch.yaml");
        assert_eq!(image_name("registry:5000/app:1.2"), "registry:5000/app");
        assert_eq!(image_name("app"), "app");
        assert_eq!(image_name("app@sha256:ab"), "app");
    }

    #[test]
    fn kustomization_skaffold_and_limit_range() {
        let y = crate::parse::yaml::parse(
            "patches:\n  - path: ../../base/p.yaml\n  - |-\n    - op: add\n      path: /x\nimages:\n  - name: app\n",
        );
        let doc = y.documents[0]
            .root
            .as_ref()
            .map(|r| deploy_tool_facts(r, "overlays/prod/kustomization.yaml"));
        let f = doc.unwrap_or_default();
        assert_eq!(f.patches, vec!["base/p.yaml"]);
        assert_eq!(f.images, vec!["app"]);
        let y = crate::parse::yaml::parse(
            "apiVersion: v1\nkind: LimitRange\nmetadata: {namespace: prod}\nspec:\n  limits:\n    - default: {memory: 512Mi}\n",
        );
        let f = y.documents[0]
            .root
            .as_ref()
            .map(|r| deploy_tool_facts(r, "k8s/lr.yaml"))
            .unwrap_or_default();
        assert_eq!(f.limit_ranges, vec!["prod"]);
        assert!(!f.limit_range_any);
    }
}
