//! The `faultcast` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
    faultcast::cli::main()
}

/// Arenas glibc may keep, unless the operator set `MALLOC_ARENA_MAX`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MALLOC_ARENAS: libc::c_int = 2;

/// glibc gives threads that allocate at the same time arenas of their own (up to eight per
/// core), and memory freed in one arena is not reused by the others. During a fan-out the
/// runtime's and sqlx's threads all allocate: with 100,000 contacts on SQLite the daemon
/// peaked at 76–88 MB, with two arenas at 53–76 MB for the same speed (bench/email_fanout.sh).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets an allocator parameter, and this runs first in main,
        // before any other thread exists.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, MALLOC_ARENAS);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
