//! The built-in watchlist: the profiles the reference documents (Eko Hadi Salim, Intel) and
//! synthetic ones chosen to exercise every part of a screening: near-namesakes that differ
//! only in scope or score, several nationalities, full and partial dates of birth, and entity
//! names with legal forms. All synthetic names and ids are invented.
//!
//! A profile's score is its best name's [`matching`](super::matching) score, less
//! [`COUNTRY_MISMATCH_PENALTY`] when the screened nationality (or domicile) is not among the
//! profile's, and less [`DATE_MISMATCH_PENALTY`] when the screened date of birth agrees with
//! none of the profile's (partial dates agree on their known parts).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::matching::{self, NameKind};

/// Points taken off when the countries disagree.
pub(crate) const COUNTRY_MISMATCH_PENALTY: u8 = 5;
/// Points taken off when the dates of birth disagree.
pub(crate) const DATE_MISMATCH_PENALTY: u8 = 15;

/// A family of lists (the spec's `Scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub(crate) enum Scope {
    Pep,
    Sanction,
    Other,
}

/// A watchlist date: a full `YYYY-MM-DD` string, as the reference's examples show, or a
/// partial `{y, m, d}` object with 0 for unknown parts, as its schema tables describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub(crate) enum WatchlistDate {
    Full(&'static str),
    Partial { y: u16, m: u8, d: u8 },
}

impl WatchlistDate {
    fn agrees_with(self, date: NaiveDate) -> bool {
        let (y, m, d) = match self {
            Self::Full(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(full) => (full.year(), full.month(), full.day()),
                Err(_) => return true,
            },
            Self::Partial { y, m, d } => (i32::from(y), u32::from(m), u32::from(d)),
        };
        (y == 0 || y == date.year()) && (m == 0 || m == date.month()) && (d == 0 || d == date.day())
    }
}

/// Whether a profile is a person or an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProfileKind {
    Individual,
    Entity,
}

/// One watchlist record.
#[derive(Debug)]
pub(crate) struct Profile {
    pub(crate) id: &'static str,
    pub(crate) kind: ProfileKind,
    pub(crate) names: &'static [&'static str],
    pub(crate) scopes: &'static [Scope],
    /// Nationalities (individuals) or business domiciles (entities).
    pub(crate) countries: &'static [&'static str],
    /// Dates of birth (individuals) or of registration (entities).
    pub(crate) dates: &'static [WatchlistDate],
}

use ProfileKind::{Entity, Individual};
use Scope::{Other, Pep, Sanction};
use WatchlistDate::{Full, Partial};

/// Every profile.
pub(crate) const PROFILES: &[Profile] = &[
    // Documented: the reference's individual example.
    Profile {
        id: "2dc667a4-d232-4d51-a561-631ce966fb2c",
        kind: Individual,
        names: &["Eko Hadi Salim"],
        scopes: &[Other, Pep],
        countries: &["ID"],
        dates: &[Full("1943-03-11")],
    },
    // A near-namesake on a sanctions list: shows up only when SANCTION is searched.
    Profile {
        id: "9a1c3e52-6b7d-4f08-8e21-3c5d7a9b0f14",
        kind: Individual,
        names: &["Eko Hadi Santoso"],
        scopes: &[Sanction],
        countries: &["ID"],
        dates: &[Full("1971-08-17")],
    },
    // Two of the three names of the documented profile: scores 67 against it.
    Profile {
        id: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
        kind: Individual,
        names: &["Hadi Salim"],
        scopes: &[Other],
        countries: &["SG"],
        dates: &[Full("1980-01-01")],
    },
    // A year-only date of birth and an alias.
    Profile {
        id: "4f2b8d61-0c3e-47a9-b5d2-8e6f1a3c7b90",
        kind: Individual,
        names: &["Siti Rahmawati", "Siti Rahma"],
        scopes: &[Pep],
        countries: &["ID"],
        dates: &[Partial {
            y: 1975,
            m: 0,
            d: 0,
        }],
    },
    // Two nationalities, two candidate dates of birth (one partial).
    Profile {
        id: "c7e4a913-52d8-4b6f-9a0e-1d2f3b4c5e6a",
        kind: Individual,
        names: &["Budi Hartono Wijaya"],
        scopes: &[Pep, Other],
        countries: &["ID", "SG"],
        dates: &[
            Full("1961-05-20"),
            Partial {
                y: 1962,
                m: 5,
                d: 0,
            },
        ],
    },
    Profile {
        id: "1e9f7b2c-8d4a-4c3e-b6f5-0a1b2c3d4e5f",
        kind: Individual,
        names: &["Ahmad Fauzi bin Abdullah"],
        scopes: &[Sanction],
        countries: &["MY"],
        dates: &[Partial {
            y: 1968,
            m: 11,
            d: 0,
        }],
    },
    Profile {
        id: "6d3a2f8e-4b1c-4e7d-9f0a-2b3c4d5e6f70",
        kind: Individual,
        names: &["Viktor Ivanovich Petrov"],
        scopes: &[Sanction],
        countries: &["RU"],
        dates: &[Full("1959-02-03")],
    },
    Profile {
        id: "8b7c6d5e-3f2a-4b1c-8d9e-0f1a2b3c4d5e",
        kind: Individual,
        names: &["Maria Elena Gonzalez"],
        scopes: &[Other],
        countries: &["MX"],
        dates: &[Full("1980-12-01")],
    },
    Profile {
        id: "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d",
        kind: Individual,
        names: &["John Michael Smith"],
        scopes: &[Pep],
        countries: &["US", "GB"],
        dates: &[Partial {
            y: 1955,
            m: 0,
            d: 0,
        }],
    },
    // No known date of birth.
    Profile {
        id: "f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9",
        kind: Individual,
        names: &["Dewi Lestari Kusuma"],
        scopes: &[Other, Sanction],
        countries: &["ID"],
        dates: &[],
    },
    // Documented: the reference's entity example.
    Profile {
        id: "ed84802c-d73d-4d22-8897-5bc771709073",
        kind: Entity,
        names: &["Intel Corp", "Intel Corporation"],
        scopes: &[Other, Pep],
        countries: &["US"],
        dates: &[],
    },
    // Starts like "intel" but is another company: well under any threshold.
    Profile {
        id: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
        kind: Entity,
        names: &["Intelligent Systems Ltd"],
        scopes: &[Other],
        countries: &["GB"],
        dates: &[Full("2004-09-14")],
    },
    Profile {
        id: "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b",
        kind: Entity,
        names: &["PT Bank Sejahtera Abadi Tbk", "Bank Sejahtera Abadi"],
        scopes: &[Sanction],
        countries: &["ID"],
        dates: &[Partial {
            y: 1998,
            m: 4,
            d: 0,
        }],
    },
    Profile {
        id: "7f8e9d0c-1b2a-4394-a5b6-c7d8e9f0a1b2",
        kind: Entity,
        names: &["Golden Crescent Trading LLC"],
        scopes: &[Sanction, Other],
        countries: &["AE"],
        dates: &[Full("2011-06-30")],
    },
    Profile {
        id: "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d",
        kind: Entity,
        names: &["Nusantara Mining Group"],
        scopes: &[Other],
        countries: &["ID"],
        dates: &[],
    },
];

