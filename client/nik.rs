//! What a real NIK (Nomor Induk Kependudukan) encodes, for callers who want it. Written by
//! hand.
//!
//! The clients themselves only check that a NIK is 16 digits ([`crate::Nik`]): the vendors'
//! sandbox NIKs (`1234567890123456`, ...) encode no real region or birth date, and must still
//! be accepted. [`parse`] reads the parts of a real one:
//!
//! | digits | part |
//! | --- | --- |
//! | 1–2 | province code (Kemendagri) |
//! | 3–4 | regency (*kabupaten*, `01`–`69`) or city (*kota*, `71`–`99`) code |
//! | 5–6 | district (*kecamatan*) code |
//! | 7–12 | birth date `DDMMYY`, with 40 added to the day for women |
//! | 13–16 | serial number, from `0001` |
//!
//! **Province codes** are the Ministry of Home Affairs (Kemendagri) codes that Dukcapil uses in
//! NIKs — not the statistics bureau's (BPS) codes, which differ for Papua. All 38 current
//! provinces are known ([`province_name`]): `11` Aceh … `82` Maluku Utara, `91` Papua, `92`
//! Papua Barat, and the provinces created in 2022: `93` Papua Selatan, `94` Papua Tengah, `95`
//! Papua Pegunungan, `96` Papua Barat Daya. (In BPS codes Papua is `94` and Papua Barat `91`.)
//! Any other code is refused. A NIK keeps the code of the province that issued it, so people
//! living in the new provinces mostly still carry `91` or `92`.
//!
//! **Century.** A NIK has a two-digit year. [`parse_at`] reads it as 20YY if that date is not
//! after `today`, else as 19YY: the most recent date the NIK can mean. So a person aged 100 or
//! more reads as a child, which no rule can avoid (the NIK does not say). [`parse`] uses
//! today's date in eastern Indonesia (UTC+9, WIT), the latest calendar date anywhere in
//! Indonesia, so a baby born today anywhere in the country is not read as born a century ago.
//!
//! Error messages name the part that is wrong (by its digit positions) and never contain the
//! NIK or any of its digits. [`NikInfo`]'s `Debug` shows the region codes and gender, and
//! `[redacted]` for the birth date and serial, which with them would give back the NIK.
//!
//! ```
//! use chrono::NaiveDate;
//! use kyc_clients::nik::{Gender, parse_at};
//!
//! let today = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
//! let info = parse_at("3275035210930027", today)?;
//! assert_eq!(info.province_name(), "Jawa Barat");
//! assert_eq!(info.gender(), Gender::Female); // day 52 = 12 + 40
//! assert_eq!(info.birth_date(), NaiveDate::from_ymd_opt(1993, 10, 12).unwrap());
//! assert!(format!("{info:?}").contains("birth_date: [redacted]"));
//! # Ok::<(), kyc_clients::nik::NikError>(())
//! ```

use std::fmt;

use chrono::NaiveDate;

/// The 38 provinces by Kemendagri code, as NIKs carry them.
const PROVINCES: [(u8, &str); 38] = [
    (11, "Aceh"),
    (12, "Sumatera Utara"),
    (13, "Sumatera Barat"),
    (14, "Riau"),
    (15, "Jambi"),
    (16, "Sumatera Selatan"),
    (17, "Bengkulu"),
    (18, "Lampung"),
    (19, "Kepulauan Bangka Belitung"),
    (21, "Kepulauan Riau"),
    (31, "DKI Jakarta"),
    (32, "Jawa Barat"),
    (33, "Jawa Tengah"),
    (34, "DI Yogyakarta"),
    (35, "Jawa Timur"),
    (36, "Banten"),
    (51, "Bali"),
    (52, "Nusa Tenggara Barat"),
    (53, "Nusa Tenggara Timur"),
    (61, "Kalimantan Barat"),
    (62, "Kalimantan Tengah"),
    (63, "Kalimantan Selatan"),
    (64, "Kalimantan Timur"),
    (65, "Kalimantan Utara"),
    (71, "Sulawesi Utara"),
    (72, "Sulawesi Tengah"),
    (73, "Sulawesi Selatan"),
    (74, "Sulawesi Tenggara"),
    (75, "Gorontalo"),
    (76, "Sulawesi Barat"),
    (81, "Maluku"),
    (82, "Maluku Utara"),
    (91, "Papua"),
    (92, "Papua Barat"),
    (93, "Papua Selatan"),
    (94, "Papua Tengah"),
    (95, "Papua Pegunungan"),
    (96, "Papua Barat Daya"),
];

