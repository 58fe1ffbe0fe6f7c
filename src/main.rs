//! The `harden` binary: parses arguments and maps results to exit codes.

fn main() {
    std::process::exit(harden::cli::run());
}
