//! An accumulator of `syn::Error`s, so that one compilation reports every bad field
//! rather than one per attempt.

use syn::{Error, Result};

#[derive(Default)]
pub struct Errors(Option<Error>);

impl Errors {
    pub fn push(&mut self, error: Error) {
        match &mut self.0 {
            Some(first) => first.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// The value of `result`, or `None` after keeping its error.
    pub fn keep<T>(&mut self, result: Result<T>) -> Option<T> {
        result.map_err(|error| self.push(error)).ok()
    }

    /// `result` if it and everything before it succeeded, else every error.
    pub fn finish<T>(self, result: Result<T>) -> Result<T> {
        match (self.0, result) {
            (None, result) => result,
            (Some(mut errors), Err(error)) => {
                errors.combine(error);
                Err(errors)
            }
            (Some(errors), Ok(_)) => Err(errors),
        }
    }
}
