//! The citizen screens' entry point (`index.html`).

fn main() {
    rega_app::start::start(rega_app::App);
}
