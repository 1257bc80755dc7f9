//! The `clausemark` command; everything lives in [`clausemark::cli`].

fn main() {
    std::process::exit(clausemark::cli::run());
}
