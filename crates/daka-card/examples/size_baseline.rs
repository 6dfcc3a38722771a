//! A std-only program built with the same profile as `card_bench`, so `make bench` can show what
//! the renderer and the bundled fonts add to a binary (the difference of the two sizes).

#![allow(clippy::print_stdout)]

fn main() {
    println!("{}", std::env::args().count());
}
