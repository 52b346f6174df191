//! Allocator tuning. Each argon2id hash allocates a 19 MiB buffer; glibc serves buffers
//! that large with mmap but then raises its mmap threshold on free, so later buffers come
//! from the heap and stay resident: a burst of sign-ins left the process at gigabytes.
//! A fixed threshold keeps large buffers mmapped and returned to the OS on free.

/// Buffers from this size up are always mmapped.
const MMAP_THRESHOLD_BYTES: i32 = 1024 * 1024;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn return_large_buffers_to_the_os() {
    // SAFETY: mallopt only changes allocator parameters; it is called once at start-up
    // before the server spawns its threads.
    let applied = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) };
    if applied != 1 {
        tracing::warn!("mallopt(M_MMAP_THRESHOLD) was refused; memory may stay high after sign-in bursts");
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn return_large_buffers_to_the_os() {
    let _ = MMAP_THRESHOLD_BYTES;
}
