// SPDX-License-Identifier: GPL-2.0

//! Median and range of repeated measurements.

/// The median of some samples and their range; NaN when there are none.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub n: usize,
}

impl Summary {
    pub fn of(values: &[f64]) -> Self {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n == 0 {
            return Summary {
                median: f64::NAN,
                min: f64::NAN,
                max: f64::NAN,
                n,
            };
        }
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Summary {
            median,
            min: v[0],
            max: v[n - 1],
            n,
        }
    }

    /// "median (min–max)" with `digits` decimals, or "-" without samples.
    pub fn show(&self, digits: usize) -> String {
        match self.n {
            0 => "-".into(),
            1 => format!("{:.*}", digits, self.median),
            _ => format!(
                "{:.*} ({:.*}–{:.*})",
                digits, self.median, digits, self.min, digits, self.max
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Summary;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(Summary::of(&[3.0, 1.0, 2.0]).median, 2.0);
        assert_eq!(Summary::of(&[4.0, 1.0, 2.0, 3.0]).median, 2.5);
    }

    #[test]
    fn range_and_display() {
        let s = Summary::of(&[5.0, 1.0, 3.0]);
        assert_eq!((s.min, s.max, s.n), (1.0, 5.0, 3));
        assert_eq!(s.show(1), "3.0 (1.0–5.0)");
        assert_eq!(Summary::of(&[]).show(0), "-");
        assert!(Summary::of(&[f64::NAN]).median.is_nan());
    }
}
