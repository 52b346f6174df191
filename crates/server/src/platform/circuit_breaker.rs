//! Circuit breaker for calls to external services: after `failure_threshold`
//! consecutive failures the circuit opens and calls fail fast; after `reset_timeout` one
//! trial call is let through (half-open) and its outcome closes or re-opens the circuit.

use serde::Serialize;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CircuitState {
    Closed,
    Open,
    HalfOpen,
}

#[derive(Debug)]
struct Inner {
    state: CircuitState,
    consecutive_failures: u32,
    opened_at: Option<Instant>,
    trial_in_flight: bool,
}

#[derive(Debug)]
pub struct CircuitBreaker {
    name: String,
    failure_threshold: u32,
    reset_timeout: Duration,
    inner: Mutex<Inner>,
}

/// Why a guarded call did not succeed.
#[derive(Debug, PartialEq, Eq)]
pub enum CircuitError<E> {
    /// The circuit is open; the call was not made.
    Open { name: String },
    /// The call was made and failed.
    Failed(E),
}

impl CircuitBreaker {
    pub fn new(name: impl Into<String>, failure_threshold: u32, reset_timeout: Duration) -> Self {
        Self {
            name: name.into(),
            failure_threshold: failure_threshold.max(1),
            reset_timeout,
            inner: Mutex::new(Inner {
                state: CircuitState::Closed,
                consecutive_failures: 0,
                opened_at: None,
                trial_in_flight: false,
            }),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding this lock cannot leave the counters inconsistent.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn state(&self) -> CircuitState {
        self.state_at(Instant::now())
    }

    fn state_at(&self, now: Instant) -> CircuitState {
        let inner = self.lock();
        match (inner.state, inner.opened_at) {
            (CircuitState::Open, Some(opened)) if now.duration_since(opened) >= self.reset_timeout => {
                CircuitState::HalfOpen
            }
            (state, _) => state,
        }
    }

    /// Whether a call may go ahead now; in half-open state only one trial at a time.
    pub fn try_acquire_at(&self, now: Instant) -> bool {
        let mut inner = self.lock();
        match inner.state {
            CircuitState::Closed => true,
            CircuitState::Open => {
                let elapsed = inner.opened_at.map_or(Duration::MAX, |opened| now.duration_since(opened));
                if elapsed >= self.reset_timeout {
                    inner.state = CircuitState::HalfOpen;
                    inner.trial_in_flight = true;
                    true
                } else {
                    false
                }
            }
            CircuitState::HalfOpen => {
                if inner.trial_in_flight {
                    false
                } else {
                    inner.trial_in_flight = true;
                    true
                }
            }
        }
    }

    pub fn on_success(&self) {
        let mut inner = self.lock();
        inner.state = CircuitState::Closed;
        inner.consecutive_failures = 0;
        inner.opened_at = None;
        inner.trial_in_flight = false;
    }

    pub fn on_failure_at(&self, now: Instant) {
        let mut inner = self.lock();
        inner.consecutive_failures = inner.consecutive_failures.saturating_add(1);
        inner.trial_in_flight = false;
        if inner.state == CircuitState::HalfOpen || inner.consecutive_failures >= self.failure_threshold {
            inner.state = CircuitState::Open;
            inner.opened_at = Some(now);
        }
    }

    /// Manual reset, for operators and tests.
    pub fn reset(&self) {
        self.on_success();
    }

    /// Runs `call` through the breaker.
    pub async fn call<T, E, F>(&self, call: F) -> Result<T, CircuitError<E>>
    where
        F: Future<Output = Result<T, E>>,
    {
        if !self.try_acquire_at(Instant::now()) {
            return Err(CircuitError::Open { name: self.name.clone() });
        }
        match call.await {
            Ok(value) => {
                self.on_success();
                Ok(value)
            }
            Err(error) => {
                self.on_failure_at(Instant::now());
                Err(CircuitError::Failed(error))
            }
        }
    }
}

/// The breakers of all external services, by name, for `/health/ready`.
#[derive(Debug, Clone, Default)]
pub struct Circuits {
    breakers: BTreeMap<String, Arc<CircuitBreaker>>,
}

impl Circuits {
    pub fn new(names: &[&str], failure_threshold: u32, reset_timeout: Duration) -> Self {
        let breakers = names
            .iter()
            .map(|name| (name.to_string(), Arc::new(CircuitBreaker::new(*name, failure_threshold, reset_timeout))))
            .collect();
        Self { breakers }
    }

    /// The same breakers, with `name`'s own threshold and reset time.
    pub fn tuned(mut self, name: &str, failure_threshold: u32, reset_timeout: Duration) -> Self {
        self.breakers.insert(name.to_owned(), Arc::new(CircuitBreaker::new(name, failure_threshold, reset_timeout)));
        self
    }

    pub fn get(&self, name: &str) -> Option<Arc<CircuitBreaker>> {
        self.breakers.get(name).cloned()
    }

    pub fn states(&self) -> Vec<(String, CircuitState)> {
        self.breakers.iter().map(|(name, breaker)| (name.clone(), breaker.state())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker() -> CircuitBreaker {
        CircuitBreaker::new("smtp", 3, Duration::from_secs(30))
    }

    #[test]
    fn opens_after_consecutive_failures_only() {
        let b = breaker();
        let t0 = Instant::now();
        b.on_failure_at(t0);
        b.on_failure_at(t0);
        b.on_success();
        b.on_failure_at(t0);
        b.on_failure_at(t0);
        assert_eq!(b.state_at(t0), CircuitState::Closed, "a success resets the count");
        b.on_failure_at(t0);
        assert_eq!(b.state_at(t0), CircuitState::Open);
        assert!(!b.try_acquire_at(t0 + Duration::from_secs(29)));
    }

    #[test]
    fn half_open_after_timeout_allows_one_trial() {
        let b = breaker();
        let t0 = Instant::now();
        for _ in 0..3 {
            b.on_failure_at(t0);
        }
        let later = t0 + Duration::from_secs(30);
        assert_eq!(b.state_at(later), CircuitState::HalfOpen);
        assert!(b.try_acquire_at(later));
        assert!(!b.try_acquire_at(later), "only one trial at a time");
        b.on_success();
        assert_eq!(b.state_at(later), CircuitState::Closed);
    }

    #[test]
    fn failed_trial_reopens() {
        let b = breaker();
        let t0 = Instant::now();
        for _ in 0..3 {
            b.on_failure_at(t0);
        }
        let later = t0 + Duration::from_secs(31);
        assert!(b.try_acquire_at(later));
        b.on_failure_at(later);
        assert_eq!(b.state_at(later), CircuitState::Open);
        assert!(!b.try_acquire_at(later + Duration::from_secs(1)));
        b.reset();
        assert_eq!(b.state(), CircuitState::Closed);
    }

    #[tokio::test]
    async fn call_fails_fast_when_open() {
        let b = CircuitBreaker::new("twilio", 1, Duration::from_secs(60));
        let first: Result<(), _> = b.call(async { Err::<(), _>("timeout") }).await;
        assert_eq!(first, Err(CircuitError::Failed("timeout")));
        let second = b.call(async { Ok::<_, &str>(1) }).await;
        assert_eq!(second, Err(CircuitError::Open { name: "twilio".into() }));
    }

    #[test]
    fn registry_reports_every_breaker() {
        let circuits = Circuits::new(&["smtp", "stripe"], 5, Duration::from_secs(30));
        assert_eq!(
            circuits.states(),
            vec![("smtp".to_owned(), CircuitState::Closed), ("stripe".to_owned(), CircuitState::Closed)]
        );
        assert!(circuits.get("smtp").is_some() && circuits.get("nope").is_none());
    }
}
