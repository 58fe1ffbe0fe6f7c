//! Building the edits rules attach to findings: text a fix inserts or
//! replaces, and whole files a fix creates. Rules and the fix engine both use
//! it (rules -> edits <- fix); it knows nothing of either, so a rule never
//! imports the engine that applies its edits.

pub mod dependabot;
pub mod yaml;

/// `"\r\n"` when the file uses CRLF line endings, else `"\n"`.
pub fn newline_of(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// A `[fix]` value from harden.toml as text (strings as they are, numbers printed).
pub fn fix_setting(config: &crate::config::Config, key: &str) -> Option<String> {
    let v = config.extra.get("fix")?.get(key)?;
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}
