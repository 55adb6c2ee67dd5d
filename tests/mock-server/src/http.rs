//! A deliberately small HTTP/1.1 server-side codec: request parsing (Content-Length and chunked
//! bodies, `Expect: 100-continue`, keep-alive) and response-head serialization.

use std::io;
use std::time::SystemTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Largest request body accepted (after de-chunking).
pub const MAX_BODY: usize = 16 * 1024 * 1024;
/// Largest request head (request line + headers) accepted.
pub const MAX_HEAD: usize = 64 * 1024;
/// Largest chunk-size or trailer line accepted in a chunked body.
const MAX_LINE: usize = 8 * 1024;

/// One parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    /// Method as sent (not case-folded).
    pub method: String,
    /// Raw path: the request target up to (excluding) the first `?`.
    pub path: String,
    /// Raw query string after the first `?`, if there was a `?`.
    pub query_string: Option<String>,
    /// `0` for HTTP/1.0, `1` for HTTP/1.1.
    pub minor: u8,
    /// Headers in arrival order, names lower-cased, values trimmed.
    pub headers: Vec<(String, String)>,
    /// Body bytes exactly as received (de-chunked).
    pub body: Vec<u8>,
    /// Whether the connection may serve another request afterwards.
    pub keep_alive: bool,
}

impl Request {
    /// First value of a header (name must be lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Whether the method is HEAD (no response body may be sent).
    pub fn is_head(&self) -> bool {
        self.method.eq_ignore_ascii_case("HEAD")
    }
}

/// Why no request could be read.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed (or broke) the connection; nothing to answer.
    Closed,
    /// The request is malformed; answer with this status and close.
    Bad(u16, String),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Closed
    }
}

fn bad(status: u16, msg: impl Into<String>) -> ReadError {
    ReadError::Bad(status, msg.into())
}

/// A connection: the socket plus bytes read but not yet consumed.
pub struct Conn {
    /// The socket (faults need direct access).
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    /// Wraps an accepted socket.
    pub fn new(stream: TcpStream) -> Self {
        Conn { stream, buf: Vec::with_capacity(8 * 1024) }
    }

    /// Reads more bytes into the buffer; `Closed` at EOF.
    async fn fill(&mut self) -> Result<(), ReadError> {
        self.buf.reserve(16 * 1024);
        if self.stream.read_buf(&mut self.buf).await? == 0 {
            return Err(ReadError::Closed);
        }
        Ok(())
    }

    /// Ensures at least `n` buffered bytes.
    async fn fill_to(&mut self, n: usize) -> Result<(), ReadError> {
        while self.buf.len() < n {
            self.fill().await?;
        }
        Ok(())
    }

    /// Reads one `\n`-terminated line (terminator and a preceding `\r` stripped).
    async fn read_line(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut scanned = 0;
        loop {
            if let Some(i) = self.buf[scanned..].iter().position(|&b| b == b'\n') {
                let end = scanned + i;
                let mut line: Vec<u8> = self.buf.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            scanned = self.buf.len();
            if scanned > MAX_LINE {
                return Err(bad(400, "chunk line too long"));
            }
            self.fill().await?;
        }
    }

    /// Reads the next request. Leading empty lines are skipped (RFC 9112 §2.2).
    pub async fn read_request(&mut self) -> Result<Request, ReadError> {
        let head_end = loop {
            let skip = self.buf.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
            self.buf.drain(..skip);
            if let Some(end) = find_head_end(&self.buf) {
                break end;
            }
            if self.buf.len() > MAX_HEAD {
                return Err(bad(431, "request head too large"));
            }
            self.fill().await?;
        };
        if head_end > MAX_HEAD {
            return Err(bad(431, "request head too large"));
        }
        let head: Vec<u8> = self.buf.drain(..head_end).collect();
        let mut req = parse_head(&head)?;

        let te = req.header("transfer-encoding").map(str::to_ascii_lowercase);
        let cls: Vec<&str> =
            req.headers.iter().filter(|(n, _)| n == "content-length").map(|(_, v)| v.as_str()).collect();
        enum Framing {
            None,
            Length(usize),
            Chunked,
        }
        let framing = if let Some(te) = te {
            if te.rsplit(',').next().map(str::trim) != Some("chunked") {
                return Err(bad(400, "unsupported transfer-encoding"));
            }
            if !cls.is_empty() {
                req.keep_alive = false; // RFC 9112 §6.3: ambiguous framing, close afterwards
            }
            Framing::Chunked
        } else if let Some(first) = cls.first() {
            let all: Vec<&str> = cls.iter().flat_map(|v| v.split(',')).map(str::trim).collect();
            if all.iter().any(|v| v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) || *v != all[0]) {
                return Err(bad(400, format!("bad content-length {first:?}")));
            }
            match all[0].parse::<usize>() {
                Ok(n) if n <= MAX_BODY => Framing::Length(n),
                _ => return Err(bad(413, "request body too large")),
            }
        } else {
            Framing::None
        };

        let wants_body = matches!(framing, Framing::Chunked) || matches!(framing, Framing::Length(n) if n > 0);
        let expects = req.header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
        if wants_body && expects && req.minor == 1 && self.buf.is_empty() {
            self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
        }

        match framing {
            Framing::None => {}
            Framing::Length(n) => {
                self.fill_to(n).await?;
                req.body = self.buf.drain(..n).collect();
            }
            Framing::Chunked => req.body = self.read_chunked().await?,
        }
        Ok(req)
    }

