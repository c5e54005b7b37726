//! Thread counts: `get_parallel_threads`.

use nix::unistd::{SysconfVar, sysconf};

/// Thread multiplier for Kubernetes, where work waits on the API server more than on CPUs.
const KUBERNETES_THREAD_MULTIPLIER: i64 = 4;

/// Minimum number of parallel threads (before the multiplier), whatever the CPU count.
pub(crate) const MIN_THREADS: i64 = 4;

/// The number of online CPUs as Python's `os.cpu_count()` reports it on Linux:
/// `sysconf(_SC_NPROCESSORS_ONLN)`, or `None` when that fails or is below 1.
///
/// Read on every call (glibc reads `/sys/devices/system/cpu/online`); CPUs can come and go.
#[allow(clippy::useless_conversion, reason = "c_long is i32 on 32-bit targets")]
pub fn online_cpu_count() -> Option<i64> {
    match sysconf(SysconfVar::_NPROCESSORS_ONLN) {
        Ok(Some(n)) if n >= 1 => Some(i64::from(n)),
        _ => None,
    }
}

/// Whether a cloud name means Kubernetes: non-empty and lower-casing to `kubernetes`
/// (Unicode lower-casing, as Python's `str.lower`; the Kelvin sign `K` counts as `k`).
pub fn is_kubernetes(cloud: &str) -> bool {
    if cloud.is_ascii() {
        return cloud.eq_ignore_ascii_case("kubernetes");
    }
    cloud.to_lowercase() == "kubernetes"
}

/// The thread multiplier: 4 for Kubernetes ([`is_kubernetes`], or a binding's own test of a
/// cloud argument that is not a `str`), 1 otherwise (and for no cloud).
pub fn thread_multiplier(kubernetes: bool) -> i64 {
    if kubernetes {
        KUBERNETES_THREAD_MULTIPLIER
    } else {
        1
    }
}

/// `max(4, cpu_count - 1) * multiplier`, where a `None` CPU count counts as 1.
pub fn parallel_threads(cpu_count: Option<i64>, multiplier: i64) -> i64 {
    let cpus = cpu_count.unwrap_or(1);
    MIN_THREADS
        .max(cpus.saturating_sub(1))
        .saturating_mul(multiplier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_threads_formula() {
        assert_eq!(parallel_threads(None, 1), 4);
        assert_eq!(parallel_threads(Some(1), 1), 4);
        assert_eq!(parallel_threads(Some(5), 1), 4);
        assert_eq!(parallel_threads(Some(6), 1), 5);
        assert_eq!(parallel_threads(Some(64), 4), 252);
        assert_eq!(parallel_threads(None, 4), 16);
    }

    #[test]
    fn kubernetes_names() {
        for yes in [
            "kubernetes",
            "KUBERNETES",
            "Kubernetes",
            "kUbErNeTeS",
            "\u{212a}ubernetes",
        ] {
            assert!(is_kubernetes(yes), "{yes}");
            assert_eq!(thread_multiplier(is_kubernetes(yes)), 4);
        }
        for no in [
            "",
            "k8s",
            "kubernetes ",
            " kubernetes",
            "aws",
            "kubernetesx",
            "kübernetes",
        ] {
            assert!(!is_kubernetes(no), "{no}");
            assert_eq!(thread_multiplier(is_kubernetes(no)), 1);
        }
        assert_eq!(thread_multiplier(false), 1);
    }

    #[test]
    fn online_cpu_count_is_positive() {
        let n = online_cpu_count();
        assert!(n.is_some_and(|n| n >= 1), "{n:?}");
    }
}
