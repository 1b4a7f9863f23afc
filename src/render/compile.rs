//! A theme's templates compiled by Tera 2, with the filters and functions
//! the engine adds, and Tera's errors read as problems at the template's
//! file, line and column.

use super::*;

/// Where Tera 2's guide to what changed since Tera 1 is.
pub const TERA_MIGRATION_GUIDE: &str = "https://github.com/Keats/tera/blob/master/MIGRATION.md";

/// Tera with what Tera 1 had built in (from `tera-contrib`), and stand-ins
/// for `get_url` and `load_data` until a build gives them their data:
/// Tera checks, as it compiles a template, that every function exists.
pub(super) fn new_tera() -> Tera {
    let mut tera = Tera::default();
    tera.register_filter("date", tera_contrib::dates::date);
    tera.register_test("before", tera_contrib::dates::is_before);
    tera.register_test("after", tera_contrib::dates::is_after);
    tera.register_filter("json_encode", tera_contrib::json::json_encode);
    tera.register_filter("slugify", tera_contrib::slug::slug);
    tera.register_filter("striptags", tera_contrib::regex::striptags);
    tera.register_filter("spaceless", tera_contrib::regex::spaceless);
    tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
    tera.register_filter("urlencode_strict", tera_contrib::urlencode::urlencode_strict);
    // Tera's own groups by a hash map whose order changes from run to run.
    tera.register_filter("group_by", group_by);
    for name in ["get_url", "load_data", "get_source", "trans"] {
        tera.register_function(name, move |_: Kwargs, _: &State| -> TeraResult<tera::Value> {
            Err(tera::Error::message(format!(
                "`{name}` is not available here: it answers from a build's pages and files"
            )))
        });
    }
    tera
}

