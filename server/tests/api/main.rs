//! The server's integration tests: one binary, the app served on a random port with a fresh
//! database, talked to over real HTTP.

#[macro_use]
mod helpers;

mod admin;
mod appointment_changes;
mod appointments;
mod audit_chain;
mod auth;
mod availability;
mod cli;
mod configuration;
mod contention;
mod credential_tools;
mod devices;
mod first_day;
mod hang_ups;
mod health;
mod hostile_input;
mod kiosk;
mod licence;
mod limits;
mod messages;
mod messages_gateway;
mod openapi;
mod registry_api;
mod registry_import;
mod registry_outcomes;
mod security;
mod slow_clients;
mod sms;
mod staff;
mod static_files;
mod store;
mod tickets;
mod trust;
mod waitlist;
