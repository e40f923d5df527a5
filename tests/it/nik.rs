//! `kyc_clients::nik`: what a real NIK encodes (region, birth date with +40 for women, serial),
//! the century rule, and messages that never give the digits back.

use chrono::NaiveDate;
use kyc_clients::nik::{Gender, NikError, parse, parse_at, province_name};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// 2025-06-01, the `today` of most tests.
fn today() -> NaiveDate {
    date(2025, 6, 1)
}

#[test]
fn reads_every_part_of_a_mans_nik() {
    // Jawa Barat (32), Kota Bekasi (75), district 03, born 12-10-1993, serial 0027.
    let info = parse_at("3275031210930027", today()).unwrap();
    assert_eq!(info.province_code(), 32);
    assert_eq!(info.province_name(), "Jawa Barat");
    assert_eq!(info.regency_code(), 75);
    assert!(info.is_city());
    assert_eq!(info.district_code(), 3);
    assert_eq!(info.region_code(), "32.75.03");
    assert_eq!(info.birth_date(), date(1993, 10, 12));
    assert_eq!(info.gender(), Gender::Male);
    assert_eq!(info.serial(), 27);
}

#[test]
fn forty_is_added_to_a_womans_birth_day() {
    let info = parse_at("3171015708010003", today()).unwrap();
    assert_eq!(info.province_name(), "DKI Jakarta");
    assert!(!parse_at("3101015708010003", today()).unwrap().is_city());
    assert_eq!(info.gender(), Gender::Female);
    assert_eq!(info.birth_date(), date(2001, 8, 17));
    // Day 41 is the 1st, 71 the 31st.
    assert_eq!(
        parse_at("3171014101900001", today()).unwrap().birth_date(),
        date(1990, 1, 1)
    );
    assert_eq!(
        parse_at("3171017101900001", today()).unwrap().birth_date(),
        date(1990, 1, 31)
    );
}

#[test]
fn century_is_the_latest_that_is_not_in_the_future() {
    // Born 01-06-25: today (2025-06-01) is 2025; a day later it would be 1925.
    let on_the_day = parse_at("3275030106250001", today()).unwrap();
    assert_eq!(on_the_day.birth_date(), date(2025, 6, 1));
    let tomorrow = parse_at("3275030206250001", today()).unwrap();
    assert_eq!(tomorrow.birth_date(), date(1925, 6, 2));
    // `00` is 2000 after 2000, and the same NIK read in 1999 is 1900.
    assert_eq!(
        parse_at("3275030101000001", today()).unwrap().birth_date(),
        date(2000, 1, 1)
    );
    assert_eq!(
        parse_at("3275030101000001", date(1999, 12, 31))
            .unwrap()
            .birth_date(),
        date(1900, 1, 1)
    );
}

#[test]
fn the_birth_date_must_exist() {
    assert_eq!(
        parse_at("3275033102900001", today()),
        Err(NikError::BirthDate),
        "31 February"
    );
    assert_eq!(
        parse_at("3275037104900001", today()),
        Err(NikError::BirthDate),
        "31 April, for a woman"
    );
    // 29 February 2000 exists; 1900 was no leap year, and 2001/1901 neither.
    assert_eq!(
        parse_at("3275032902000001", today()).unwrap().birth_date(),
        date(2000, 2, 29)
    );
    assert_eq!(
        parse_at("3275032902000001", date(1999, 1, 1)),
        Err(NikError::FutureBirthDate)
    );
    assert_eq!(
        parse_at("3275032902010001", today()),
        Err(NikError::BirthDate)
    );
    for (nik, error) in [
        ("3275030012900001", NikError::BirthDay),
        ("3275033212900001", NikError::BirthDay),
        ("3275034012900001", NikError::BirthDay),
        ("3275037212900001", NikError::BirthDay),
        ("3275031200900001", NikError::BirthMonth),
        ("3275031213900001", NikError::BirthMonth),
    ] {
        assert_eq!(parse_at(nik, today()), Err(error), "{nik}");
    }
}

