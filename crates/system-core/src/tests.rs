//! The system functions against fake cgroup and proc trees, and property-based fuzzing of the
//! parsers. Unit tests of the crate, not integration tests: they call internal items (the cgroup
//! readers, the meminfo reader, [`AsciiDigitsOnly`](crate::pytext::AsciiDigitsOnly)) directly.

mod fake_trees;
mod fuzz_cgroup;
