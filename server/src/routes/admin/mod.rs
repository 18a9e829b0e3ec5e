//! The central administrator's area (`/admin`, issue 14): the network's configuration (the same
//! document and the same checks, preview and apply as `rega config apply`) and the staff accounts
//! (created with a one-time password shown once, their role, directorate and access set). Every
//! route takes [`Admin`](crate::auth::Admin): any other account is refused and audited; every
//! change is audited as `admin.*`. The administrator also publishes the trust list signed on the
//! anchor's offline machine.

mod configuration;
mod staff;
mod trust_list;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// The administrator's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(staff::accounts, staff::create_account))
        .routes(routes!(staff::change_account))
        .routes(routes!(staff::reset_password))
        .routes(routes!(
            configuration::configuration,
            configuration::apply_configuration
        ))
        .routes(routes!(configuration::preview_configuration))
        .routes(routes!(
            trust_list::trust_list,
            trust_list::publish_trust_list
        ))
}