/// A screening's search.
#[derive(Debug)]
pub(crate) struct Search<'a> {
    pub(crate) kind: ProfileKind,
    pub(crate) name: &'a str,
    pub(crate) country: Option<&'a str>,
    pub(crate) date: Option<NaiveDate>,
    pub(crate) scopes: &'a [Scope],
    pub(crate) threshold: u8,
}

/// The profiles that match `search`, best first, with their scores.
pub(crate) fn search(search: &Search<'_>) -> Vec<(&'static Profile, u8)> {
    let name_kind = match search.kind {
        Individual => NameKind::Individual,
        Entity => NameKind::Entity,
    };
    let query = matching::tokens(search.name, name_kind);
    let mut found: Vec<(&'static Profile, u8)> = PROFILES
        .iter()
        .filter(|p| p.kind == search.kind)
        .filter(|p| p.scopes.iter().any(|s| search.scopes.contains(s)))
        .map(|profile| (profile, score(profile, &query, name_kind, search)))
        .filter(|(_, score)| *score >= search.threshold)
        .collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.id.cmp(b.0.id)));
    found
}

fn score(profile: &Profile, query: &[String], kind: NameKind, search: &Search<'_>) -> u8 {
    let name = profile
        .names
        .iter()
        .map(|n| matching::score(query, &matching::tokens(n, kind)))
        .max()
        .unwrap_or(0);
    let country_disagrees = search
        .country
        .is_some_and(|c| !profile.countries.is_empty() && !profile.countries.contains(&c));
    let date_disagrees = search.date.is_some_and(|d| {
        !profile.dates.is_empty() && !profile.dates.iter().any(|p| p.agrees_with(d))
    });
    name.saturating_sub(if country_disagrees {
        COUNTRY_MISMATCH_PENALTY
    } else {
        0
    })
    .saturating_sub(if date_disagrees {
        DATE_MISMATCH_PENALTY
    } else {
        0
    })
}

/// The profile with this id.
pub(crate) fn profile(id: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(name: &str, scopes: &[Scope], threshold: u8) -> Vec<(&'static str, u8)> {
        search(&Search {
            kind: Individual,
            name,
            country: Some("ID"),
            date: None,
            scopes,
            threshold,
        })
        .into_iter()
        .map(|(p, s)| (p.id, s))
        .collect()
    }

    #[test]
    fn the_documented_individual_search() {
        let found = people("Eko Hadi Salim", &[Pep], 90);
        assert_eq!(found, vec![("2dc667a4-d232-4d51-a561-631ce966fb2c", 100)]);
    }

    #[test]
    fn scopes_and_thresholds_filter() {
        let all = people("Eko Hadi Salim", &[Pep, Sanction, Other], 50);
        let ids: Vec<&str> = all.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids.len(), 3, "{all:?}");
        assert_eq!(ids[0], "2dc667a4-d232-4d51-a561-631ce966fb2c");
        assert!(ids.contains(&"9a1c3e52-6b7d-4f08-8e21-3c5d7a9b0f14"));
        // "Hadi Salim" is 67 by name, less 5 for nationality SG.
        assert!(all.contains(&("3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", 62)));
        assert_eq!(people("Eko Hadi Salim", &[Sanction], 95), vec![]);
    }

    #[test]
    fn the_documented_entity_search() {
        let found = search(&Search {
            kind: Entity,
            name: "intel",
            country: Some("US"),
            date: None,
            scopes: &[Pep],
            threshold: 95,
        });
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0.id, "ed84802c-d73d-4d22-8897-5bc771709073");
        assert_eq!(found[0].1, 100);
    }

    #[test]
    fn dates_of_birth_adjust_scores() {
        let with_date = |date: &str| {
            search(&Search {
                kind: Individual,
                name: "Siti Rahmawati",
                country: Some("ID"),
                date: Some(date.parse().unwrap()),
                scopes: &[Pep],
                threshold: 50,
            })[0]
                .1
        };
        assert_eq!(with_date("1975-06-01"), 100);
        assert_eq!(with_date("1976-06-01"), 100 - DATE_MISMATCH_PENALTY);
    }
}
