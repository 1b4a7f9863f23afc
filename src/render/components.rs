//! Components called from Markdown: the call's arguments checked against
//! the component's definition, so that a missing, unknown or mistyped
//! argument is reported at the call (Tera's own message names no place),
//! then the component rendered by Tera.

use tera::{ComponentArgType, ComponentInfo, Value as TeraValue, value::ValueKind};

use super::*;
use crate::body::CallFailure;

impl Theme {
    /// The components the templates define, sorted.
    pub fn component_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.tera.get_component_names().map(str::to_string).collect();
        names.sort();
        names
    }

    /// Whether the component `name` has an argument `argument`.
    pub fn component_takes(&self, name: &str, argument: &str) -> bool {
        self.tera
            .get_component_definition(name)
            .is_some_and(|info| info.args().iter().any(|arg| arg.name() == argument))
    }

    /// Renders the component `name` with `args`, `body` (HTML) for a call
    /// with one, and `implicits`, the values a component's `@name`
    /// arguments take when the call does not give them.
    pub fn render_component(
        &self,
        name: &str,
        args: &Map<String, Value>,
        body: Option<&str>,
        implicits: &Context,
    ) -> Result<String, CallFailure> {
        let Some(info) = self.tera.get_component_definition(name) else {
            return Err(CallFailure::Arguments {
                argument: None,
                message: format!("there is no component `{name}`"),
                hint: "define it in a template with {% component NAME(...) %}".to_string(),
            });
        };
        let mut context = Context::new();
        for (key, value) in args {
            let value = TeraValue::from_serializable(value);
            check_argument(&info, key, &value)?;
            context.insert_value(key.clone(), value);
        }
        check_required(&info, args, implicits)?;
        self.tera
            .render_component_with_implicits(name, &context, implicits, body, true)
            .map_err(|e| CallFailure::Template(self.problem(&e, None)))
    }
}

/// Whether the component takes `key`, and a value of `value`'s type.
fn check_argument(info: &ComponentInfo, key: &str, value: &TeraValue) -> Result<(), CallFailure> {
    let name = info.name();
    let Some(arg) = info.args().iter().find(|arg| arg.name() == key) else {
        if info.rest_param().is_some() {
            return Ok(());
        }
        let known: Vec<&str> = info.args().iter().map(|arg| arg.name()).collect();
        let hint = crate::suggest::did_you_mean(key, &known, str::to_string).unwrap_or_else(|| {
            match known.is_empty() {
                true => format!("`{name}` takes no arguments"),
                false => format!("`{name}` takes {}", listed(&known)),
            }
        });
        return Err(CallFailure::Arguments {
            argument: Some(key.to_string()),
            message: format!("the component `{name}` has no argument `{key}`"),
            hint,
        });
    };
    match arg.arg_type() {
        Some(expected) if !type_matches(expected, value) => Err(CallFailure::Arguments {
            argument: Some(key.to_string()),
            message: format!(
                "`{key}` of the component `{name}` is {}, and `{name}` takes {} there",
                a_type(type_name(value)),
                a_type(expected.as_str())
            ),
            hint: "write text in quotes (`value=\"10\"`), other values in braces: `value={10}`, `open={true}`, `items={[\"a\"]}`".to_string(),
        }),
        _ => Ok(()),
    }
}

/// Whether every argument the component requires is given, and every
/// `@name` it takes without a default is one a call from Markdown has.
fn check_required(
    info: &ComponentInfo,
    args: &Map<String, Value>,
    implicits: &Context,
) -> Result<(), CallFailure> {
    let unavailable = info.args().iter().find(|arg| {
        arg.is_implicit()
            && arg.default().is_none()
            && !args.contains_key(arg.name())
            && !implicits.contains_key(arg.name())
    });
    if let Some(arg) = unavailable {
        return Err(CallFailure::Arguments {
            argument: None,
            message: format!(
                "the component `{}` takes `@{}`, which a call from Markdown does not have",
                info.name(),
                arg.name()
            ),
            hint: format!(
                "give it in the call ({}=...), or give it a default; from Markdown, `@config` is there",
                arg.name()
            ),
        });
    }
    let missing = info.args().iter().find(|arg| {
        arg.is_required()
            && !args.contains_key(arg.name())
            && !(arg.is_implicit() && implicits.contains_key(arg.name()))
    });
    match missing {
        None => Ok(()),
        Some(arg) => {
            let example = match arg.arg_type() {
                None | Some(ComponentArgType::String) => format!("{}=\"...\"", arg.name()),
                Some(other) => format!("{}={{...}} ({})", arg.name(), a_type(other.as_str())),
            };
            Err(CallFailure::Arguments {
                argument: None,
                message: format!(
                    "the component `{}` needs the argument `{}`",
                    info.name(),
                    arg.name()
                ),
                hint: format!("add {example} to the call"),
            })
        }
    }
}

/// Whether `value` is of the type a component argument declares (Tera's
/// own rule: a float argument takes only a number with a point).
fn type_matches(expected: ComponentArgType, value: &TeraValue) -> bool {
    match expected {
        ComponentArgType::String => value.is_string(),
        ComponentArgType::Bool => value.is_bool(),
        ComponentArgType::Integer => {
            matches!(
                value.kind(),
                ValueKind::I64 | ValueKind::U64 | ValueKind::I128 | ValueKind::U128
            )
        }
        ComponentArgType::Float => value.kind() == ValueKind::F64,
        ComponentArgType::Number => value.is_number(),
        ComponentArgType::Array => value.is_array(),
        ComponentArgType::Map => value.is_map(),
        ComponentArgType::Bytes => value.is_bytes(),
        _ => true,
    }
}

/// The name of `value`'s type, as a component's definition writes types.
fn type_name(value: &TeraValue) -> &'static str {
    match value.kind() {
        ValueKind::I64 | ValueKind::U64 | ValueKind::I128 | ValueKind::U128 => "integer",
        ValueKind::F64 => "float",
        ValueKind::Bool => "bool",
        ValueKind::Array => "array",
        ValueKind::Map => "map",
        ValueKind::String => "string",
        _ => value.name(),
    }
}

/// A type's name with its article: "a string", "an integer".
fn a_type(name: &str) -> String {
    match name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        true => format!("an {name}"),
        false => format!("a {name}"),
    }
}

/// `a`, `b` and `c`.
fn listed(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}
