//! The citizen app's wing for the booking (book.html): a first load of its own (issue 20).

fn main() {
    rega_app::start::start(rega_app::BookApp);
}
