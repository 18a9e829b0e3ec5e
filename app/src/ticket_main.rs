//! The citizen app's wing for the ticket (ticket.html): a first load of its own (issue 20), small
//! for a phone that opens it from the kiosk's QR code in the waiting hall.

fn main() {
    rega_app::start::start(rega_app::TicketApp);
}
