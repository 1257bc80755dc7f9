//! Errors of the fallible entry points (reading input, parsing requests).
//! The analysis itself is infallible: any `&str` is valid input.

use std::fmt;

/// What went wrong, naming the problem for the person who hit it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input is not valid UTF-8; `offset` is the byte where decoding failed.
    InvalidUtf8 {
        /// Where the input came from (a path or `<stdin>`).
        source: String,
        /// First invalid byte.
        offset: usize,
    },
    /// The input is UTF-16 text (it starts with a UTF-16 byte-order mark);
    /// only UTF-8 is read.
    Utf16 {
        /// Where the input came from.
        source: String,
    },
    /// The input looks binary (it contains NUL bytes).
    Binary {
        /// Where the input came from.
        source: String,
    },
    /// The input could not be read.
    Io {
        /// Where the input came from.
        source: String,
        /// The operating system's message.
        message: String,
    },
    /// A request was malformed (a bad JSON line, a wrong field).
    BadRequest {
        /// 1-based line number, when the input is line-oriented.
        line: Option<usize>,
        /// What is wrong with it.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidUtf8 { source, offset } => {
                write!(f, "{source}: not valid UTF-8 text (invalid byte at offset {offset}); convert it to UTF-8 first")
            }
            Error::Utf16 { source } => write!(f, "{source}: encoded as UTF-16; only UTF-8 is read, convert it first"),
            Error::Binary { source } => write!(f, "{source}: looks like a binary file (it contains NUL bytes), not text"),
            Error::Io { source, message } => write!(f, "{source}: {message}"),
            Error::BadRequest { line: Some(n), message } => write!(f, "line {n}: {message}"),
            Error::BadRequest { line: None, message } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

/// Decodes untrusted bytes as text, refusing binary data and invalid UTF-8
/// with an error naming `source`. A UTF-8 byte-order mark is dropped; a
/// UTF-16 one is named as such (such files are full of NUL bytes and would
/// otherwise be called binary).
pub fn decode_text<'a>(bytes: &'a [u8], source: &str) -> Result<&'a str, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Error::Utf16 { source: source.to_string() });
    }
    if bytes.contains(&0) {
        return Err(Error::Binary { source: source.to_string() });
    }
    std::str::from_utf8(bytes).map_err(|e| Error::InvalidUtf8 { source: source.to_string(), offset: e.valid_up_to() })
}