/// `group_by(attribute=...)`: the items of a list grouped by the value at
/// `attribute`, the groups in the order their first item comes, so that
/// the same input gives the same page. Items whose value is none are left
/// out, as Tera's own filter does.
fn group_by(items: &[tera::Value], kwargs: Kwargs, _: &State) -> TeraResult<tera::Map> {
    use tera::value::Key;
    let attribute = kwargs.must_get::<&str>("attribute")?;
    let mut groups: Vec<(Key<'static>, Vec<tera::Value>)> = Vec::new();
    let mut index: HashMap<Key<'static>, usize> = HashMap::new();
    for (at, item) in items.iter().enumerate() {
        let value = item.get_from_path(attribute).ok_or_else(|| {
            tera::Error::message(format!(
                "item {at} of the list (a {}) has nothing at `{attribute}`",
                item.name()
            ))
        })?;
        let key = if value.is_none() {
            continue;
        } else if let Some(text) = value.as_str() {
            Key::String(Arc::from(text))
        } else if let Some(number) = value.as_i64() {
            Key::I64(number)
        } else if let Some(number) = value.as_u64() {
            Key::U64(number)
        } else if let Some(flag) = value.as_bool() {
            Key::Bool(flag)
        } else {
            return Err(tera::Error::message(format!(
                "`group_by` groups by text, whole numbers or true/false, and `{attribute}` of item {at} is a {}",
                value.name()
            )));
        };
        match index.get(&key) {
            Some(&group) => groups[group].1.push(item.clone()),
            None => {
                index.insert(key.clone(), groups.len());
                groups.push((key, vec![item.clone()]));
            }
        }
    }
    Ok(groups
        .into_iter()
        .map(|(key, items)| (key, tera::Value::from(items)))
        .collect())
}

/// Uses of `__tera_context`, which Tera 2 makes from a map without an
/// order: a page printing it would differ from build to build, where the
/// same input must give the same site.
pub(super) fn unordered_context(sources: &BTreeMap<String, (PathBuf, String)>) -> Vec<Error> {
    const NAME: &str = "__tera_context";
    let mut errors = Vec::new();
    for (file, text) in sources.values() {
        let Some(at) = load::live_tags(text)
            .into_iter()
            .find_map(|(offset, tag)| Some(offset + tag.find(NAME)?))
        else {
            continue;
        };
        let problem = Problem::new(
            Location::at_offset(file, text, at),
            format!("`{NAME}` lists the variables in a different order on each run, so the page would change from build to build"),
        )
        .hint("print the values themselves, or one of them whole: `{{ page | json_encode }}`");
        errors.push(Error::template(problem));
    }
    errors
}

/// A theme compiled, and the built-in templates left out of it.
pub(super) struct Compiled {
    pub tera: Tera,
    /// Built-in templates that the site's own templates break (a page
    /// template without the blocks the built-in glossary fills in, say),
    /// with the error: reported only if a page renders with one.
    pub left_out: BTreeMap<String, Problem>,
}

/// Compiles every template of `sources` into one Tera. Every syntax error
/// is reported: a template that does not parse is set aside and the others
/// compiled again, to find the next. A built-in template that extends a
/// site's own and fills in a block the site's leaves out loses that block
/// (as Tera 1 ignored it); one the site's templates break otherwise is
/// left out, its error kept for a page that renders with it.
pub(super) fn compile(sources: &BTreeMap<String, (PathBuf, String)>) -> Result<Compiled, Vec<Error>> {
    let mut texts: BTreeMap<&str, String> = BTreeMap::new();
    let mut set_aside: HashSet<&str> = HashSet::new();
    let mut left_out: BTreeMap<String, Problem> = BTreeMap::new();
    let mut errors = Vec::new();
    loop {
        let mut tera = new_tera();
        let batch = sources
            .iter()
            .filter(|(name, _)| !set_aside.contains(name.as_str()) && !left_out.contains_key(*name))
            .map(|(name, (_, text))| (name.as_str(), texts.get(name.as_str()).unwrap_or(text).as_str()));
        let Err(error) = tera.add_raw_templates(batch) else {
            return match errors.is_empty() {
                true => Ok(Compiled { tera, left_out }),
                false => Err(errors),
            };
        };
        let syntax_in = match error.kind() {
            tera::ErrorKind::SyntaxError(report) => sources.get_key_value(report.filename()),
            _ => None,
        };
        let problems = problems(&error, sources, &Location::file(TEMPLATES_DIR));
        match syntax_in {
            Some((name, _)) if set_aside.insert(name.as_str()) => {
                errors.extend(problems.into_iter().map(Error::template));
            }
            // Once a template is set aside, what the others say of it
            // (a parent or a component that is missing) follows from its
            // syntax error.
            _ if !errors.is_empty() => return Err(errors),
            _ => {
                // The built-in templates' problems first: the site's own
                // are still there when they are dealt with.
                let built_in: Vec<(&String, Problem)> = problems
                    .iter()
                    .filter_map(|p| Some((built_in_template(p, sources)?, p.clone())))
                    .collect();
                if built_in.is_empty() {
                    return Err(problems.into_iter().map(Error::template).collect());
                }
                for (name, problem) in built_in {
                    let text = texts.get(name.as_str()).unwrap_or(&sources[name].1);
                    match without_missing_block(text, &problem.message) {
                        Some(fitted) => {
                            texts.insert(name.as_str(), fitted);
                        }
                        None => {
                            let cause = root_cause(&problem, sources, &left_out).unwrap_or(problem);
                            left_out.entry(name.clone()).or_insert(cause);
                        }
                    }
                }
            }
        }
    }
}

/// `text` without the block that `message` (Tera's) says no parent
/// template defines.
fn without_missing_block(text: &str, message: &str) -> Option<String> {
    let name = message
        .split("Block `")
        .nth(1)?
        .split_once("` is not defined in any parent template")?
        .0;
    let (start, end) = block_extent(text, name)?;
    Some(format!("{}{}", &text[..start], &text[end..]))
}

/// Where `{% block name %}` starts and its `{% endblock %}` ends in `text`.
fn block_extent(text: &str, name: &str) -> Option<(usize, usize)> {
    let mut start = None;
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(found) = text[at..].find("{%") {
        let open = at + found;
        let close = open + text[open..].find("%}")? + 2;
        at = close;
        let inner = text[open + 2..close - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let mut words = inner.split_whitespace();
        match (words.next(), words.next()) {
            (Some("block"), Some(block)) if start.is_none() && block == name => {
                start = Some(open);
                depth = 1;
            }
            (Some("block"), _) if start.is_some() => depth += 1,
            (Some("endblock"), _) if start.is_some() => {
                depth -= 1;
                if depth == 0 {
                    return Some((start?, close));
                }
            }
            _ => {}
        }
    }
    None
}

/// What a built-in template's problem comes from, when the site's files
/// caused it: a component or a parent the site's file of the same name
/// replaced without defining it, or a built-in template left out before.
fn root_cause(
    problem: &Problem,
    sources: &BTreeMap<String, (PathBuf, String)>,
    left_out: &BTreeMap<String, Problem>,
) -> Option<Problem> {
    let quoted = |prefix: &str| {
        let rest = problem.message.split(prefix).nth(1)?;
        rest.split('`').next().map(str::to_string)
    };
    if let Some(parent) = quoted("extends template `") {
        return left_out.get(&parent).cloned();
    }
    let component = quoted("Unknown component `")?;
    // The built-in file that defines it, as the built-in theme has it.
    let definer = built_in_files().into_iter().find_map(|(name, bytes)| {
        let text = std::str::from_utf8(bytes).ok()?;
        Links::of(text).defines.contains(&component).then_some(name)
    })?;
    if let Some(earlier) = left_out.get(&definer) {
        return Some(earlier.clone());
    }
    let (file, _) = sources
        .get(&definer)
        .filter(|(file, _)| !file.starts_with(BUILT_IN_LABEL))?;
    let problem = Problem::new(
        Location::file(file),
        format!(
            "this file replaces the built-in `{definer}`, which defined the component `{component}` the built-in theme calls, and defines no `{component}`"
        ),
    );
    Some(problem.hint(format!(
        "define `{component}` here too (with the arguments the built-in one takes: see the README), or name the file otherwise"
    )))
}

/// The built-in template a problem is in.
fn built_in_template<'a>(
    problem: &Problem,
    sources: &'a BTreeMap<String, (PathBuf, String)>,
) -> Option<&'a String> {
    let path = &problem.at.path;
    if !path.starts_with(BUILT_IN_LABEL) {
        return None;
    }
    sources
        .iter()
        .find(|(_, (file, _))| file == path)
        .map(|(name, _)| name)
}

