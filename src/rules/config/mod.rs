//! `config/` rules: configuration values copied or hard-coded across the repository
//! (cross-file: state is collected per file and reported from `finish`).

use super::Rule;

pub mod duplicated_credential;
pub mod duplicated_mapping;
pub mod hardcoded_ip;
pub mod scattered_connection_settings;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(duplicated_credential::DuplicatedCredential::default()),
        Box::new(hardcoded_ip::HardcodedIp::default()),
        Box::new(duplicated_mapping::DuplicatedMapping::default()),
        Box::new(scattered_connection_settings::ScatteredConnectionSettings::default()),
    ]
}
