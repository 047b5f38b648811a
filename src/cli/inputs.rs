//! The files a command reads: arguments expanded (directories walked in sorted order,
//! hidden entries skipped, `-` for standard input), each read within the engine's size
//! limit, and the message for one that cannot be read.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use nianbao::ingest::MAX_INPUT_BYTES;
use nianbao::{InputError, Lang};

/// One input to read.
#[derive(Debug)]
pub struct Input {
    /// The name shown for it: the path as given or found, `-` for standard input.
    pub name: String,
    source: Source,
}

#[derive(Debug)]
enum Source {
    Stdin,
    File(PathBuf),
    /// Found while expanding the arguments: a missing path, an unreadable directory.
    Failed(io::Error),
}

/// Why an input was not checked.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    Input(InputError),
    /// The library failed on this input: a bug of nianbao, not of the report.
    Internal(String),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

impl From<InputError> for ReadError {
    fn from(e: InputError) -> Self {
        ReadError::Input(e)
    }
}

impl ReadError {
    /// A stable code: the engine's ([`InputError::code`]), or `io` for the file system's.
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::Io(_) => "io",
            ReadError::Input(e) => e.code(),
            ReadError::Internal(_) => "internal",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ReadError::Input(e), Lang::Zh) => e.message_zh(),
            (ReadError::Input(e), Lang::En) => e.to_string(),
            (ReadError::Io(e), _) => match e.kind() {
                io::ErrorKind::NotFound => {
                    lang.say("文件不存在", "no such file or directory").into()
                }
                io::ErrorKind::PermissionDenied => {
                    lang.say("没有读取权限", "permission denied").into()
                }
                _ => format!("{}{e}", lang.say("无法读取：", "cannot read: ")),
            },
            (ReadError::Internal(why), _) => format!(
                "{}{why}",
                lang.say(
                    "内部错误（nianbao 的缺陷，请报告）：",
                    "internal error (a bug in nianbao, please report it): "
                )
            ),
        }
    }
}

/// Prints why an input was not checked: `nianbao: <file>: <message>` on stderr.
pub fn report_unreadable(name: &str, err: &ReadError, lang: Lang) {
    let _ = writeln!(io::stderr(), "nianbao: {name}: {}", err.message(lang));
}

impl Input {
    /// The input an argument names, taken as it is (a directory is refused when read).
    pub fn single(arg: &Path) -> Input {
        if arg.as_os_str() == "-" {
            return Input {
                name: "-".into(),
                source: Source::Stdin,
            };
        }
        Input::file(arg.to_path_buf())
    }

    /// The same file to read again (standard input and inputs that failed cannot be).
    pub fn reopen(&self) -> Option<Input> {
        match &self.source {
            Source::File(path) => Some(Input::file(path.clone())),
            Source::Stdin | Source::Failed(_) => None,
        }
    }

    fn file(path: PathBuf) -> Input {
        Input {
            name: path.display().to_string(),
            source: Source::File(path),
        }
    }

    fn failed(path: &Path, e: io::Error) -> Input {
        Input {
            name: path.display().to_string(),
            source: Source::Failed(e),
        }
    }

    /// The bytes of the input; one larger than the engine reads is refused without being
    /// held in memory.
    pub fn read(self) -> Result<Vec<u8>, ReadError> {
        match self.source {
            Source::Stdin => read_limited(io::stdin().lock(), 0),
            Source::File(path) => {
                let file = fs::File::open(&path)?;
                let meta = file.metadata()?;
                if meta.is_dir() {
                    return Err(
                        io::Error::new(io::ErrorKind::IsADirectory, "is a directory").into(),
                    );
                }
                if meta.len() > MAX_INPUT_BYTES as u64 {
                    return Err(too_large(meta.len()));
                }
                // Room for the whole file at once (it may have grown since: read on).
                read_limited(file, meta.len() as usize)
            }
            Source::Failed(e) => Err(e.into()),
        }
    }
}

