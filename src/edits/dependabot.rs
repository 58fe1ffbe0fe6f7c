//! Writing `.github/dependabot.yml` from what the repository actually contains:
//! one entry per ecosystem (all its directories), weekly, minor/patch updates
//! grouped, a week's cooldown, and major updates of pinned platform images and ML
//! frameworks ignored (they need a person: a CUDA or Python major is a migration).

use std::collections::BTreeMap;
use std::path::Path;

use crate::classify::InventoryEntry;
use crate::ecosystems::{Detected, Ecosystem};
use crate::parse::dockerfile;

/// Images whose major version is a platform migration, not an update.
const PLATFORM_IMAGES: &[&str] = &[
    "nvidia/cuda",
    "nvcr.io/nvidia/cuda",
    "nvcr.io/nvidia/pytorch",
    "pytorch/pytorch",
    "tensorflow/tensorflow",
    "python",
    "node",
    "golang",
    "rust",
    "ruby",
    "php",
    "openjdk",
    "eclipse-temurin",
    "amazoncorretto",
    "mcr.microsoft.com/dotnet/sdk",
    "mcr.microsoft.com/dotnet/aspnet",
    "postgres",
    "mysql",
    "mariadb",
    "redis",
    "mongo",
    "elasticsearch",
    "ubuntu",
    "debian",
    "alpine",
];

/// Python packages whose major versions break models and CUDA builds.
const PINNED_FRAMEWORKS: &[&str] = &[
    "torch",
    "torchvision",
    "torchaudio",
    "tensorflow",
    "jax",
    "jaxlib",
    "numpy",
];

/// The image name of a `FROM` reference without registry-less tag or digest (`python:3.12-slim` → `python`).
fn image_name(reference: &str) -> Option<&str> {
    if reference.contains('$') || reference.eq_ignore_ascii_case("scratch") {
        return None;
    }
    let no_digest = reference.split('@').next()?;
    // The tag is after the last ':' that follows the last '/'.
    let slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    Some(match no_digest[slash..].find(':') {
        Some(c) => &no_digest[..slash + c],
        None => no_digest,
    })
}

/// Platform images the repository pins in its Dockerfiles (tagged, not `latest`).
fn pinned_platform_images(root: &Path, inventory: &[InventoryEntry]) -> Vec<String> {
    let mut out = Vec::new();
    for e in inventory
        .iter()
        .filter(|e| e.kind == Some(crate::classify::FileKind::Dockerfile))
    {
        let Ok(text) = crate::files::read_repo_file(root, &e.path) else {
            continue;
        };
        let df = dockerfile::parse(&text);
        let args = crate::parse::dockerfile::global_args(&df);
        let stage_names: Vec<String> = df.stages.iter().filter_map(|s| s.name.clone()).collect();
        for st in &df.stages {
            if stage_names.contains(&st.image.to_ascii_lowercase()) {
                continue;
            }
            let Some(image) = crate::parse::dockerfile::resolve(&st.image, &args) else {
                continue;
            };
            let Some(name) = image_name(&image) else {
                continue;
            };
            let tagged = image.len() > name.len() && !image.ends_with(":latest");
            if tagged && PLATFORM_IMAGES.contains(&name) && !out.iter().any(|o: &String| o == name)
            {
                out.push(name.to_string());
            }
        }
    }
    out.sort();
    out
}

/// ML frameworks pinned with `==` in requirements files.
fn pinned_frameworks(root: &Path, inventory: &[InventoryEntry]) -> Vec<String> {
    let mut out = Vec::new();
    for e in inventory.iter() {
        let name = e.path.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
        if !crate::classify::is_requirements_name(&name) {
            continue;
        }
        let Ok(text) = crate::files::read_repo_file(root, &e.path) else {
            continue;
        };
        for line in text.lines() {
            let l = line.trim().to_ascii_lowercase();
            if let Some((pkg, _)) = l.split_once("==") {
                let pkg = pkg.split('[').next().unwrap_or("").trim();
                if PINNED_FRAMEWORKS.contains(&pkg) && !out.iter().any(|o: &String| o == pkg) {
                    out.push(pkg.to_string());
                }
            }
        }
    }
    out.sort();
    out
}

/// The YAML text of a new `.github/dependabot.yml`.
pub fn generate(root: &Path, inventory: &[InventoryEntry], found: &[Detected]) -> String {
    let mut dirs: BTreeMap<&'static str, Vec<&str>> = BTreeMap::new();
    for d in found {
        let v = dirs.entry(d.ecosystem.as_str()).or_default();
        if !v.contains(&d.dir.as_str()) {
            v.push(d.dir.as_str());
        }
    }
    let images = pinned_platform_images(root, inventory);
    let frameworks = pinned_frameworks(root, inventory);
    let mut y = String::from(
        "# Written by `harden fix`: one entry per ecosystem found in the repository.\n\
         # Minor and patch updates are grouped into one pull request per ecosystem;\n\
         # major updates of pinned platform images and frameworks need a person.\n\
         version: 2\nupdates:\n",
    );
    for (eco, list) in &dirs {
        y.push_str(&format!("  - package-ecosystem: \"{eco}\"\n"));
        if list.len() == 1 {
            y.push_str(&format!("    directory: \"{}\"\n", list[0]));
        } else {
            y.push_str("    directories:\n");
            for d in list {
                y.push_str(&format!("      - \"{d}\"\n"));
            }
        }
        y.push_str("    schedule:\n      interval: \"weekly\"\n");
        y.push_str("    open-pull-requests-limit: 5\n");
        // A week: most compromised releases are pulled within days (zizmor's
        // dependabot-cooldown asks for seven).
        y.push_str("    cooldown:\n      default-days: 7\n");
        y.push_str(
            "    groups:\n      minor-and-patch:\n        update-types: [\"minor\", \"patch\"]\n",
        );
        let ignored: &[String] = match Ecosystem::from_dependabot(eco) {
            Some(Ecosystem::Docker) | Some(Ecosystem::DockerCompose) => &images,
            Some(Ecosystem::Pip) | Some(Ecosystem::Uv) => &frameworks,
            _ => &[],
        };
        if !ignored.is_empty() {
            y.push_str("    ignore:\n");
            for name in ignored {
                y.push_str(&format!(
                    "      - dependency-name: \"{name}\"\n        update-types: [\"version-update:semver-major\"]\n"
                ));
            }
        }
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names() {
        assert_eq!(image_name("python:3.12-slim"), Some("python"));
        assert_eq!(
            image_name("nvidia/cuda:12.1.0-runtime-ubuntu22.04"),
            Some("nvidia/cuda")
        );
        assert_eq!(
            image_name("registry:5000/team/app:1.2"),
            Some("registry:5000/team/app")
        );
        assert_eq!(image_name("alpine@sha256:abcd"), Some("alpine"));
        assert_eq!(image_name("${BASE}"), None);
    }
}
