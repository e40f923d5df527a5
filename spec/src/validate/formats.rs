//! The string formats the specs use and the validator checks, written by hand (a date reader
//! is a few lines; a date library would be the only reason for one more dependency):
//! `date`, `date-time`, `email`, `uuid`.

/// A calendar date written `YYYY-MM-DD` (RFC 3339 `full-date`), the day existing in that month.
pub(crate) fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && {
        match (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10])) {
            (Some(year), Some(month), Some(day)) => {
                (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
            }
            _ => false,
        }
    }
}

/// An RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS`, optional fraction, `Z` or `±HH:MM`.
pub(crate) fn is_date_time(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't') || !is_date(&text[..10]) {
        return false;
    }
    let time_ok = b[13] == b':'
        && b[16] == b':'
        && digits(&b[11..13]).is_some_and(|h| h <= 23)
        && digits(&b[14..16]).is_some_and(|m| m <= 59)
        // 60: a leap second.
        && digits(&b[17..19]).is_some_and(|s| s <= 60);
    if !time_ok {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let count = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if count == 0 {
            return false;
        }
        rest = &fraction[count..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', offset @ ..] => {
            offset.len() == 5
                && offset[2] == b':'
                && digits(&offset[0..2]).is_some_and(|h| h <= 23)
                && digits(&offset[3..5]).is_some_and(|m| m <= 59)
        }
        _ => false,
    }
}

/// A plausible email address: one `@`, a non-empty local part, a domain of two or more
/// non-empty labels, no whitespace.
pub(crate) fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

/// A UUID in its hyphenated form, `8-4-4-4-12` hexadecimal digits, any case.
pub(crate) fn is_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// An IPv4 address in dotted-decimal form (`159.253.145.183`).
pub(crate) fn is_ipv4(text: &str) -> bool {
    text.parse::<std::net::Ipv4Addr>().is_ok()
}

fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(is_date("1990-07-06"));
        assert!(is_date("2000-02-29"));
        assert!(!is_date("1900-02-29"));
        assert!(!is_date("1990-02-30"));
        assert!(!is_date("06-07-1990"));
        assert!(!is_date("1990-7-6"));
        assert!(!is_date("1990-13-01"));
        assert!(!is_date("1990-00-10"));
    }

    #[test]
    fn ipv4_addresses() {
        assert!(is_ipv4("159.253.145.183"));
        for not_one in ["not-an-ip", "256.1.1.1", "1.2.3", "::1", " 1.2.3.4"] {
            assert!(!is_ipv4(not_one), "{not_one}");
        }
    }

    #[test]
    fn date_times() {
        assert!(is_date_time("2024-01-31T23:59:60Z"));
        assert!(is_date_time("2024-01-31T08:00:00.123+07:00"));
        assert!(is_date_time("2024-01-31t08:00:00-00:30"));
        assert!(!is_date_time("2024-01-31T08:00:00"));
        assert!(!is_date_time("2024-01-31 08:00:00Z"));
        assert!(!is_date_time("2024-01-31T24:00:00Z"));
        assert!(!is_date_time("2024-01-31T08:00:00.Z"));
        assert!(!is_date_time("2024-01-31T08:00:00+0700"));
    }

    #[test]
    fn emails_and_uuids() {
        assert!(is_email("test@email.com"));
        assert!(!is_email("test@email"));
        assert!(!is_email("a b@email.com"));
        assert!(!is_email("a@b@email.com"));
        assert!(!is_email("a@email..com"));
        assert!(!is_email("@email.com"));
        assert!(is_uuid("36a6ed7b-cd7a-44d7-b4d2-d181cf561ea3"));
        assert!(!is_uuid("36a6ed7b-cd7a-44d7-b4d2-d181cf561ea"));
        assert!(!is_uuid("36a6ed7bxcd7a-44d7-b4d2-d181cf561ea3"));
    }
}
