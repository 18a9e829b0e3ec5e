//! Reusable pieces of the interface.

pub mod back_link;
pub mod camera;
pub mod cut_off_notice;
pub mod error_summary;
pub mod kept_appointments;
pub mod language_switch;
pub mod page_heading;
pub mod qr_code;
pub mod radios;
pub mod session;
pub mod site_footer;
pub mod site_header;
pub mod status;
pub mod text_field;
pub mod waitlist;
