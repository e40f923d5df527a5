//! "Did you mean …?": the closest known word to a misspelt one, by edit distance.

/// The candidate closest to `word`, if it is close enough to be what was meant: equal but for
/// case (`operationID`), or within a few edits (`requried`, `minLenght`, `bolean`, `dat`). A
/// swap of two neighbouring letters counts as one edit.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = distance(&word_lower, &candidate.to_lowercase());
        if distance <= allowed(word.chars().count().min(candidate.chars().count()))
            && best.is_none_or(|(d, _)| distance < d)
        {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// How many edits still read as a slip rather than another word: short words tolerate one.
fn allowed(len: usize) -> usize {
    match len {
        0..=2 => 0,
        3..=5 => 1,
        6..=9 => 2,
        _ => 3,
    }
}

/// Edit distance with adjacent transpositions (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: two back (for transpositions), one back, current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("bolean", "boolean"), 1);
        assert_eq!(distance("minlenght", "minlength"), 1);
        assert_eq!(distance("properites", "properties"), 1);
        assert_eq!(distance("requried", "required"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn suggestions() {
        let keywords = [
            "required",
            "properties",
            "minLength",
            "description",
            "enum",
            "nullable",
        ];
        assert_eq!(closest("requried", keywords), Some("required"));
        assert_eq!(closest("properites", keywords), Some("properties"));
        assert_eq!(closest("minLenght", keywords), Some("minLength"));
        assert_eq!(closest("descripton", keywords), Some("description"));
        assert_eq!(closest("enums", keywords), Some("enum"));
        assert_eq!(closest("nulable", keywords), Some("nullable"));
        assert_eq!(
            closest("operationID", ["operationId", "parameters"]),
            Some("operationId")
        );
        assert_eq!(closest("colour", keywords), None);
        assert_eq!(closest("id", ["in"]), None);
    }
}
