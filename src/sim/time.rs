//! Units of the model: `Micros` (model time) and `Bytes` (payload and memory sizes).
//!
//! Model time is an integer number of microseconds so that every run is exact and repeatable:
//! no floating point ever decides which event comes first.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A point or span of model time, in whole microseconds.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Micros(pub u64);

impl Micros {
    /// Zero time: the start of every run.
    pub const ZERO: Micros = Micros(0);

    /// Converts milliseconds to microseconds, rounding to the nearest microsecond.
    /// Callers validate the input first; negative or non-finite values saturate to zero.
    pub fn from_ms(ms: f64) -> Micros {
        if ms.is_finite() && ms > 0.0 {
            Micros((ms * 1000.0).round() as u64)
        } else {
            Micros::ZERO
        }
    }

    /// Whole seconds, for readable literals in lessons and tests.
    pub const fn from_secs(s: u64) -> Micros {
        Micros(s * 1_000_000)
    }

    /// Milliseconds as a float, for display and JSON output only.
    pub fn as_ms_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// Seconds as a float, for display only.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1_000_000.0
    }

    /// A clock's reading, to three figures at most: "0.42 ms", "621 ms", "1.1 s", "12.35 s".
    /// A clock that moves every frame must not flicker in its last digits; `Display` keeps
    /// the exact value for narration and tables.
    pub fn brief(self) -> String {
        let us = self.0;
        if us < 10_000 {
            format!("{} ms", trim(format!("{:.2}", self.as_ms_f64())))
        } else if us < 1_000_000 {
            format!("{} ms", (us + 500) / 1000)
        } else {
            let text = trim(format!("{:.2}", self.as_secs_f64()));
            if text.contains('.') {
                format!("{text} s")
            } else {
                format!("{text}.0 s")
            }
        }
    }

    /// Subtraction that stops at zero instead of wrapping.
    pub fn saturating_sub(self, other: Micros) -> Micros {
        Micros(self.0.saturating_sub(other.0))
    }

    /// Scales a span by a rational factor, rounding to the nearest microsecond.
    pub fn scale(self, num: u64, den: u64) -> Micros {
        Micros((self.0 * num + den / 2) / den)
    }
}

impl Add for Micros {
    type Output = Micros;
    fn add(self, rhs: Micros) -> Micros {
        Micros(self.0 + rhs.0)
    }
}

impl AddAssign for Micros {
    fn add_assign(&mut self, rhs: Micros) {
        self.0 += rhs.0;
    }
}

impl Sub for Micros {
    type Output = Micros;
    fn sub(self, rhs: Micros) -> Micros {
        Micros(self.0 - rhs.0)
    }
}

/// Prints "6.0 s" from one second up, "250 ms" or "0.5 ms" below, and "0 ms" for zero.
impl fmt::Display for Micros {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0;
        if us >= 1_000_000 {
            let s = self.as_secs_f64();
            if us % 100_000 == 0 {
                write!(f, "{s:.1} s")
            } else {
                // At least one decimal, so 6.00033 s reads "6.0 s" like a round 6 s does.
                let text = trim(format!("{s:.3}"));
                if text.contains('.') {
                    write!(f, "{text} s")
                } else {
                    write!(f, "{text}.0 s")
                }
            }
        } else if us % 1000 == 0 {
            write!(f, "{} ms", us / 1000)
        } else {
            write!(f, "{} ms", trim(format!("{:.3}", self.as_ms_f64())))
        }
    }
}

/// Drops trailing zeros after a decimal point: "0.500" becomes "0.5".
fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A size in bytes: pickled payloads and memory figures.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Bytes(pub u64);

impl Bytes {
    /// Converts kilobytes (1 KB = 1000 bytes) to bytes, rounding; callers validate first.
    pub fn from_kb(kb: f64) -> Bytes {
        if kb.is_finite() && kb > 0.0 {
            Bytes((kb * 1000.0).round() as u64)
        } else {
            Bytes(0)
        }
    }
}

/// Prints sizes in decimal units, as LESSONS.md quotes them: "14 KB", "8.5 MB", "85 GB".
impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const KB: f64 = 1000.0;
        let b = self.0 as f64;
        if b < KB {
            write!(f, "{} B", self.0)
        } else if b < KB * KB {
            write!(f, "{} KB", trim(format!("{:.1}", b / KB)))
        } else if b < KB * KB * KB {
            write!(f, "{} MB", trim(format!("{:.1}", b / KB / KB)))
        } else {
            write!(f, "{} GB", trim(format!("{:.1}", b / KB / KB / KB)))
        }
    }
}

/// `n` with thousands separated, as the lessons print counts: 2,497,500.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_picks_readable_units() {
        assert_eq!(Micros::from_secs(6).to_string(), "6.0 s");
        assert_eq!(Micros(250_000).to_string(), "250 ms");
        assert_eq!(Micros(500).to_string(), "0.5 ms");
        assert_eq!(Micros(1_250_000).to_string(), "1.25 s");
        assert_eq!(Micros::ZERO.to_string(), "0 ms");
        assert_eq!(Bytes(14_000).to_string(), "14 KB");
        assert_eq!(Bytes(85_000_000_000).to_string(), "85 GB");
    }

    #[test]
    fn brief_clocks_keep_three_figures() {
        assert_eq!(Micros(621_478).brief(), "621 ms");
        assert_eq!(Micros(300_000).brief(), "300 ms");
        assert_eq!(Micros(4_527).brief(), "4.53 ms");
        assert_eq!(Micros::ZERO.brief(), "0 ms");
        assert_eq!(Micros(1_104_620).brief(), "1.1 s");
        assert_eq!(Micros::from_secs(6).brief(), "6.0 s");
        assert_eq!(Micros(12_345_000).brief(), "12.35 s");
    }

    #[test]
    fn from_ms_rounds_to_microseconds() {
        assert_eq!(Micros::from_ms(0.0005), Micros(1));
        assert_eq!(Micros::from_ms(2000.0), Micros::from_secs(2));
        assert_eq!(Micros::from_ms(f64::NAN), Micros::ZERO);
    }
}
