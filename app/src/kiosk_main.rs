//! The kiosk's entry point (`kiosk.html`, `/kiosk`): a first load of its own with only the kiosk
//! page, its camera reader and the ticket's QR code and printing (issue 20), kept for offline use.

fn main() {
    rega_app::start::start(rega_app::KioskApp);
    rega_app::start::keep_for_offline("cache-kiosk");
}
