//! Reading money amounts as exports print them (`￥1,072.00`, `$25`, `12.5`).
//!
//! Amounts stay decimal text: evidence must show exactly what was paid, and a
//! float would turn 0.1 into 0.1000000000000000055.

/// A parsed amount: decimal text without grouping, and the ISO 4217 code
/// when a currency sign or code told us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    pub value: String,
    pub currency: Option<String>,
}

const SIGNS: &[(&str, &str)] = &[
    ("￥", "CNY"),
    ("¥", "CNY"),
    ("元", "CNY"),
    ("RMB", "CNY"),
    ("CNY", "CNY"),
    ("US$", "USD"),
    ("USD", "USD"),
    ("$", "USD"),
    ("€", "EUR"),
    ("EUR", "EUR"),
    ("£", "GBP"),
    ("GBP", "GBP"),
    ("HK$", "HKD"),
    ("HKD", "HKD"),
    ("₹", "INR"),
    ("INR", "INR"),
];

/// Parse `text` as an amount, optionally with a currency sign or code before
/// or after the number. Returns `None` when it is not one number.
pub fn parse_amount(text: &str) -> Option<Amount> {
    let mut t = text.trim();
    let mut currency = None;
    // Longest signs first so "HK$" wins over "$".
    let mut signs: Vec<&(&str, &str)> = SIGNS.iter().collect();
    signs.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
    for (sign, code) in &signs {
        if let Some(rest) = t.strip_prefix(sign) {
            t = rest.trim();
            currency = Some(code.to_string());
            break;
        }
        if let Some(rest) = t.strip_suffix(sign) {
            t = rest.trim();
            currency = Some(code.to_string());
            break;
        }
    }
    let value: String = t.chars().filter(|&c| c != ',' && c != ' ').collect();
    let (neg, digits) = match value.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, value.as_str()),
    };
    let mut parts = digits.splitn(2, '.');
    let int = parts.next()?;
    let frac = parts.next();
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    Some(Amount { value: if neg { format!("-{digits}") } else { digits.to_string() }, currency })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let a = |s: &str| parse_amount(s).map(|a| (a.value, a.currency));
        assert_eq!(a("￥1,072.00"), Some(("1072.00".into(), Some("CNY".into()))));
        assert_eq!(a("2000"), Some(("2000".into(), None)));
        assert_eq!(a("HK$ 25.5"), Some(("25.5".into(), Some("HKD".into()))));
        assert_eq!(a("88元"), Some(("88".into(), Some("CNY".into()))));
        assert_eq!(a("-3.5"), Some(("-3.5".into(), None)));
        assert_eq!(a("abc"), None);
        assert_eq!(a("1.2.3"), None);
        assert_eq!(a(""), None);
    }
}
