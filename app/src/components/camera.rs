//! Reading a QR code with the device's camera, for the kiosk and the verifier: the browser's own
//! `BarcodeDetector` where there is one, otherwise the frames decoded here in WebAssembly with a
//! pure-Rust QR reader (`quircs`, a port of quirc: its Reed-Solomon tables are 512 bytes, where
//! `rqrr`'s field type carried a 64 KB multiplication table that no compression shrinks), so Linux kiosks and older phones work too. A refused permission
//! or a missing camera is said plainly; typing stays available.

use leptos::html::Video;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::i18n::{directorate, use_i18n};

/// Frames are looked at this often (milliseconds).
const EVERY_MS: u64 = 250;
/// Frames are scaled down to at most this width before decoding.
const MAX_WIDTH: u32 = 640;

/// Why the camera could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// The person or the browser refused the permission.
    Denied,
    /// No camera, or no camera API.
    NoCamera,
}

/// Decodes a QR code from a greyscale frame (row by row, `width` wide).
pub fn decode_luma(width: usize, height: usize, luma: &[u8]) -> Option<String> {
    if width == 0 || luma.len() < width * height {
        return None;
    }
    let mut reader = quircs::Quirc::default();
    let codes = reader.identify(width, height, &luma[..width * height]);
    codes
        .filter_map(|code| code.ok()?.decode().ok())
        .find_map(|data| String::from_utf8(data.payload).ok())
}

/// The luminance of RGBA pixels.
pub fn luma_of_rgba(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29) >> 8) as u8)
        .collect()
}

fn stop(stream: &StoredValue<Option<web_sys::MediaStream>, LocalStorage>) {
    if let Some(stream) = stream.try_get_value().flatten() {
        for track in stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
    }
    let _ = stream.try_set_value(None);
}

/// The browser's BarcodeDetector for QR codes, if it has one.
fn barcode_detector() -> Option<JsValue> {
    let window = web_sys::window()?;
    let class = js_sys::Reflect::get(&window, &JsValue::from_str("BarcodeDetector")).ok()?;
    let class: js_sys::Function = class.dyn_into().ok()?;
    let options = js_sys::Object::new();
    let formats = js_sys::Array::of1(&JsValue::from_str("qr_code"));
    js_sys::Reflect::set(&options, &JsValue::from_str("formats"), &formats).ok()?;
    js_sys::Reflect::construct(&class, &js_sys::Array::of1(&options)).ok()
}

async fn detect_with(detector: &JsValue, video: &web_sys::HtmlVideoElement) -> Option<String> {
    let detect: js_sys::Function = js_sys::Reflect::get(detector, &JsValue::from_str("detect"))
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: js_sys::Promise = detect.call1(detector, video).ok()?.dyn_into().ok()?;
    let found = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let first = js_sys::Array::from(&found).get(0);
    js_sys::Reflect::get(&first, &JsValue::from_str("rawValue"))
        .ok()?
        .as_string()
}

fn decode_frame(
    video: &web_sys::HtmlVideoElement,
    canvas: &web_sys::HtmlCanvasElement,
) -> Option<String> {
    let (w, h) = (video.video_width(), video.video_height());
    if w == 0 || h == 0 {
        return None;
    }
    let scale = f64::from(MAX_WIDTH.min(w)) / f64::from(w);
    let (cw, ch) = ((f64::from(w) * scale) as u32, (f64::from(h) * scale) as u32);
    canvas.set_width(cw);
    canvas.set_height(ch);
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").ok()??.dyn_into().ok()?;
    context
        .draw_image_with_html_video_element_and_dw_and_dh(
            video,
            0.0,
            0.0,
            f64::from(cw),
            f64::from(ch),
        )
        .ok()?;
    let data = context
        .get_image_data(0.0, 0.0, f64::from(cw), f64::from(ch))
        .ok()?
        .data();
    decode_luma(cw as usize, ch as usize, &luma_of_rgba(&data))
}