#[test]
fn region_and_serial_are_checked() {
    assert_eq!(
        parse_at("3200031210930027", today()),
        Err(NikError::Regency)
    );
    assert_eq!(
        parse_at("3275001210930027", today()),
        Err(NikError::District)
    );
    assert_eq!(parse_at("3275031210930000", today()), Err(NikError::Serial));
    // Unassigned codes, East Timor's old 54, and BPS-only 97 are not Kemendagri provinces.
    for province in ["10", "20", "22", "37", "54", "83", "90", "97", "99"] {
        let nik = format!("{province}75031210930027");
        assert_eq!(
            parse_at(&nik, today()),
            Err(NikError::Province),
            "{province}"
        );
    }
}

#[test]
fn the_province_table_is_kemendagris() {
    let known: Vec<u8> = (0..=99).filter(|&c| province_name(c).is_some()).collect();
    assert_eq!(known.len(), 38);
    assert_eq!(province_name(11), Some("Aceh"));
    assert_eq!(province_name(21), Some("Kepulauan Riau"));
    assert_eq!(province_name(65), Some("Kalimantan Utara"));
    // NIKs use Kemendagri codes: Papua is 91 and Papua Barat 92 (BPS: 94 and 91).
    assert_eq!(province_name(91), Some("Papua"));
    assert_eq!(province_name(92), Some("Papua Barat"));
    assert_eq!(province_name(93), Some("Papua Selatan"));
    assert_eq!(province_name(94), Some("Papua Tengah"));
    assert_eq!(province_name(95), Some("Papua Pegunungan"));
    assert_eq!(province_name(96), Some("Papua Barat Daya"));
    for code in known {
        let nik = format!("{code:02}01011210930001");
        assert_eq!(
            parse_at(&nik, today()).unwrap().province_code(),
            code,
            "{nik}"
        );
    }
}

#[test]
fn the_vendors_sandbox_niks_are_not_real_ones() {
    // The client accepts them (16 digits); the parser says what they lack.
    assert!(kyc_clients::Nik::new("1234567890123456").is_ok());
    assert_eq!(
        parse_at("1234567890123456", today()),
        Err(NikError::BirthDay)
    );
    assert!(kyc_clients::Nik::new("1234567890111118").is_ok());
    assert_eq!(
        parse_at("1234567890111118", today()),
        Err(NikError::BirthDay)
    );
}

#[test]
fn shape_errors_name_the_part() {
    assert_eq!(
        parse_at("327503121093002", today()),
        Err(NikError::Length { found: 15 })
    );
    assert_eq!(
        parse_at("32750312109300271", today()),
        Err(NikError::Length { found: 17 })
    );
    assert_eq!(
        parse_at("3275031210930O27", today()),
        Err(NikError::NotDigit { position: 14 })
    );
    // Characters, not bytes: a 16-character string with a non-ASCII digit.
    assert_eq!(
        parse_at("327503121093002٧", today()),
        Err(NikError::NotDigit { position: 16 })
    );
}

#[test]
fn messages_and_debug_never_give_the_digits_back() {
    let nik = "3275035210930027";
    let info = parse_at(nik, today()).unwrap();
    let debug = format!("{info:?}");
    assert_eq!(
        debug,
        "NikInfo { province: 32 (Jawa Barat), regency: 75, district: 3, gender: Female, \
         birth_date: [redacted], serial: [redacted] }"
    );

    let broken = [
        "3275031210930O27",
        "20750312109300270",
        "2075031210930027",
        "3200031210930027",
        "3275001210930027",
        "3275039912930027",
        "3275031299930027",
        "3275033102930027",
        "3275031210930000",
    ];
    for nik in broken {
        let message = parse_at(nik, today()).unwrap_err().to_string();
        // No run of three or more of the NIK's digits, in order, appears in the message.
        for window in nik.as_bytes().windows(3) {
            let digits = std::str::from_utf8(window).unwrap();
            if digits.bytes().all(|b| b.is_ascii_digit()) {
                assert!(!message.contains(digits), "{message:?} contains {digits}");
            }
        }
    }
    assert_eq!(
        NikError::BirthDate.to_string(),
        "digits 7-12 of the NIK (birth date) name a day that month does not have"
    );
    assert_eq!(
        NikError::Length { found: 15 }.to_string(),
        "a NIK is 16 digits; this one has 15 characters"
    );
}

#[test]
fn parse_uses_todays_date() {
    // Someone born in 1990 is read as such whatever today is (after 2000).
    let info = parse("3275031210900027").unwrap();
    assert_eq!(info.birth_date(), date(1990, 10, 12));
}