/// The name of the province with this Kemendagri code (`32` → `Jawa Barat`), if it is one of
/// the 38 (see the [module docs](self)).
pub fn province_name(code: u8) -> Option<&'static str> {
    PROVINCES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// The gender a NIK encodes (40 added to the birth day for women).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Birth day `01`–`31`.
    Male,
    /// Birth day `41`–`71`.
    Female,
}

/// The parts of a NIK. `Debug` hides the birth date and serial; the accessors give them.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct NikInfo {
    province: u8,
    regency: u8,
    district: u8,
    birth_date: NaiveDate,
    gender: Gender,
    serial: u16,
}

impl NikInfo {
    /// Digits 1–2: the Kemendagri province code.
    pub fn province_code(&self) -> u8 {
        self.province
    }

    /// The province's name (the code was checked to be one of the 38).
    pub fn province_name(&self) -> &'static str {
        province_name(self.province).unwrap_or("unknown province")
    }

    /// Digits 3–4: the regency or city code within the province.
    pub fn regency_code(&self) -> u8 {
        self.regency
    }

    /// Whether digits 3–4 name a city (*kota*, codes from 71) rather than a regency
    /// (*kabupaten*).
    pub fn is_city(&self) -> bool {
        self.regency >= 71
    }

    /// Digits 5–6: the district (*kecamatan*) code within the regency or city.
    pub fn district_code(&self) -> u8 {
        self.district
    }

    /// The region as Kemendagri writes it: `32.75.03`.
    pub fn region_code(&self) -> String {
        format!(
            "{:02}.{:02}.{:02}",
            self.province, self.regency, self.district
        )
    }

    /// Digits 7–12: the birth date (see the [module docs](self) for the century). Personal
    /// data: keep it out of logs.
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// The gender (40 added to the birth day for women).
    pub fn gender(&self) -> Gender {
        self.gender
    }

    /// Digits 13–16: the serial number among people of the same district and birth date.
    pub fn serial(&self) -> u16 {
        self.serial
    }
}

impl fmt::Debug for NikInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NikInfo")
            .field(
                "province",
                &format_args!("{} ({})", self.province, self.province_name()),
            )
            .field("regency", &self.regency)
            .field("district", &self.district)
            .field("gender", &self.gender)
            .field("birth_date", &format_args!("[redacted]"))
            .field("serial", &format_args!("[redacted]"))
            .finish()
    }
}

/// A NIK that does not encode what a real one does. The message names the part (by digit
/// positions) and never contains the NIK or its digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NikError {
    /// Not 16 characters.
    Length {
        /// How many characters were given.
        found: usize,
    },
    /// A character that is not an ASCII digit.
    NotDigit {
        /// Its 1-based position.
        position: usize,
    },
    /// Digits 1–2 are not one of the 38 province codes.
    Province,
    /// Digits 3–4 are `00`.
    Regency,
    /// Digits 5–6 are `00`.
    District,
    /// Digits 7–8 are not a day `01`–`31` (men) or `41`–`71` (women).
    BirthDay,
    /// Digits 9–10 are not a month `01`–`12`.
    BirthMonth,
    /// Digits 7–12 name a day the month does not have (31 April, 29 February of a common
    /// year) in either century.
    BirthDate,
    /// Digits 7–12 name a date after `today` in both centuries (only with a `today` before
    /// 2000).
    FutureBirthDate,
    /// Digits 13–16 are `0000`.
    Serial,
}

