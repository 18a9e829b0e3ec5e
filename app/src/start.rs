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
    crate::navigation::remember_loaded_app();
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

/// Asks the service worker (public/sw.js) to keep an app's own code too (`message` names which:
/// `cache-directorate`, `cache-verifier`), so a kiosk or an officer's phone works offline after
/// one visit (citizens never download it).
pub fn keep_for_offline(message: &'static str) {
    use wasm_bindgen::JsValue;
    let Some(window) = web_sys::window() else {
        return;
    };
    let get =
        |target: &JsValue, name: &str| js_sys::Reflect::get(target, &JsValue::from_str(name)).ok();
    let Some(workers) = get(&window.navigator(), "serviceWorker").filter(|w| !w.is_undefined())
    else {
        return;
    };
    let Some(ready) = get(&workers, "ready").and_then(|r| r.dyn_into::<js_sys::Promise>().ok())
    else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(registration) = wasm_bindgen_futures::JsFuture::from(ready).await else {
            return;
        };
        let active = get(&registration, "active").filter(|a| !a.is_null() && !a.is_undefined());
        let post = active
            .as_ref()
            .and_then(|a| get(a, "postMessage"))
            .and_then(|p| p.dyn_into::<js_sys::Function>().ok());
        if let (Some(active), Some(post)) = (active, post) {
            let _ = post.call1(&active, &JsValue::from_str(message));
        }
    });
}
