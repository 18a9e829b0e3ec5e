//! The directorate screens' entry point (`directorate.html`): kiosk, verify, desk and board.

fn main() {
    rega_app::start::start(rega_app::DirectorateApp);
}
