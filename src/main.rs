//! The `faultcast` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    faultcast::cli::main()
}
