//! Starting the app in the page: replaces the static shell of the HTML with a root component.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Shows `app` in place of the static shell, once the saved language's messages are at hand.
pub fn start<V: IntoView + 'static>(app: fn() -> V) {
    // With `panic = "abort"` a panic stops the app; show the crash notice of index.html
    // instead of leaving a frozen page.
    std::panic::set_hook(Box::new(|_| {
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.class_list().add_1("rg-crashed");
        }
    }));
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(root) = document
        .get_element_by_id("rg-root")
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    // A language other than the compiled-in Sorani is fetched before the app replaces the
    // shell, which is already painted in that language.
    // Leptos's executor starts with the mount, so this first task uses wasm-bindgen's own.
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(locale) = crate::i18n::saved() {
            crate::i18n::load(locale).await;
        }
        if let Some(shell) = document.get_element_by_id("rg-shell") {
            shell.remove();
        }
        leptos::mount::mount_to(root, app).forget();
    });
}
