//! The citizen app's entry point (`index.html`): the start page and sign-in; the booking, the
//! appointments and the licence are wings of their own (book_main.rs, …).

fn main() {
    rega_app::start::start(rega_app::App);
}
