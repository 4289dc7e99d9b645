"""A file system error said as a sentence: what failed, on which path, and what to do."""

from __future__ import annotations

import errno

_ADVICE = {
    errno.EISDIR: "it is a directory: give the path of a file",
    errno.ENOTDIR: "a part of the path is not a directory: check the path",
    errno.ENOENT: "it does not exist: check the path (and that its directory exists)",
    errno.EACCES: "permission denied: check the file's and its directory's permissions (`ls -l`)",
    errno.EPERM: "the operation is not permitted: the file may be immutable or append-only (`lsattr`); "
                 "ask whoever set that, or work on a copy",
    errno.EROFS: "the file system is read-only: copy the ledger to a writable place, or remount it read-write",
    errno.ENOSPC: "the disk is full: free some space and try again",
    errno.EDQUOT: "the disk quota is used up: free some space and try again",
    errno.EIO: "the disk reported an input/output error: check the device, and restore the file from a copy",
    errno.ENAMETOOLONG: "the file name is too long: give a shorter path",
    errno.ELOOP: "the path loops through symbolic links: check the links",
}


def explain(err: OSError) -> str:
    """The sentence for `err`; the change or report was not made (an append is all or nothing)."""
    where = err.filename if err.filename is not None else "a file"
    if err.filename2 is not None:
        where = f"{where} -> {err.filename2}"
    what = err.strerror or str(err) or type(err).__name__
    advice = _ADVICE.get(err.errno or 0, "check the path and try again")
    return f"cannot use {where}: {what}; {advice}. Nothing was written to the ledger."