    async fn read_chunked(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line().await?;
            let size_txt = line.split(|&b| b == b';').next().unwrap_or_default();
            let size_txt = std::str::from_utf8(size_txt).map_err(|_| bad(400, "bad chunk size"))?.trim();
            let size = usize::from_str_radix(size_txt, 16).map_err(|_| bad(400, "bad chunk size"))?;
            if size == 0 {
                // Trailer section: lines until an empty one. Trailers are discarded.
                while !self.read_line().await?.is_empty() {}
                return Ok(body);
            }
            if size > MAX_BODY - body.len() {
                return Err(bad(413, "request body too large"));
            }
            self.fill_to(size).await?;
            body.extend(self.buf.drain(..size));
            if !self.read_line().await?.is_empty() {
                return Err(bad(400, "missing CRLF after chunk"));
            }
        }
    }
}

/// Index just past the blank line ending the head (`\n\n` or `\n\r\n`), if buffered.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(p) = buf[i..].iter().position(|&b| b == b'\n') {
        let nl = i + p;
        match (buf.get(nl + 1), buf.get(nl + 2)) {
            (Some(b'\n'), _) => return Some(nl + 2),
            (Some(b'\r'), Some(b'\n')) => return Some(nl + 3),
            _ => i = nl + 1,
        }
    }
    None
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn parse_head(head: &[u8]) -> Result<Request, ReadError> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad(400, "malformed request line"));
    };
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(bad(400, "malformed method"));
    }
    if target.is_empty() || target.bytes().any(|b| b.is_ascii_control() || b == b' ') {
        return Err(bad(400, "malformed request target"));
    }
    let minor = match version {
        "HTTP/1.1" => 1,
        "HTTP/1.0" => 0,
        v if v.starts_with("HTTP/") => return Err(bad(505, "HTTP version not supported")),
        _ => return Err(bad(400, "malformed HTTP version")),
    };
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        if line.starts_with([' ', '\t']) {
            return Err(bad(400, "obsolete header folding"));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad(400, "malformed header line"));
        };
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(bad(400, "malformed header name"));
        }
        headers.push((name.to_ascii_lowercase(), value.trim_matches([' ', '\t']).to_string()));
    }
    let conn_tokens = |tok: &str| {
        headers
            .iter()
            .filter(|(n, _)| n == "connection")
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(tok))
    };
    let keep_alive = if minor == 1 { !conn_tokens("close") } else { conn_tokens("keep-alive") };
    let (path, query_string) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (target.to_string(), None),
    };
    Ok(Request { method: method.to_string(), path, query_string, minor, headers, body: Vec::new(), keep_alive })
}

/// Reason phrase for a status code (clients must not depend on it).
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        599 => "Unscripted",
        _ => "Status",
    }
}

/// Whether responses with this status never carry a body.
pub fn bodiless(status: u16) -> bool {
    status == 204 || status == 304
}

/// A response head under construction.
#[derive(Debug, Clone)]
pub struct Head {
    /// Status code.
    pub status: u16,
    /// Header lines in order.
    pub headers: Vec<(String, String)>,
}

impl Head {
    /// A head with just a `Date` header.
    pub fn new(status: u16) -> Self {
        Head { status, headers: vec![("Date".into(), httpdate::fmt_http_date(SystemTime::now()))] }
    }

    /// Sets a header, replacing any existing one with the same (case-insensitive) name.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.into()));
    }

    /// Whether a header is present.
    pub fn has(&self, name: &str) -> bool {
        self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Serializes the status line and headers, including the blank line.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status)).into_bytes();
        for (n, v) in &self.headers {
            out.extend_from_slice(n.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(v.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_end_variants() {
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n\r\nrest"), Some(18));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\n\nrest"), Some(16));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\nA: b\r\n"), None);
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\nA: b\r\n\r"), None);
    }

    #[test]
    fn parse_head_basics() {
        let r = parse_head(b"post /a/b?x=1&y HTTP/1.1\r\nHost: h\r\nX-A:  v \r\nConnection: Close\r\n\r\n").unwrap();
        assert_eq!(r.method, "post");
        assert_eq!(r.path, "/a/b");
        assert_eq!(r.query_string.as_deref(), Some("x=1&y"));
        assert_eq!(r.header("x-a"), Some("v"));
        assert!(!r.keep_alive);
        let r = parse_head(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        assert!(!r.keep_alive);
        assert!(matches!(parse_head(b"GET /\r\n\r\n"), Err(ReadError::Bad(400, _))));
        assert!(matches!(parse_head(b"GET / HTTP/2.0\r\n\r\n"), Err(ReadError::Bad(505, _))));
        assert!(matches!(parse_head(b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"), Err(ReadError::Bad(400, _))));
        assert!(matches!(parse_head(b"\xff\xfe garbage"), Err(ReadError::Bad(400, _))));
    }
}
