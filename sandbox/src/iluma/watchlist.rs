//! The built-in watchlist: the profiles the spec's documented scenarios show (each result of
//! the screening cases' response examples and the listing case's record, read from the spec)
//! and synthetic ones chosen to exercise every part of a screening: near-namesakes that differ
//! only in scope or score, several nationalities, full and partial dates of birth, and entity
//! names with legal forms. All synthetic names and ids are invented.
//!
//! A profile's score is its best name's [`matching`](super::matching) score, less
//! [`COUNTRY_MISMATCH_PENALTY`] when the screened nationality (or domicile) is not among the
//! profile's, and less [`DATE_MISMATCH_PENALTY`] when the screened date of birth agrees with
//! none of the profile's (partial dates agree on their known parts).

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::matching::{self, NameKind};
use crate::scenarios;

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
    /// A documented date: a `YYYY-MM-DD` string or a `{y, m, d}` object.
    fn of(value: &'static Value) -> Option<Self> {
        if let Some(text) = value.as_str() {
            return Some(Self::Full(text));
        }
        let part = |key: &str| value.get(key).and_then(Value::as_u64);
        Some(Self::Partial {
            y: u16::try_from(part("y")?).ok()?,
            m: u8::try_from(part("m").unwrap_or(0)).ok()?,
            d: u8::try_from(part("d").unwrap_or(0)).ok()?,
        })
    }

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
    pub(crate) names: Vec<&'static str>,
    pub(crate) scopes: Vec<Scope>,
    /// Nationalities (individuals) or business domiciles (entities).
    pub(crate) countries: Vec<&'static str>,
    /// Dates of birth (individuals) or of registration (entities).
    pub(crate) dates: Vec<WatchlistDate>,
    /// The `score` the spec's listing example shows for this record, if it is that record.
    pub(crate) documented_score: Option<u8>,
}

/// A synthetic profile, as written in [`SYNTHETIC`].
#[derive(Debug)]
struct Synthetic {
    id: &'static str,
    kind: ProfileKind,
    names: &'static [&'static str],
    scopes: &'static [Scope],
    countries: &'static [&'static str],
    dates: &'static [WatchlistDate],
}

impl From<&Synthetic> for Profile {
    fn from(synthetic: &Synthetic) -> Self {
        Self {
            id: synthetic.id,
            kind: synthetic.kind,
            names: synthetic.names.to_vec(),
            scopes: synthetic.scopes.to_vec(),
            countries: synthetic.countries.to_vec(),
            dates: synthetic.dates.to_vec(),
            documented_score: None,
        }
    }
}

/// Every profile: the documented ones first, then the synthetic ones.
static PROFILES: LazyLock<Vec<Profile>> = LazyLock::new(|| {
    let mut profiles = documented();
    profiles.extend(SYNTHETIC.iter().map(Profile::from));
    profiles
});

/// The profiles of the spec's scenarios: each result of a screening case's answer, and the
/// listing case's record (with its score), merged by id.
fn documented() -> Vec<Profile> {
    let mut profiles: Vec<Profile> = Vec::new();
    for case in scenarios::iluma() {
        let Some(answer) = case.response.filter(|_| case.status == 200) else {
            continue;
        };
        let records: Vec<(&'static Value, Option<ProfileKind>)> = match case.operation_id {
            "screen_individual" => results(answer, Some(Individual)),
            "screen_entity" => results(answer, Some(Entity)),
            "get_cft_pep_listing" => vec![(answer, None)],
            _ => continue,
        };
        let listing = case.operation_id == "get_cft_pep_listing";
        for (record, kind) in records {
            let Some(profile) = profile_of(record, kind, listing) else {
                continue;
            };
            match profiles.iter_mut().find(|p| p.id == profile.id) {
                Some(known) => known.fill_from(profile),
                None => profiles.push(profile),
            }
        }
    }
    profiles
}

fn results(
    answer: &'static Value,
    kind: Option<ProfileKind>,
) -> Vec<(&'static Value, Option<ProfileKind>)> {
    answer
        .get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|result| (result, kind))
        .collect()
}

