//! `secrets/` rules: credentials committed to the repository.

use super::Rule;

pub mod detect;
pub mod hardcoded_credential;
pub mod provider_credential;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(provider_credential::ProviderCredential),
        Box::new(hardcoded_credential::HardcodedCredential),
    ]
}