/// What a Tera error says, as problems at the templates' lines: one for
/// each report it holds.
/// `fallback` is where a problem Tera gives no place for is.
pub(super) fn problems(
    error: &tera::Error,
    sources: &BTreeMap<String, (PathBuf, String)>,
    fallback: &Location,
) -> Vec<Problem> {
    use tera::ErrorKind;
    let at_name = |name: &str| {
        sources.get(name).map_or_else(
            || Location::file(format!("{TEMPLATES_DIR}/{name}")),
            |(file, _)| Location::file(file),
        )
    };
    let problem = match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let at = match sources.get(report.filename()) {
                Some((file, text)) => Location::at_offset(file, text, report.span().range.start),
                None => at_name(report.filename()),
            };
            let syntax = matches!(error.kind(), ErrorKind::SyntaxError(_));
            explained(at, report.message(), syntax)
        }
        ErrorKind::Msg(text) if text.starts_with("error: ") => {
            return text
                .split("\n\nerror: ")
                .filter_map(|report| from_report(report, sources))
                .collect();
        }
        ErrorKind::MissingParent { current, parent } => {
            let at = match sources.get(current.as_str()) {
                Some((file, text)) => locate_quoted(file, text, parent),
                None => at_name(current),
            };
            Problem::new(at, format!("extends template `{parent}`, which does not exist"))
                .hint(format!("create templates/{parent}, or fix the name"))
        }
        ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => Problem::new(
            at_name(tpl),
            format!(
                "templates extend each other in a loop: {}",
                inheritance_chain.join(" -> ")
            ),
        )
        .hint("remove one of these `extends`"),
        ErrorKind::CircularInclude { tpl, include_chain } => Problem::new(
            at_name(tpl),
            format!(
                "templates include each other in a loop: {}",
                include_chain.join(" -> ")
            ),
        )
        .hint("remove one of these includes"),
        ErrorKind::Msg(text) if text.contains("` is defined in both `") => {
            twice_defined(text, sources).unwrap_or_else(|| explained(fallback.clone(), text, false))
        }
        _ => explained(fallback.clone(), &error.to_string(), false),
    };
    vec![problem]
}

/// Tera's "Component `x` is defined in both `a` and `b`", at the
/// definition in `b`.
fn twice_defined(text: &str, sources: &BTreeMap<String, (PathBuf, String)>) -> Option<Problem> {
    let mut quoted = text.split('`').skip(1).step_by(2);
    let (component, first, second) = (quoted.next()?, quoted.next()?, quoted.next()?);
    let (file, source) = sources.get(second)?;
    let at = load::live_tags(source).into_iter().find_map(|(offset, tag)| {
        let inner = tag.trim_matches(|c: char| c == '-' || c.is_whitespace());
        let name = inner.strip_prefix("component")?.trim_start();
        name.starts_with(component)
            .then(|| offset + tag.find(component).unwrap_or(0))
    })?;
    let first_file = sources
        .get(first)
        .map_or_else(|| first.to_string(), |(file, _)| file.display().to_string());
    let problem = Problem::new(
        Location::at_offset(file, source, at),
        format!("the component `{component}` is defined here and in {first_file}"),
    );
    Some(problem.hint("define each component once: only a built-in one gives way to a site's of its name"))
}

