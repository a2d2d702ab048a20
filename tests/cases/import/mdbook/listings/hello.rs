// ANCHOR: all
// ANCHOR: main
fn main() {
    println!("你好，世界！");
}
// ANCHOR_END: main
// ANCHOR_END: all
