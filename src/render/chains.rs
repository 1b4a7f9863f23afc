//! Chains of templates that include or extend one another, checked before
//! Tera compiles them: Tera follows each link by calling itself, so a
//! chain thousands of templates long would exhaust the stack, and a loop
//! is better named with every template on it.

use super::*;
use load::Named;

/// Templates include, or extend, templates this deep at most.
pub const MAX_CHAIN_DEPTH: usize = 32;

/// The loops and the chains longer than [`MAX_CHAIN_DEPTH`] among the
/// templates' includes, and among their `extends`.
pub(super) fn check(
    sources: &BTreeMap<String, (PathBuf, String)>,
    links: &BTreeMap<&str, Links>,
) -> Vec<Error> {
    let includes: BTreeMap<&str, Vec<Named>> = links
        .iter()
        .map(|(name, l)| (*name, l.includes.clone()))
        .collect();
    let extends: BTreeMap<&str, Vec<Named>> = links
        .iter()
        .map(|(name, l)| (*name, l.extends.iter().cloned().collect()))
        .collect();
    let mut errors = faults(sources, &includes, "include");
    errors.extend(faults(sources, &extends, "extend"));
    errors.extend(included_children(sources, links));
    errors
}

/// Includes of a template that extends another: Tera 2 renders only the
/// included template's own blocks, without its parent, which would lose
/// the parent's content without a word.
fn included_children(
    sources: &BTreeMap<String, (PathBuf, String)>,
    links: &BTreeMap<&str, Links>,
) -> Vec<Error> {
    let mut errors = Vec::new();
    for (name, template) in links {
        for include in &template.includes {
            let Some(parent) = links.get(include.name.as_str()).and_then(|l| l.extends.as_ref()) else {
                continue;
            };
            let (file, text) = &sources[*name];
            let problem = Problem::new(
                Location::at_offset(file, text, include.at),
                format!(
                    "includes `{}`, which extends `{}`: an include renders only its blocks, not its parent",
                    include.name, parent.name
                ),
            )
            .hint("include a template that extends nothing, or make the part a component");
            errors.push(Error::template(problem));
        }
    }
    errors
}

/// The faults of one kind of link (`verb`: "include", "extend").
fn faults(
    sources: &BTreeMap<String, (PathBuf, String)>,
    graph: &BTreeMap<&str, Vec<Named>>,
    verb: &str,
) -> Vec<Error> {
    let mut errors = Vec::new();
    let mut reported: HashSet<&str> = HashSet::new();
    let mut heights: HashMap<&str, usize> = HashMap::new();
    // The site's own templates first: a fault is reported where it starts.
    let mut starts: Vec<&str> = graph.keys().copied().collect();
    starts.sort_by_key(|name| sources[*name].0.starts_with(BUILT_IN_LABEL));
    for start in starts {
        let mut path: Vec<&str> = Vec::new();
        let Err(fault) = height(graph, start, &mut path, &mut heights) else {
            continue;
        };
        let chain = match &fault {
            Fault::Loop(chain) | Fault::TooDeep(chain) => chain,
        };
        if !reported.insert(chain[0]) {
            continue;
        }
        let (file, text) = &sources[chain[0]];
        // Where the first template names the second.
        let named = graph[chain[0]].iter().find(|n| n.name == chain[1]).map(|n| n.at);
        let (message, hint) = match &fault {
            Fault::Loop(_) => (
                format!("templates {verb} each other in a loop: {}", chain.join(" -> ")),
                format!("remove one of these {verb}s"),
            ),
            Fault::TooDeep(_) => (
                format!(
                    "templates {verb} each other more than {MAX_CHAIN_DEPTH} deep: {} -> ...",
                    chain.iter().take(4).copied().collect::<Vec<_>>().join(" -> ")
                ),
                format!("keep chains of {verb}s to {MAX_CHAIN_DEPTH} templates at most"),
            ),
        };
        let at = named.map_or_else(|| Location::file(file), |at| Location::at_offset(file, text, at));
        errors.push(Error::template(Problem::new(at, message).hint(hint)));
        reported.extend(chain.iter().copied());
    }
    errors
}

/// What is wrong with a chain: the templates on it, in order.
enum Fault<'a> {
    /// The last template is one met before.
    Loop(Vec<&'a str>),
    /// Longer than [`MAX_CHAIN_DEPTH`].
    TooDeep(Vec<&'a str>),
}

/// How many levels of links lie below `name`, with `path` the chain that
/// led to it; `heights` keeps each template's, so that every template is
/// walked once.
fn height<'a>(
    graph: &BTreeMap<&'a str, Vec<Named>>,
    name: &'a str,
    path: &mut Vec<&'a str>,
    heights: &mut HashMap<&'a str, usize>,
) -> Result<usize, Fault<'a>> {
    let too_deep = |path: &[&'a str]| {
        let mut chain = path.to_vec();
        chain.push(name);
        Fault::TooDeep(chain)
    };
    if let Some(&height) = heights.get(name) {
        return match path.len() + height > MAX_CHAIN_DEPTH {
            true => Err(too_deep(path)),
            false => Ok(height),
        };
    }
    if let Some(at) = path.iter().position(|p| *p == name) {
        let mut cycle = path[at..].to_vec();
        cycle.push(name);
        return Err(Fault::Loop(cycle));
    }
    if path.len() > MAX_CHAIN_DEPTH {
        return Err(too_deep(path));
    }
    path.push(name);
    let mut below = 0;
    for next in graph.get(name).into_iter().flatten() {
        let Some((&next, _)) = graph.get_key_value(next.name.as_str()) else {
            continue;
        };
        below = below.max(1 + height(graph, next, path, heights)?);
    }
    path.pop();
    heights.insert(name, below);
    Ok(below)
}
