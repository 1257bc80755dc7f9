fn main() {
    println!("clausemark");
}
