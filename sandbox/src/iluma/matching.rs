//! Fuzzy name matching, scored 0–100, deterministic.
//!
//! Names are normalised (lower case, letters and digits only, entity legal forms such as
//! `PT`, `Tbk`, `Corp`, `Inc`, `Ltd` dropped) and split into tokens. Each query token is
//! paired with a distinct candidate token, best Jaro-Winkler similarity first (similarities
//! under 0.7 count as 0); the score is the sum of the pair similarities over the larger token
//! count. So word order does not
//! matter ("Salim Eko Hadi" scores 100 against "Eko Hadi Salim"), typos cost a little
//! ("Eko Hadi Salin": 96), and missing or extra names cost a share ("Hadi Salim": 67).

/// Token similarities under this count as no similarity: Jaro-Winkler gives unrelated short
/// words (`ibm`, `intel`) around 0.5, which would otherwise add up to false matches.
const NOISE_FLOOR: f64 = 0.7;

/// Legal-form words that say nothing about which entity it is.
const LEGAL_FORMS: &[&str] = &[
    "pt",
    "tbk",
    "cv",
    "corp",
    "corporation",
    "inc",
    "incorporated",
    "co",
    "company",
    "ltd",
    "limited",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "bv",
    "nv",
    "the",
];

/// The kind of name, which decides the normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameKind {
    /// A person.
    Individual,
    /// A company or other organisation: legal forms are dropped.
    Entity,
}

/// The tokens of a name.
pub(crate) fn tokens(name: &str, kind: NameKind) -> Vec<String> {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .to_lowercase();
    let all: Vec<String> = cleaned.split_whitespace().map(str::to_string).collect();
    if kind == NameKind::Individual {
        return all;
    }
    let distinctive: Vec<String> = all
        .iter()
        .filter(|t| !LEGAL_FORMS.contains(&t.as_str()))
        .cloned()
        .collect();
    // A name made only of legal forms ("The Company") keeps them.
    if distinctive.is_empty() {
        all
    } else {
        distinctive
    }
}

/// The similarity of two token lists, 0 to 100.
pub(crate) fn score(query: &[String], candidate: &[String]) -> u8 {
    if query.is_empty() || candidate.is_empty() {
        return 0;
    }
    let mut pairs: Vec<(f64, usize, usize)> = query
        .iter()
        .enumerate()
        .flat_map(|(i, q)| {
            candidate.iter().enumerate().map(move |(j, c)| {
                let similarity = jaro_winkler(q, c);
                (
                    if similarity < NOISE_FLOOR {
                        0.0
                    } else {
                        similarity
                    },
                    i,
                    j,
                )
            })
        })
        .collect();
    // Best pairs first; ties by position, so the result never depends on sort stability.
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut query_used = vec![false; query.len()];
    let mut candidate_used = vec![false; candidate.len()];
    let mut total = 0.0;
    for (similarity, i, j) in pairs {
        if !query_used[i] && !candidate_used[j] {
            query_used[i] = true;
            candidate_used[j] = true;
            total += similarity;
        }
    }
    let share = total / query.len().max(candidate.len()) as f64;
    (share * 100.0).round().clamp(0.0, 100.0) as u8
}

/// Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4), 0 to 1.
pub(crate) fn jaro_winkler(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let jaro = jaro(&a, &b);
    let prefix = a.iter().zip(&b).take(4).take_while(|(x, y)| x == y).count();
    jaro + prefix as f64 * 0.1 * (1.0 - jaro)
}

fn jaro(a: &[char], b: &[char]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_matched = vec![false; a.len()];
    let mut b_matched = vec![false; b.len()];
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let start = i.saturating_sub(window);
        let end = (i + window + 1).min(b.len());
        for j in start..end {
            if !b_matched[j] && b[j] == *ca {
                a_matched[i] = true;
                b_matched[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let a_order = a
        .iter()
        .zip(&a_matched)
        .filter(|(_, m)| **m)
        .map(|(c, _)| c);
    let b_order = b
        .iter()
        .zip(&b_matched)
        .filter(|(_, m)| **m)
        .map(|(c, _)| c);
    let transpositions = a_order.zip(b_order).filter(|(x, y)| x != y).count() / 2;
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions as f64) / m) / 3.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(a: &str, b: &str) -> u8 {
        score(
            &tokens(a, NameKind::Individual),
            &tokens(b, NameKind::Individual),
        )
    }

    #[test]
    fn jaro_winkler_known_values() {
        assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-3);
        assert!((jaro_winkler("dwayne", "duane") - 0.84).abs() < 1e-3);
        assert_eq!(jaro_winkler("", ""), 1.0);
        assert_eq!(jaro_winkler("abc", ""), 0.0);
    }

    #[test]
    fn scores_people() {
        assert_eq!(person("Eko Hadi Salim", "Eko Hadi Salim"), 100);
        assert_eq!(person("salim, EKO hadi", "Eko Hadi Salim"), 100);
        assert_eq!(person("Hadi Salim", "Eko Hadi Salim"), 67);
        let typo = person("Eko Hadi Salin", "Eko Hadi Salim");
        assert!((90..100).contains(&typo), "{typo}");
        assert!(person("John Smith", "Eko Hadi Salim") < 50);
    }

    #[test]
    fn entities_ignore_legal_forms() {
        let intel = tokens("Intel Corporation", NameKind::Entity);
        assert_eq!(score(&tokens("intel", NameKind::Entity), &intel), 100);
        assert_eq!(
            score(&tokens("PT Intel Tbk", NameKind::Entity), &intel),
            100
        );
        assert!(score(&tokens("IBM Corporation", NameKind::Entity), &intel) < 50);
        assert_eq!(
            tokens("The Company", NameKind::Entity),
            vec!["the", "company"]
        );
    }
}
