//! Writing output files without losing data: never a half-written file, never over
//! an input, never replacing a symlink or a device with a regular file.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` so that a reader never sees a part of them.
///
/// A regular file (or a new one) is replaced atomically: a temporary file beside
/// it, synced, renamed over it; the new file's mode follows the umask like any
/// file the user writes. A symbolic link is followed and its target replaced the
/// same way, so the link stays a link. A device or a pipe (`/dev/null`,
/// `/dev/stdout`) is written directly: renaming over it would replace it.
#[cfg(test)]
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// As [`write_atomic`], with the text written by `write` as it is produced: a large
/// output (JSON for 100,000 menus) never has to sit in memory whole.
pub(crate) fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // a standard stream is written through the process's own handle: when it is a
    // file (`> out`, `>> log`), following the link would replace that file, and
    // reopening it would write over its start
    match std_stream(path) {
        Some(Stream::Out) => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            write(&mut w)?;
            return w.flush();
        }
        Some(Stream::Err) => {
            let mut w = std::io::BufWriter::new(std::io::stderr().lock());
            write(&mut w)?;
            return w.flush();
        }
        Some(Stream::Other) => {
            let f = std::fs::OpenOptions::new().append(true).open(path)?;
            let mut w = std::io::BufWriter::new(f);
            write(&mut w)?;
            return w.flush();
        }
        None => {}
    }
    let target = resolve_links(path)?;
    if let Ok(meta) = std::fs::metadata(&target) {
        if !meta.is_file() {
            let f = std::fs::OpenOptions::new().write(true).open(&target)?;
            let mut w = std::io::BufWriter::new(f);
            write(&mut w)?;
            return w.flush();
        }
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".menulint-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // the kernel applies the umask to the mode given at creation, as for any file
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut w)?;
        w.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

enum Stream {
    Out,
    Err,
    /// Another inherited descriptor (`/dev/fd/3`).
    Other,
}

/// The inherited stream a path names: `/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`…
fn std_stream(path: &Path) -> Option<Stream> {
    let s = path.to_str()?;
    let fd = s
        .strip_prefix("/dev/fd/")
        .or_else(|| s.strip_prefix("/proc/self/fd/"));
    match (s, fd) {
        ("/dev/stdout", _) | (_, Some("1")) => Some(Stream::Out),
        ("/dev/stderr", _) | (_, Some("2")) => Some(Stream::Err),
        (_, Some(n)) if n.parse::<u32>().is_ok() => Some(Stream::Other),
        _ => None,
    }
}

/// Follows symbolic links (a chain, relative or absolute) to the path they name,
/// which need not exist yet.
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// Where a path really is: links followed, made absolute, for comparing outputs
/// with inputs (the file need not exist yet; its directory must).
fn identity(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let target = resolve_links(path).ok()?;
    let name = target.file_name()?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(dir).ok()?.join(name))
}

/// Checks a run's output paths before anything is written: none may be one of the
/// inputs (a menu, a config, a rule pack), and no two may be the same file.
/// Devices (`/dev/null`, `/dev/stdout`) may take any number of outputs.
pub(crate) fn check_outputs(outputs: &[&Path], inputs: &[PathBuf]) -> Result<(), String> {
    let files: Vec<(&Path, PathBuf)> = outputs
        .iter()
        // a standard stream is written through, never replaced
        .filter(|out| std_stream(out).is_none())
        .filter_map(|&out| Some((out, identity(out)?)))
        .filter(|(_, id)| !std::fs::metadata(id).is_ok_and(|m| !m.is_file() && !m.is_dir()))
        .collect();
    if files.is_empty() {
        return Ok(());
    }
    // each input is resolved once, and none is kept: a directory run has thousands
    let mut is_input = vec![false; files.len()];
    for id in inputs.iter().filter_map(|p| identity(p)) {
        for (i, (_, out)) in files.iter().enumerate() {
            is_input[i] |= *out == id;
        }
    }
    let mut seen: Vec<(PathBuf, &Path)> = Vec::new();
    for ((out, id), is_input) in files.into_iter().zip(is_input) {
        if is_input {
            return Err(format!(
                "refusing to write {}: it is one of the inputs of this run; choose another output path",
                out.display()
            ));
        }
        if let Some((_, first)) = seen.iter().find(|(p, _)| *p == id) {
            return Err(format!(
                "{} and {} are the same file: each output needs its own path",
                first.display(),
                out.display()
            ));
        }
        seen.push((id, out));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_that_are_inputs_or_twice_the_same_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let menu = dir.path().join("m.toml");
        std::fs::write(&menu, "x").unwrap();
        let out = dir.path().join("out.json");
        assert!(check_outputs(&[&out], std::slice::from_ref(&menu)).is_ok());
        let err = check_outputs(&[&menu], std::slice::from_ref(&menu)).unwrap_err();
        assert!(err.contains("inputs"), "{err}");
        let again = dir.path().join(".").join("out.json");
        let err = check_outputs(&[&out, &again], &[]).unwrap_err();
        assert!(err.contains("same file"), "{err}");
        #[cfg(unix)]
        {
            let link = dir.path().join("link.toml");
            std::os::unix::fs::symlink(&menu, &link).unwrap();
            assert!(check_outputs(&[&link], std::slice::from_ref(&menu)).is_err());
            let null = Path::new("/dev/null");
            assert!(check_outputs(&[null, null], &[]).is_ok());
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_stays_a_link_and_its_target_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.json");
        std::fs::write(&target, "old").unwrap();
        let link = dir.path().join("out.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        // a device is written, not replaced
        write_atomic(Path::new("/dev/null"), b"x").unwrap();
        assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
        let full = Path::new("/dev/full");
        if full.exists() {
            assert!(write_atomic(full, b"x").is_err());
        }
    }
}
