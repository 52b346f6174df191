//! The SSE fan-out run of `cargo xtask bench`: `CLIENTS` streams of `GET /api/events`
//! (one thread each, plain sockets) while `UPDATES` lead updates are sent one after
//! another; every client must receive every update. Reports the events delivered per
//! second over all clients and the delivery lag (update sent → event read by a client).

use crate::http;
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const CLIENTS: usize = 500;
pub const UPDATES: usize = 200;
const MARK: &str = "fanout-";

pub struct FanOut {
    pub delivered: usize,
    pub events_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Which update a frame line carries (the lead's `notes`, `fanout-<n>`).
pub fn update_number(line: &str) -> Option<usize> {
    let start = line.find(MARK)? + MARK.len();
    let digits: String = line[start..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The `q`-quantile (0–1) of sorted `values`.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// One client: reads the stream until it has seen every update or the deadline passes;
/// returns (update number, when read).
fn client(addr: SocketAddr, token: &str, ready: &AtomicUsize, deadline: Instant) -> Result<Vec<(usize, Instant)>> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(stream, "GET /api/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n")?;
    let mut reader = BufReader::new(stream);
    let mut seen = Vec::with_capacity(UPDATES);
    let mut line = String::new();
    let mut connected = false;
    while seen.len() < UPDATES && Instant::now() < deadline {
        line.clear();
        match reader.read_line(&mut line) {
            // Closed (e.g. dropped as too slow): what it got counts, the rest is missing.
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => continue,
            Err(e) => return Err(e.into()),
        }
        if !connected && line.starts_with(": connected") {
            connected = true;
            ready.fetch_add(1, Ordering::SeqCst);
        } else if line.starts_with("data: ") {
            if let Some(n) = update_number(&line) {
                seen.push((n, Instant::now()));
            }
        }
    }
    Ok(seen)
}

pub fn run(addr: SocketAddr, token: &str) -> Result<FanOut> {
    let auth = format!("Bearer {token}");
    let lead = http::request(
        addr,
        "POST",
        "/api/leads",
        &[("Authorization", &auth)],
        Some(r#"{"name":"Fan-out lead"}"#),
        Duration::from_secs(10),
    )?;
    let lead_id = http::json_string(&lead.body, "id").context("no lead id in the answer")?;
    let ready = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(120);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (ready, token) = (ready.clone(), token.to_owned());
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || client(addr, &token, &ready, deadline))
                .context("could not start a client thread")
        })
        .collect::<Result<_>>()?;
    let waiting = Instant::now();
    while ready.load(Ordering::SeqCst) < CLIENTS {
        if waiting.elapsed() > Duration::from_secs(60) {
            bail!("only {} of {CLIENTS} streams opened", ready.load(Ordering::SeqCst));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut sent = Vec::with_capacity(UPDATES);
    for n in 0..UPDATES {
        sent.push(Instant::now());
        let body = format!(r#"{{"notes":"{MARK}{n}"}}"#);
        let path = format!("/api/leads/{lead_id}");
        let answer =
            http::request(addr, "PATCH", &path, &[("Authorization", &auth)], Some(&body), Duration::from_secs(10))?;
        if answer.status != 200 {
            bail!("PATCH {path} answered {}", answer.status);
        }
    }
    let mut lags = Vec::with_capacity(CLIENTS * UPDATES);
    let mut last = sent[0];
    for handle in clients {
        let seen = handle.join().map_err(|_| anyhow::anyhow!("a client thread panicked"))??;
        for (n, at) in seen {
            lags.push(at.saturating_duration_since(sent[n]).as_secs_f64() * 1000.0);
            last = last.max(at);
        }
    }
    lags.sort_by(f64::total_cmp);
    let seconds = last.saturating_duration_since(sent[0]).as_secs_f64().max(f64::EPSILON);
    Ok(FanOut {
        delivered: lags.len(),
        events_per_sec: lags.len() as f64 / seconds,
        p50_ms: quantile(&lags, 0.5),
        p99_ms: quantile(&lags, 0.99),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_update_number_and_quantiles() {
        assert_eq!(update_number(r#"data: {"payload":{"notes":"fanout-17","x":1}}"#), Some(17));
        assert_eq!(update_number("data: {}"), None);
        let values = [1.0, 2.0, 3.0, 4.0, 100.0];
        assert_eq!((quantile(&values, 0.5), quantile(&values, 0.99)), (3.0, 100.0));
        assert!(quantile(&[], 0.5).is_nan());
    }
}
