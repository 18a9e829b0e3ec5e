//! The citizen app's wing for My appointments, one appointment and its cancelling
//! (appointments.html): a first load of its own (issue 20).

fn main() {
    rega_app::start::start(rega_app::AppointmentsApp);
}
