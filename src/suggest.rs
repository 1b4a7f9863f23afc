//! "Did you mean ...?": the known name nearest to a mistyped one.

/// The known name nearest to `name`, if it is near enough to be a typo
/// (case aside).
pub fn nearest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, k), *k))
        .filter(|(distance, k)| *distance <= (k.len() / 3).max(1) + 1)
        .min()
        .map(|(_, k)| k)
}

/// "did you mean `near`?" for the known name nearest to `name`, written as
/// `shown` shows a name (`#id`, `name`).
pub fn did_you_mean(name: &str, known: &[&str], shown: impl Fn(&str) -> String) -> Option<String> {
    nearest(name, known).map(|near| format!("did you mean `{}`?", shown(near)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_the_name_they_meant() {
        let known = ["title", "description", "weight", "date"];
        assert_eq!(nearest("titel", &known), Some("title"));
        assert_eq!(nearest("Weight", &known), Some("weight"));
        assert_eq!(nearest("descripton", &known), Some("description"));
        assert_eq!(nearest("colour", &known), None);
        assert_eq!(
            did_you_mean("fgure", &["figure"], |n| n.to_string()).as_deref(),
            Some("did you mean `figure`?")
        );
        assert_eq!(
            did_you_mean("intro", &["introduction", "intro-1"], |n| format!("#{n}")).as_deref(),
            Some("did you mean `#intro-1`?")
        );
    }
}