/// A profile from a documented record: an individual's has `nationalities` /
/// `dates_of_birth`, an entity's `business_domiciles` / `dates_of_registration`.
fn profile_of(record: &'static Value, kind: Option<ProfileKind>, listing: bool) -> Option<Profile> {
    let strings = |field: &str| -> Vec<&'static str> {
        record
            .get(field)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    };
    let kind = kind.unwrap_or(if record.get("business_domiciles").is_some() {
        Entity
    } else {
        Individual
    });
    let (countries, dates) = match kind {
        Individual => ("nationalities", "dates_of_birth"),
        Entity => ("business_domiciles", "dates_of_registration"),
    };
    Some(Profile {
        id: record.get("id")?.as_str()?,
        kind,
        names: strings("names"),
        scopes: record
            .get("scopes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|scope| Scope::deserialize(scope).ok())
            .collect(),
        countries: strings(countries),
        dates: record
            .get(dates)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(WatchlistDate::of)
            .collect(),
        documented_score: record
            .get("score")
            .and_then(Value::as_u64)
            .and_then(|s| u8::try_from(s).ok())
            .filter(|_| listing),
    })
}

impl Profile {
    /// Completes this profile with what another documented record of it shows.
    fn fill_from(&mut self, other: Profile) {
        for (mine, theirs) in [
            (&mut self.names, other.names),
            (&mut self.countries, other.countries),
        ] {
            if mine.is_empty() {
                *mine = theirs;
            }
        }
        if self.scopes.is_empty() {
            self.scopes = other.scopes;
        }
        if self.dates.is_empty() {
            self.dates = other.dates;
        }
        self.documented_score = self.documented_score.or(other.documented_score);
    }
}

use ProfileKind::{Entity, Individual};
use Scope::{Other, Pep, Sanction};
use WatchlistDate::{Full, Partial};

/// The synthetic profiles.
const SYNTHETIC: &[Synthetic] = &[
    // A near-namesake on a sanctions list: shows up only when SANCTION is searched.
    Synthetic {
        id: "9a1c3e52-6b7d-4f08-8e21-3c5d7a9b0f14",
        kind: Individual,
        names: &["Eko Hadi Santoso"],
        scopes: &[Sanction],
        countries: &["ID"],
        dates: &[Full("1971-08-17")],
    },
    // Two of the three names of the documented profile: scores 67 against it.
    Synthetic {
        id: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
        kind: Individual,
        names: &["Hadi Salim"],
        scopes: &[Other],
        countries: &["SG"],
        dates: &[Full("1980-01-01")],
    },
    // A year-only date of birth and an alias.
    Synthetic {
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
    Synthetic {
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
    Synthetic {
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
    Synthetic {
        id: "6d3a2f8e-4b1c-4e7d-9f0a-2b3c4d5e6f70",
        kind: Individual,
        names: &["Viktor Ivanovich Petrov"],
        scopes: &[Sanction],
        countries: &["RU"],
        dates: &[Full("1959-02-03")],
    },
    Synthetic {
        id: "8b7c6d5e-3f2a-4b1c-8d9e-0f1a2b3c4d5e",
        kind: Individual,
        names: &["Maria Elena Gonzalez"],
        scopes: &[Other],
        countries: &["MX"],
        dates: &[Full("1980-12-01")],
    },
    Synthetic {
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
    Synthetic {
        id: "f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9",
        kind: Individual,
        names: &["Dewi Lestari Kusuma"],
        scopes: &[Other, Sanction],
        countries: &["ID"],
        dates: &[],
    },
    // Starts like "intel" but is another company: well under any threshold.
    Synthetic {
        id: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
        kind: Entity,
        names: &["Intelligent Systems Ltd"],
        scopes: &[Other],
        countries: &["GB"],
        dates: &[Full("2004-09-14")],
    },
    Synthetic {
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
    Synthetic {
        id: "7f8e9d0c-1b2a-4394-a5b6-c7d8e9f0a1b2",
        kind: Entity,
        names: &["Golden Crescent Trading LLC"],
        scopes: &[Sanction, Other],
        countries: &["AE"],
        dates: &[Full("2011-06-30")],
    },
    Synthetic {
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

/// Every profile.
#[cfg(test)]
pub(crate) fn profiles() -> &'static [Profile] {
    &PROFILES
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
    fn the_documented_profiles_come_from_the_spec() {
        let documented: Vec<&Profile> = profiles()
            .iter()
            .filter(|p| !SYNTHETIC.iter().any(|s| s.id == p.id))
            .collect();
        let of_kind = |kind| documented.iter().filter(|p| p.kind == kind).count();
        assert_eq!((of_kind(Individual), of_kind(Entity)), (1, 1));
        for profile in &documented {
            assert!(
                !profile.names.is_empty() && !profile.scopes.is_empty(),
                "{}",
                profile.id
            );
            assert!(!profile.countries.is_empty(), "{}", profile.id);
        }
        // The listing example's record: its score and date of birth.
        assert!(
            documented
                .iter()
                .any(|p| p.documented_score.is_some() && !p.dates.is_empty())
        );
        let mut ids: Vec<&str> = profiles().iter().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), profiles().len(), "ids are unique");
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