impl fmt::Display for NikError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length { found } => {
                write!(f, "a NIK is 16 digits; this one has {found} characters")
            }
            Self::NotDigit { position } => {
                write!(f, "character {position} of the NIK is not a digit")
            }
            Self::Province => f.write_str(
                "digits 1-2 of the NIK (province) are not one of Indonesia's 38 province codes",
            ),
            Self::Regency => f.write_str("digits 3-4 of the NIK (regency or city) are zero"),
            Self::District => f.write_str("digits 5-6 of the NIK (district) are zero"),
            Self::BirthDay => f.write_str(
                "digits 7-8 of the NIK (birth day) are not a day 01-31, or 41-71 for women",
            ),
            Self::BirthMonth => {
                f.write_str("digits 9-10 of the NIK (birth month) are not a month 01-12")
            }
            Self::BirthDate => f.write_str(
                "digits 7-12 of the NIK (birth date) name a day that month does not have",
            ),
            Self::FutureBirthDate => {
                f.write_str("digits 7-12 of the NIK (birth date) name a date in the future")
            }
            Self::Serial => {
                f.write_str("digits 13-16 of the NIK (serial) are zero; serials start at 1")
            }
        }
    }
}

impl std::error::Error for NikError {}

/// Reads what `nik` encodes, taking today's date in eastern Indonesia (UTC+9) for the century
/// (see the [module docs](self)).
pub fn parse(nik: &str) -> Result<NikInfo, NikError> {
    let today = (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive();
    parse_at(nik, today)
}

/// Reads what `nik` encodes; the birth year is 20YY if that date is not after `today`, else
/// 19YY.
pub fn parse_at(nik: &str, today: NaiveDate) -> Result<NikInfo, NikError> {
    let found = nik.chars().count();
    if found != 16 {
        return Err(NikError::Length { found });
    }
    if let Some(position) = nik.chars().position(|c| !c.is_ascii_digit()) {
        return Err(NikError::NotDigit {
            position: position + 1,
        });
    }
    let digits = nik.as_bytes();
    let number = |from: usize, to: usize| {
        digits[from..to]
            .iter()
            .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'))
    };
    // Two digits fit a u8.
    let pair = |from: usize| number(from, from + 2) as u8;

    let province = pair(0);
    if province_name(province).is_none() {
        return Err(NikError::Province);
    }
    let regency = pair(2);
    if regency == 0 {
        return Err(NikError::Regency);
    }
    let district = pair(4);
    if district == 0 {
        return Err(NikError::District);
    }
    let (day, gender) = match pair(6) {
        day @ 1..=31 => (day, Gender::Male),
        day @ 41..=71 => (day - 40, Gender::Female),
        _ => return Err(NikError::BirthDay),
    };
    let month = pair(8);
    if !(1..=12).contains(&month) {
        return Err(NikError::BirthMonth);
    }
    let birth_date = birth_date(i32::from(pair(10)), month, day, today)?;
    let serial = number(12, 16);
    if serial == 0 {
        return Err(NikError::Serial);
    }
    Ok(NikInfo {
        province,
        regency,
        district,
        birth_date,
        gender,
        serial,
    })
}

/// The most recent of 20YY-MM-DD and 19YY-MM-DD that exists and is not after `today`.
fn birth_date(yy: i32, month: u8, day: u8, today: NaiveDate) -> Result<NaiveDate, NikError> {
    let candidates = [2000 + yy, 1900 + yy]
        .map(|year| NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day)));
    if candidates.iter().all(Option::is_none) {
        return Err(NikError::BirthDate);
    }
    candidates
        .into_iter()
        .flatten()
        .find(|date| *date <= today)
        .ok_or(NikError::FutureBirthDate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_eight_distinct_provinces() {
        let mut codes: Vec<u8> = PROVINCES.iter().map(|(c, _)| *c).collect();
        codes.dedup();
        assert_eq!(codes.len(), 38);
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
        assert!(codes.iter().all(|c| (11..=96).contains(c)));
    }
}
