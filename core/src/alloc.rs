//! The global allocator of every binding (feature `mimalloc`): the Rust allocations of the extension module, addon
//! or library go to mimalloc, whose per-thread heaps keep the async lane's allocate-and-free per call off a shared
//! lock. With glibc's malloc, `perf` of 64 asyncio calls in flight put about a seventh of the lane thread's time in
//! `_int_malloc`, `malloc_consolidate` and `free`; with mimalloc the whole process used about 12% less CPU per call
//! (bench/python/bench_concurrency.py workers, same server, alternating, 2026-12-02). The host's own allocations
//! (Python objects, V8, the JVM) are untouched.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
