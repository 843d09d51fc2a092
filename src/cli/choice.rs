//! A command-line value that is one of a library enum's variants. The library's
//! enums (the output formats) know their names through strum; clap stays in this
//! layer.

use clap::builder::{PossibleValue, TypedValueParser};
use std::marker::PhantomData;

/// Parses one of `T`'s variants by its name, as clap's `ValueEnum` would: the
/// names listed in `--help` and completions.
#[derive(Clone)]
pub(crate) struct Choice<T>(PhantomData<T>);

/// The parser for `value_parser = choice::<T>()`.
pub(crate) fn choice<T>() -> Choice<T> {
    Choice(PhantomData)
}

impl<T> Choice<T>
where
    T: strum::VariantArray + AsRef<str>,
{
    fn values() -> impl Iterator<Item = (PossibleValue, &'static T)> {
        T::VARIANTS
            .iter()
            .map(|v| (PossibleValue::new(v.as_ref()), v))
    }
}

impl<T> TypedValueParser for Choice<T>
where
    T: strum::VariantArray + AsRef<str> + Clone + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let names = clap::builder::PossibleValuesParser::new(Self::values().map(|(p, _)| p));
        let name = names.parse_ref(cmd, arg, value)?;
        Self::values()
            .find(|(p, _)| p.matches(&name, false))
            .map(|(_, v)| v.clone())
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(Self::values().map(|(p, _)| p)))
    }
}
