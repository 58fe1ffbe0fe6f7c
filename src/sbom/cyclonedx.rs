//! CycloneDX 1.6 JSON.

use serde_json::{json, Map, Value};

use super::model::{Ecosystem, HashAlg};
use super::{is_spdx_expression, is_spdx_id, rfc3339, Project, Sbom};

fn alg_name(a: HashAlg) -> &'static str {
    match a {
        HashAlg::Sha1 => "SHA-1",
        HashAlg::Sha256 => "SHA-256",
        HashAlg::Sha384 => "SHA-384",
        HashAlg::Sha512 => "SHA-512",
    }
}

/// A `licenses` array: an SPDX id, an SPDX expression, or a free-text name.
fn licenses(l: &str) -> Value {
    let l = l.trim();
    if is_spdx_id(l) {
        json!([{ "license": { "id": l } }])
    } else if is_spdx_expression(l) {
        json!([{ "expression": l }])
    } else {
        json!([{ "license": { "name": l } }])
    }
}

fn project_component(p: &Project) -> Value {
    let mut c = Map::new();
    c.insert("type".into(), json!("application"));
    c.insert("bom-ref".into(), json!(p.bom_ref));
    c.insert("name".into(), json!(p.name));
    if let Some(v) = &p.version {
        c.insert("version".into(), json!(v));
    }
    if let Some(l) = &p.license {
        c.insert("licenses".into(), licenses(l));
    }
    if !p.dir.is_empty() {
        c.insert(
            "properties".into(),
            json!([{ "name": "harden:directory", "value": p.dir }]),
        );
    }
    Value::Object(c)
}

/// The document; `when` is a Unix time; with `deterministic` the serial number
/// is derived from the content instead of random.
pub fn render(sbom: &Sbom, when: i64, deterministic: bool) -> Value {
    let mut components = Vec::new();
    for p in &sbom.projects {
        components.push(project_component(p));
    }
    for c in sbom.components.values() {
        let mut m = Map::new();
        let kind = match c.ecosystem {
            Ecosystem::Container => "container",
            _ => "library",
        };
        m.insert("type".into(), json!(kind));
        m.insert("bom-ref".into(), json!(c.purl));
        m.insert("name".into(), json!(c.name));
        m.insert("version".into(), json!(c.version));
        m.insert("purl".into(), json!(c.purl));
        if !c.hashes.is_empty() {
            let hashes: Vec<Value> = c
                .hashes
                .iter()
                .map(|h| json!({ "alg": alg_name(h.alg), "content": h.hex }))
                .collect();
            m.insert("hashes".into(), Value::Array(hashes));
        }
        if let Some(l) = &c.license {
            m.insert("licenses".into(), licenses(l));
        }
        let mut props: Vec<Value> = c
            .locations
            .iter()
            .map(|l| json!({ "name": "harden:lockfile", "value": l }))
            .collect();
        for (k, v) in &c.properties {
            props.push(json!({ "name": k, "value": v }));
        }
        if c.dev {
            props.push(json!({ "name": "harden:dev-only", "value": "true" }));
        }
        m.insert("properties".into(), Value::Array(props));
        components.push(Value::Object(m));
    }
    let mut deps = Vec::new();
    let mut root_on: Vec<&str> = sbom.root.direct.iter().map(String::as_str).collect();
    root_on.extend(sbom.projects.iter().map(|p| p.bom_ref.as_str()));
    root_on.sort_unstable();
    root_on.dedup();
    deps.push(json!({ "ref": sbom.root.bom_ref, "dependsOn": root_on }));
    for p in &sbom.projects {
        deps.push(json!({ "ref": p.bom_ref, "dependsOn": p.direct }));
    }
    for c in sbom.components.values() {
        deps.push(json!({ "ref": c.purl, "dependsOn": c.deps }));
    }
    let mut doc = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "",
        "version": 1,
        "metadata": {
            "timestamp": rfc3339(when),
            "tools": { "components": [{
                "type": "application",
                "name": "harden",
                "version": env!("CARGO_PKG_VERSION"),
            }]},
            "component": project_component(&sbom.root),
            "properties": sbom.lockfiles.iter()
                .map(|l| json!({ "name": "harden:lockfile", "value": l }))
                .collect::<Vec<_>>(),
        },
        "components": components,
        "dependencies": deps,
    });
    let uuid = if deterministic {
        let bytes = serde_json::to_vec(&doc).unwrap_or_default();
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, &bytes)
    } else {
        uuid::Uuid::new_v4()
    };
    doc["serialNumber"] = json!(format!("urn:uuid:{uuid}"));
    doc
}