/// One report of Tera's text (`error: MESSAGE`, then ` --> NAME:LINE:COLUMN`).
fn from_report(report: &str, sources: &BTreeMap<String, (PathBuf, String)>) -> Option<Problem> {
    let mut lines = report.lines();
    let message = lines.next()?.trim_start_matches("error: ");
    let place = lines.find_map(|line| line.trim_start().strip_prefix("--> "))?;
    let mut parts = place.rsplitn(3, ':');
    let column: usize = parts.next()?.parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let at = match sources.get(name) {
        Some((file, text)) => Location::at_line_column(file, text, line, column),
        None => Location::file(format!("{TEMPLATES_DIR}/{name}")),
    };
    Some(explained(at, message, false))
}

/// A problem with Tera's `message`, said as the engine says it, and a hint
/// of what to do; a Tera 1 construct is named with what replaced it.
/// `syntax`: the template does not parse.
fn explained(at: Location, message: &str, syntax: bool) -> Problem {
    let line = at
        .line_text
        .as_ref()
        .map(|line| line.text.to_string())
        .unwrap_or_default();
    if let Some((said, hint)) = super::tera1::explain(message, &line) {
        return Problem::new(at, format!("template error: {said}")).hint(format!(
            "{hint} (what changed since Tera 1: {TERA_MIGRATION_GUIDE})"
        ));
    }
    if message.starts_with("Found `.` but expected")
        && line.split_whitespace().collect::<String>().contains(").")
    {
        return Problem::new(at, format!("template error: {message}")).hint(
            "Tera reads no field of what a function gives: `{% set data = load_data(path=...) %}`, then `data.field`",
        );
    }
    if let Some(name) = message
        .strip_prefix("Unknown template `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return Problem::new(at, format!("includes template `{name}`, which does not exist"))
            .hint(format!("create templates/{name}, or fix the name"));
    }
    let hint = hint_for(message, syntax);
    Problem::new(at, format!("template error: {message}")).hint(hint)
}

/// What to do about a Tera error, by what it says.
fn hint_for(message: &str, syntax: bool) -> &'static str {
    let has = |part: &str| message.contains(part);
    if has("recursion depth") {
        "give the component a condition under which it stops calling itself"
    } else if has("nesting is too deep") || has("too complex") || has("nested brackets") {
        "nest fewer blocks or brackets inside each other"
    } else if has("is not defined in any parent template") {
        "a template fills only blocks its parent has: check the name against the parent's {% block %} tags"
    } else if has("is not defined") || has("undefined") {
        "check the name, or give a default: `x or \"\"`, `x | default(value=\"\")`, or `{% if x is defined %}`"
    } else if has("Unknown component") {
        "define it in a template: {% component name(arg: string) %}...{% endcomponent name %}"
    } else if has("Unknown filter") || has("Unknown test") || has("Unknown function") {
        "check the name against the README's list of filters, tests and functions"
    } else if has("is defined in both") || has("already contains a component") {
        "define each component once: only a built-in one gives way to a site's of its name"
    } else if has("Component argument") || has("in component call") || has(") missing.") {
        "check the arguments against the component's definition"
    } else if has("Invalid type for the value") {
        "check the type of the value a filter or function is given here"
    } else if syntax {
        "check the syntax here: every {{ has its }}, every {% its %}, and every block its end tag"
    } else {
        "check the expression here"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_no_parent_defines_is_taken_out_whole() {
        let text = "{% extends \"base.html\" %}\n{%- block head %}<b>{% block inner %}x{% endblock inner %}</b>{%- endblock head %}\n{% block content %}y{% endblock %}";
        let message = "Block `head` is not defined in any parent template";
        assert_eq!(
            without_missing_block(text, message).as_deref(),
            Some("{% extends \"base.html\" %}\n\n{% block content %}y{% endblock %}")
        );
        assert_eq!(
            without_missing_block(text, "Block `nope` is not defined in any parent template"),
            None
        );
        assert_eq!(without_missing_block(text, "Unknown filter `x`"), None);
    }
}
