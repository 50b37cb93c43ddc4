//! How a client comes back after losing its session: the delays between attempts to join again
//! (exponential backoff with jitter), and what calls do meanwhile.

use std::time::Duration;

use crate::error::{Error, ErrorKind};

/// When and how often a client tries to join again after losing its session.
///
/// The delay before attempt `n` (from 1) is `initial_delay * growth^(n-1)`, at most
/// `max_delay`, then moved at random by up to `jitter` of itself either way, so that the
/// clients of a restarted router do not all come back in the same instant.
///
/// The default is on, as in Autobahn|JS: 0.5 s at first, growing 1.5 times per attempt, jitter
/// 0.1. Unlike Autobahn|JS (15 attempts, delays up to 300 s), it never gives up and waits 10 s
/// at most: a service should come back whenever its router does, within seconds of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reconnect {
    enabled: bool,
    initial_delay: Duration,
    max_delay: Duration,
    growth: f64,
    jitter: f64,
    max_attempts: Option<u32>,
}

impl Default for Reconnect {
    fn default() -> Reconnect {
        Reconnect {
            enabled: true,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            growth: 1.5,
            jitter: 0.1,
            max_attempts: None,
        }
    }
}

impl Reconnect {
    /// Never reconnect: a lost session closes the client for good.
    pub fn never() -> Reconnect {
        Reconnect {
            enabled: false,
            ..Reconnect::default()
        }
    }

    /// The delay before the first attempt.
    pub fn initial_delay(mut self, delay: Duration) -> Reconnect {
        self.initial_delay = delay;
        self
    }

    /// The longest delay between two attempts.
    pub fn max_delay(mut self, delay: Duration) -> Reconnect {
        self.max_delay = delay;
        self
    }

    /// How much longer each delay is than the one before (at least 1).
    pub fn growth(mut self, growth: f64) -> Reconnect {
        self.growth = growth;
        self
    }

    /// How far each delay moves at random, as a fraction of itself (0 to 1).
    pub fn jitter(mut self, jitter: f64) -> Reconnect {
        self.jitter = jitter;
        self
    }

    /// How many attempts in a row may fail before the client gives up and closes; `None`
    /// tries forever.
    pub fn max_attempts(mut self, attempts: Option<u32>) -> Reconnect {
        self.max_attempts = attempts;
        self
    }

    /// Whether a lost session is joined again.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Whether attempt `attempt` (from 1) may still be made.
    pub(crate) fn allows(&self, attempt: u32) -> bool {
        self.enabled && self.max_attempts.is_none_or(|max| attempt <= max)
    }

    /// The delay before attempt `attempt` (from 1), with `random` in [0, 1) choosing the jitter.
    pub(crate) fn delay(&self, attempt: u32, random: f64) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let grown = self.initial_delay.as_secs_f64() * self.growth.powi(exponent);
        let capped = grown.min(self.max_delay.as_secs_f64());
        let jittered = capped * (1.0 + self.jitter * (2.0 * random - 1.0));
        Duration::try_from_secs_f64(jittered.max(0.0)).unwrap_or(self.max_delay)
    }

    /// Checks the settings, naming the one that is off.
    pub(crate) fn check(&self) -> Result<(), Error> {
        let problem = if !(self.growth >= 1.0 && self.growth.is_finite()) {
            format!(
                "reconnect growth must be a finite number of at least 1, got {}",
                self.growth
            )
        } else if !(0.0..=1.0).contains(&self.jitter) {
            format!("reconnect jitter must be between 0 and 1, got {}", self.jitter)
        } else if self.max_delay < self.initial_delay {
            format!(
                "reconnect max_delay ({:?}) is shorter than initial_delay ({:?})",
                self.max_delay, self.initial_delay
            )
        } else {
            return Ok(());
        };
        Err(Error::new(ErrorKind::Config(problem)))
    }
}

/// What an operation does while the session is down (reconnecting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WhileDown {
    /// Waits for the session to come back, within the operation's own timeout.
    #[default]
    Wait,
    /// Fails at once with [`ErrorKind::Transport`].
    Fail,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_to_the_cap_and_jitter_stays_within_its_fraction() {
        let policy = Reconnect::default()
            .initial_delay(Duration::from_secs(1))
            .growth(2.0)
            .max_delay(Duration::from_secs(5))
            .jitter(0.1);
        let middle: Vec<f64> = (1..=5)
            .map(|attempt| policy.delay(attempt, 0.5).as_secs_f64())
            .collect();
        assert_eq!(middle, [1.0, 2.0, 4.0, 5.0, 5.0]);
        let low = policy.delay(2, 0.0).as_secs_f64();
        let high = policy.delay(2, 0.999_999).as_secs_f64();
        assert!((1.8..1.800_001).contains(&low), "{low}");
        assert!((2.199_99..=2.2).contains(&high), "{high}");
        assert_eq!(policy.delay(u32::MAX, 0.5), Duration::from_secs(5));
    }

    #[test]
    fn attempts_stop_at_the_limit_and_never_when_off() {
        let limited = Reconnect::default().max_attempts(Some(2));
        assert_eq!(
            [1, 2, 3].map(|attempt| limited.allows(attempt)),
            [true, true, false]
        );
        assert!(Reconnect::default().allows(u32::MAX));
        assert!(!Reconnect::never().allows(1));
    }

    #[test]
    fn settings_out_of_range_are_named() {
        let check = |policy: Reconnect| policy.check().map_err(|error| error.to_string());
        assert_eq!(check(Reconnect::default()), Ok(()));
        assert_eq!(
            check(Reconnect::default().growth(0.5)),
            Err(
                "invalid configuration: reconnect growth must be a finite number of at least 1, got 0.5"
                    .to_owned()
            )
        );
        assert_eq!(
            check(Reconnect::default().jitter(1.5)),
            Err("invalid configuration: reconnect jitter must be between 0 and 1, got 1.5".to_owned())
        );
        assert_eq!(
            check(Reconnect::default().max_delay(Duration::from_millis(1))),
            Err(
                "invalid configuration: reconnect max_delay (1ms) is shorter than initial_delay (500ms)"
                    .to_owned()
            )
        );
    }
}
