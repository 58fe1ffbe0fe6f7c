//! SPDX 2.3 JSON.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::model::{Ecosystem, HashAlg};
use super::{is_spdx_expression, rfc3339, Project, Sbom};

fn alg_name(a: HashAlg) -> &'static str {
    match a {
        HashAlg::Sha1 => "SHA1",
        HashAlg::Sha256 => "SHA256",
        HashAlg::Sha384 => "SHA384",
        HashAlg::Sha512 => "SHA512",
    }
}

/// SPDX ids allow letters, digits, `.` and `-`.
fn spdx_id(prefix: &str, n: usize, name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("SPDXRef-{prefix}-{n}-{clean}")
}

fn declared(l: Option<&String>) -> String {
    match l {
        Some(l) if is_spdx_expression(l.trim()) => l.trim().to_string(),
        _ => "NOASSERTION".to_string(),
    }
}

fn project_package(p: &Project, id: &str) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(p.name));
    m.insert("SPDXID".into(), json!(id));
    if let Some(v) = &p.version {
        m.insert("versionInfo".into(), json!(v));
    }
    m.insert("downloadLocation".into(), json!("NOASSERTION"));
    m.insert("filesAnalyzed".into(), json!(false));
    m.insert("licenseConcluded".into(), json!("NOASSERTION"));
    m.insert(
        "licenseDeclared".into(),
        json!(declared(p.license.as_ref())),
    );
    m.insert("copyrightText".into(), json!("NOASSERTION"));
    m.insert("primaryPackagePurpose".into(), json!("APPLICATION"));
    Value::Object(m)
}

/// The document; `when` is a Unix time; with `deterministic` the namespace is
/// derived from the content instead of random.
pub fn render(sbom: &Sbom, when: i64, deterministic: bool) -> Value {
    let mut packages = Vec::new();
    let mut rels = Vec::new();
    let root_id = "SPDXRef-Root".to_string();
    packages.push(project_package(&sbom.root, &root_id));
    rels.push(json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": root_id,
    }));
    let mut ids: HashMap<&str, String> = HashMap::new();
    for (n, c) in sbom.components.values().enumerate() {
        let id = spdx_id("Package", n + 1, &c.name);
        ids.insert(c.purl.as_str(), id.clone());
        let mut m = Map::new();
        m.insert("name".into(), json!(c.name));
        m.insert("SPDXID".into(), json!(id));
        m.insert("versionInfo".into(), json!(c.version));
        m.insert("downloadLocation".into(), json!("NOASSERTION"));
        m.insert("filesAnalyzed".into(), json!(false));
        if !c.hashes.is_empty() {
            let sums: Vec<Value> = c
                .hashes
                .iter()
                .map(|h| json!({ "algorithm": alg_name(h.alg), "checksumValue": h.hex }))
                .collect();
            m.insert("checksums".into(), Value::Array(sums));
        }
        m.insert("licenseConcluded".into(), json!("NOASSERTION"));
        m.insert(
            "licenseDeclared".into(),
            json!(declared(c.license.as_ref())),
        );
        m.insert("copyrightText".into(), json!("NOASSERTION"));
        m.insert(
            "externalRefs".into(),
            json!([{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": c.purl,
            }]),
        );
        let purpose = match c.ecosystem {
            Ecosystem::Container => "CONTAINER",
            _ => "LIBRARY",
        };
        m.insert("primaryPackagePurpose".into(), json!(purpose));
        let locs: Vec<&str> = c.locations.iter().map(String::as_str).collect();
        let verb = match c.ecosystem {
            Ecosystem::GitHubActions | Ecosystem::Container => "used in",
            _ => "locked in",
        };
        m.insert(
            "sourceInfo".into(),
            json!(format!("{verb} {}", locs.join(", "))),
        );
        if !c.properties.is_empty() {
            let notes: Vec<String> = c
                .properties
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            m.insert("comment".into(), json!(notes.join("; ")));
        }
        packages.push(Value::Object(m));
    }
    let depends = |from: &str, to: &str, rels: &mut Vec<Value>| {
        rels.push(json!({
            "spdxElementId": from,
            "relationshipType": "DEPENDS_ON",
            "relatedSpdxElement": to,
        }));
    };
    for p in &sbom.root.direct {
        if let Some(to) = ids.get(p.as_str()) {
            depends(&root_id, to, &mut rels);
        }
    }
    for (n, p) in sbom.projects.iter().enumerate() {
        let id = spdx_id("Project", n + 1, &p.name);
        packages.push(project_package(p, &id));
        depends(&root_id, &id, &mut rels);
        for d in &p.direct {
            if let Some(to) = ids.get(d.as_str()) {
                depends(&id, to, &mut rels);
            }
        }
    }
    for c in sbom.components.values() {
        let Some(from) = ids.get(c.purl.as_str()) else {
            continue;
        };
        for d in &c.deps {
            if let Some(to) = ids.get(d.as_str()) {
                depends(from, to, &mut rels);
            }
        }
    }
    let mut doc = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": sbom.root.name,
        "documentNamespace": "",
        "creationInfo": {
            "created": rfc3339(when),
            "creators": [format!("Tool: harden-{}", env!("CARGO_PKG_VERSION"))],
        },
        "packages": packages,
        "relationships": rels,
    });
    let uuid = if deterministic {
        let bytes = serde_json::to_vec(&doc).unwrap_or_default();
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, &bytes)
    } else {
        uuid::Uuid::new_v4()
    };
    let slug: String = sbom
        .root
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    doc["documentNamespace"] = json!(format!("https://spdx.org/spdxdocs/{slug}-{uuid}"));
    doc
}
