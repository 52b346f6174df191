//! A real SMTP server on 127.0.0.1 for the mail tests: it speaks enough of RFC 5321
//! (EHLO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) for lettre, keeps every
//! message it accepts, and can be told to refuse mail, temporarily (451) or for good (550).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One accepted message: the envelope and the raw message.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

/// How the server answers `MAIL FROM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Accept,
    /// 451: try again later.
    RefuseForNow,
    /// 550: never.
    Refuse,
}

#[derive(Default)]
struct Shared {
    received: Vec<Received>,
    mode: Option<Mode>,
}

/// The running server; it stops with the test's runtime.
#[derive(Clone)]
pub struct SmtpSink {
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding the SMTP sink");
        let sink = SmtpSink { addr: listener.local_addr().expect("address"), shared: Arc::default() };
        let shared = sink.shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, shared.clone()));
            }
        });
        sink
    }

    /// `SMTP_URL` for the server.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn set_mode(&self, mode: Mode) {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner).mode = Some(mode);
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner).received.clone()
    }

    /// Waits (up to ten seconds) for `count` messages.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..200 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the SMTP sink received {} messages, expected {count}", self.received().len());
    }
}

fn address(argument: &str) -> String {
    argument
        .split_once(':')
        .map_or(argument, |(_, rest)| rest)
        .trim()
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap_or("")
        .to_owned()
}

async fn session(stream: TcpStream, shared: Arc<Mutex<Shared>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" | "NOOP" => b"250 OK\r\n",
            "RSET" => {
                (from, to) = (String::new(), Vec::new());
                b"250 OK\r\n"
            }
            "MAIL" => match shared.lock().unwrap_or_else(PoisonError::into_inner).mode.unwrap_or(Mode::Accept) {
                Mode::Accept => {
                    from = address(&command);
                    b"250 OK\r\n"
                }
                Mode::RefuseForNow => b"451 4.3.0 Try again later\r\n",
                Mode::Refuse => b"550 5.7.1 Relaying denied\r\n",
            },
            "RCPT" => {
                to.push(address(&command));
                b"250 OK\r\n"
            }
            "DATA" => {
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let mut data = Vec::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                    data.extend_from_slice(unstuffed.as_bytes());
                }
                let message = Received { from: std::mem::take(&mut from), to: std::mem::take(&mut to), data };
                shared.lock().unwrap_or_else(PoisonError::into_inner).received.push(message);
                b"250 OK queued\r\n"
            }
            "QUIT" => {
                write.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 Command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}
