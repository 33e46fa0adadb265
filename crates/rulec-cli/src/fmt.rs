//! `rulec fmt`: placeholder until the formatter lands.

use std::path::PathBuf;

use crate::check::Status;

/// Formats `files` in place, or with `check` only reports those that are
/// not formatted.
pub fn run(_files: &[PathBuf], _check: bool, _colour: bool) -> Status {
    eprintln!("rulec fmt is not implemented yet");
    Status::Trouble
}