fn too_large(bytes: u64) -> ReadError {
    InputError::TooLarge {
        bytes: usize::try_from(bytes).unwrap_or(usize::MAX),
        limit: MAX_INPUT_BYTES,
    }
    .into()
}

/// The bytes of `reader`, `size` the count expected (room made for them first).
fn read_limited(mut reader: impl Read, size: usize) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::with_capacity(size.min(MAX_INPUT_BYTES) + 1);
    (&mut reader)
        .take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_INPUT_BYTES {
        let rest = io::copy(&mut reader, &mut io::sink())?;
        return Err(too_large(bytes.len() as u64 + rest));
    }
    Ok(bytes)
}

/// The inputs the arguments name, in order, directories expanded; and whether the run is a
/// batch (several arguments, or a directory), whose output is one result per file.
pub fn expand(args: &[PathBuf]) -> (Vec<Input>, bool) {
    let mut inputs = Vec::new();
    let mut batch = args.len() > 1;
    for arg in args {
        if arg.as_os_str() != "-" && arg.is_dir() {
            batch = true;
            walk(arg, &mut inputs);
        } else {
            inputs.push(Input::single(arg));
        }
    }
    (inputs, batch)
}

/// The regular files under `dir`, depth first, each directory's entries sorted by name;
/// hidden entries and links to directories are skipped.
fn walk(dir: &Path, out: &mut Vec<Input>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return out.push(Input::failed(dir, e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => found.push(entry),
            Err(e) => out.push(Input::failed(dir, e)),
        }
    }
    found.sort_by_key(|e| e.file_name());
    for entry in found {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out),
            Ok(t) if t.is_file() => out.push(Input::file(path)),
            // A link is followed to a file, never to a directory (no cycles).
            Ok(t) if t.is_symlink() => {
                if path.metadata().is_ok_and(|m| m.is_file()) {
                    out.push(Input::file(path));
                }
            }
            Ok(_) => {}
            Err(e) => out.push(Input::failed(&path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_walked_in_order_without_hidden_entries() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        for f in [
            "b.txt",
            "a.txt",
            ".hidden.txt",
            "sub/c.txt",
            ".git/x.txt",
            "sub/a.txt",
        ] {
            let path = root.join(f);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(&path, "x").expect("write");
        }
        let (inputs, batch) = expand(&[root.to_path_buf()]);
        assert!(batch);
        let names: Vec<_> = inputs
            .iter()
            .map(|i| {
                i.name
                    .strip_prefix(&root.display().to_string())
                    .unwrap_or(&i.name)
            })
            .collect();
        assert_eq!(names, ["/a.txt", "/b.txt", "/sub/a.txt", "/sub/c.txt"]);
    }

    #[test]
    fn one_file_is_not_a_batch_and_a_missing_one_fails_when_read() {
        let (inputs, batch) = expand(&[PathBuf::from("/nonexistent/nianbao.txt")]);
        assert!(!batch);
        let err = inputs.into_iter().next().map(Input::read);
        assert!(matches!(err, Some(Err(ReadError::Io(_)))));
    }

    /// The size expected only makes room: a file that grew or shrank since is read whole.
    #[test]
    fn a_wrong_size_reads_every_byte() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        for size in [0, 1, 9_999, 10_000, 10_001, 1 << 20] {
            assert_eq!(read_limited(&bytes[..], size).ok().as_ref(), Some(&bytes));
        }
    }

    #[test]
    fn a_large_stream_is_refused_with_its_size() {
        let big = io::repeat(b'a').take(MAX_INPUT_BYTES as u64 + 4096);
        match read_limited(big, 0) {
            Err(ReadError::Input(InputError::TooLarge { bytes, .. })) => {
                assert_eq!(bytes, MAX_INPUT_BYTES + 4096)
            }
            other => panic!("{other:?}"),
        }
    }
}
