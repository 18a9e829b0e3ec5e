//! The directorate screens' entry point (`directorate.html`): the kiosk, the desk (with the
//! supervisor's and the administrator's screens) and the board. The verifier is an app of its
//! own (`verifier_main.rs`), so an officer's phone downloads only what verifying needs.

fn main() {
    rega_app::start::start(rega_app::DirectorateApp);
    rega_app::start::keep_for_offline("cache-directorate");
}
