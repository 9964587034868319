//! Bates numbers: a prefix and a zero-padded counter (`RL000001`), one per
//! produced page of `case.pdf` and per produced native file, in production
//! order (each case's pages, then its attachments).

use super::options::ExportOptions;
use super::ExportError;

pub struct Bates {
    prefix: String,
    next: u64,
    digits: usize,
}

impl Bates {
    pub fn new(opts: &ExportOptions) -> Result<Self, ExportError> {
        let p = &opts.bates_prefix;
        if p.len() > 20 || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(ExportError::BadRequest(format!(
                "Bates prefix {p:?}: use up to 20 letters, digits, '-' or '_' (it appears in every load file)"
            )));
        }
        if !(1..=15).contains(&opts.bates_digits) {
            return Err(ExportError::BadRequest("Bates digits must be between 1 and 15".into()));
        }
        Ok(Self { prefix: p.clone(), next: opts.bates_start, digits: opts.bates_digits as usize })
    }

    pub fn label(&self, n: u64) -> String {
        format!("{}{:0width$}", self.prefix, n, width = self.digits)
    }

    /// The next `count` numbers, as labels.
    pub fn take(&mut self, count: usize) -> Vec<String> {
        let out = (0..count as u64).map(|k| self.label(self.next + k)).collect();
        self.next += count as u64;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_padded_and_consecutive() {
        let opts = ExportOptions { bates_prefix: "ACME-".into(), bates_start: 998, bates_digits: 4, ..Default::default() };
        let mut b = Bates::new(&opts).unwrap();
        assert_eq!(b.take(3), ["ACME-0998", "ACME-0999", "ACME-1000"]);
        assert_eq!(b.take(1), ["ACME-1001"]);
        let bad = ExportOptions { bates_prefix: "a b".into(), ..Default::default() };
        assert!(Bates::new(&bad).is_err());
    }
}
