//! Advisory whole-file locks (`flock` on Unix, `LockFileEx` on Windows) shared by every process using a spool.
//! A lock belongs to an open file handle, so two `Spool`s in one process exclude each other too, and the kernel
//! releases it when the holder dies (kill -9 included).

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// A held lock; released on drop (or when the process dies).
#[derive(Debug)]
pub(crate) struct Held<'a>(&'a File);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        // Closing the handle releases the lock as well; an unlock error leaves nothing to undo.
        let _ = fs4::FileExt::unlock(self.0);
    }
}

/// Opens (creating if needed) a lock file. Lock files are never removed: removing one could let two processes
/// lock two different files under the same name.
pub(crate) fn open(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)
}

/// Waits for the exclusive lock.
pub(crate) fn exclusive(file: &File) -> io::Result<Held<'_>> {
    fs4::FileExt::lock(file)?;
    Ok(Held(file))
}

/// The exclusive lock if nobody holds it, `None` if another handle does.
pub(crate) fn try_exclusive(file: &File) -> io::Result<Option<Held<'_>>> {
    match fs4::FileExt::try_lock(file) {
        Ok(()) => Ok(Some(Held(file))),
        Err(fs4::TryLockError::WouldBlock) => Ok(None),
        Err(fs4::TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_handles_exclude_each_other_until_release() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let (a, b) = (open(&path).unwrap(), open(&path).unwrap());
        let held = try_exclusive(&a).unwrap().expect("first lock");
        assert!(try_exclusive(&b).unwrap().is_none(), "second handle must wait");
        drop(held);
        assert!(try_exclusive(&b).unwrap().is_some(), "free after release");
    }
}
