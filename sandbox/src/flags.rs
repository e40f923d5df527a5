//! The command line's `--name value` / `--name=value` flags, read one at a time: shared by the
//! sandbox's and the proxy's option parsers, which differ only in the flags they know.

/// The arguments left to read.
#[derive(Debug)]
pub struct Flags<I: Iterator<Item = String>> {
    args: I,
}

impl<I: Iterator<Item = String>> Flags<I> {
    /// Reads `args` (without the program name).
    pub fn new(args: I) -> Self {
        Self { args }
    }

    /// The next flag's name, and its value when written `--name=value`.
    pub fn next_flag(&mut self) -> Option<(String, Option<String>)> {
        let arg = self.args.next()?;
        Some(match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_string(), Some(value.to_string()))
            }
            _ => (arg, None),
        })
    }

    /// The value of flag `name`: the inline one, else the next argument.
    pub fn value(&mut self, name: &str, inline: Option<String>) -> Result<String, String> {
        inline
            .or_else(|| self.args.next())
            .ok_or_else(|| format!("{name} needs a value"))
    }
}