/// A "Scan with the camera" button; while scanning, the camera's picture and a Stop button. The
/// first QR code read is passed to `on_text` and the camera is turned off.
#[component]
pub fn CameraScan(on_text: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (scanning, set_scanning) = signal(false);
    let (failure, set_failure) = signal(None::<Failure>);
    let stream = StoredValue::new_local(None::<web_sys::MediaStream>);
    let video = NodeRef::<Video>::new();
    let busy = StoredValue::new(false);
    on_cleanup(move || stop(&stream));

    let start = move |_| {
        set_failure.set(None);
        let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok())
        else {
            set_failure.set(Some(Failure::NoCamera));
            return;
        };
        let constraints = web_sys::MediaStreamConstraints::new();
        let video_wish = js_sys::Object::new();
        let _ = js_sys::Reflect::set(
            &video_wish,
            &JsValue::from_str("facingMode"),
            &JsValue::from_str("environment"),
        );
        constraints.set_video(&video_wish);
        let Ok(promise) = devices.get_user_media_with_constraints(&constraints) else {
            set_failure.set(Some(Failure::NoCamera));
            return;
        };
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(media) => {
                    let Ok(media) = media.dyn_into::<web_sys::MediaStream>() else {
                        return;
                    };
                    stream.set_value(Some(media.clone()));
                    set_scanning.set(true);
                    request_animation_frame(move || {
                        if let Some(v) = video.get_untracked() {
                            v.set_src_object(Some(&media));
                            let _ = v.play();
                        }
                    });
                }
                Err(error) => {
                    let name = js_sys::Reflect::get(&error, &JsValue::from_str("name"))
                        .ok()
                        .and_then(|n| n.as_string())
                        .unwrap_or_default();
                    let denied = name == "NotAllowedError" || name == "SecurityError";
                    set_failure.set(Some(if denied {
                        Failure::Denied
                    } else {
                        Failure::NoCamera
                    }));
                }
            }
        });
    };

    // Look at a frame every quarter second while scanning.
    let detector = StoredValue::new_local(barcode_detector());
    let canvas = StoredValue::new_local(
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("canvas").ok())
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok()),
    );
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if !scanning.get_untracked() || busy.get_value() {
                return;
            }
            let Some(v) = video.get_untracked() else {
                return;
            };
            let v: web_sys::HtmlVideoElement = v.clone();
            busy.set_value(true);
            leptos::task::spawn_local(async move {
                let found = match detector.get_value() {
                    Some(detector) => detect_with(&detector, &v).await,
                    None => canvas.get_value().and_then(|c| decode_frame(&v, &c)),
                };
                let _ = busy.try_set_value(false);
                if let Some(text) = found.filter(|t| !t.is_empty()) {
                    stop(&stream);
                    let _ = set_scanning.try_set(false);
                    on_text.run(text);
                }
            });
        },
        std::time::Duration::from_millis(EVERY_MS),
    ) {
        on_cleanup(move || handle.clear());
    }

    view! {
        <div class="rg-camera">
            {move || if scanning.get() {
                view! {
                    <p class="rg-hint" role="status">{d().camera_looking}</p>
                    <video class="rg-camera__video" node_ref=video autoplay=true muted=true playsinline=true
                        aria-label=d().camera_video></video>
                    <button type="button" class="rg-button rg-button--secondary" on:click=move |_| {
                        stop(&stream);
                        set_scanning.set(false);
                    }>{d().camera_stop}</button>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="rg-button rg-button--secondary" on:click=start>{d().camera_start}</button>
                }.into_any()
            }}
            {move || failure.get().map(|f| view! {
                <p class="rg-error-message" role="alert">{match f {
                    Failure::Denied => d().camera_denied,
                    Failure::NoCamera => d().camera_none,
                }}</p>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qr_code_in_a_camera_frame_is_read() {
        read_back("RG-7K3M-Q9P2", qrcode::EcLevel::M);
    }

    #[test]
    fn a_licence_sized_code_is_read() {
        // A DL1 token is base45 (QR's alphanumeric set) and fills about version 20 at level Q.
        let text: String =
            "DL1:6BFOXN*TS0BI$ZD-PHQ7I9AD66V5B22CH9M9ESI9XBHXK-%69LQOGI.*V76GCV4*XUA2P-FHT-HNXHM"
                .chars()
                .cycle()
                .take(900)
                .collect();
        let version = read_back(&text, qrcode::EcLevel::Q);
        assert!(version >= 18, "version {version}");
    }

    /// Draws `text` as a camera would see it, reads it back, and gives the code's version.
    fn read_back(text: &str, level: qrcode::EcLevel) -> i16 {
        let code =
            qrcode::QrCode::with_error_correction_level(text.as_bytes(), level).expect("encodes");
        let modules = code.width();
        let (scale, margin) = (6, 24);
        let side = modules * scale + 2 * margin;
        let colors = code.to_colors();
        // A grey, slightly uneven background, as a camera sees a screen.
        let luma: Vec<u8> = (0..side * side)
            .map(|i| {
                let (x, y) = (i % side, i / side);
                let inside = x >= margin && y >= margin && x < side - margin && y < side - margin;
                if inside
                    && colors[((y - margin) / scale) * modules + (x - margin) / scale]
                        == qrcode::Color::Dark
                {
                    30
                } else {
                    200 + ((x + y) % 20) as u8
                }
            })
            .collect();
        assert_eq!(decode_luma(side, side, &luma).as_deref(), Some(text));
        assert_eq!(decode_luma(side, side, &vec![255; side * side]), None);
        let rgba: Vec<u8> = luma.iter().flat_map(|&l| [l, l, l, 255]).collect();
        assert_eq!(luma_of_rgba(&rgba)[..8], luma[..8]);
        match code.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        }
    }
}
