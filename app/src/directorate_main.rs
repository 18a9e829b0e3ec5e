//! The directorate screens' entry point (`directorate.html`): the desk (with the supervisor's
//! and the administrator's screens) and the board. The kiosk and the verifier are apps of their
//! own (`kiosk_main.rs`, `verifier_main.rs`), so each device downloads only what it needs.

fn main() {
    rega_app::start::start(rega_app::DirectorateApp);
    rega_app::start::keep_for_offline("cache-directorate");
}
