//! Every demo licence through the whole chain: sign → QR (alphanumeric, level Q) rendered to
//! pixels → decoded by a QR reader → verified. The largest must fit the SPEC's budget.

mod common;

use common::{NOW, demo_licences, issuer, trust_list};
use qrcode::{EcLevel, QrCode, Version};
use rega_credential::sign::present;
use rega_credential::{DeviceBinding, Form, Policy, verify};

/// SPEC §5.2: at most 700 characters of QR text, which fits version 20 at level Q.
const MAX_TEXT: usize = 700;
const MAX_VERSION: i16 = 20;

/// Renders a QR code as a greyscale image: 4 px per module, a 4-module quiet zone.
fn render(code: &QrCode) -> (usize, Vec<u8>) {
    let modules = code.width();
    let scale = 4;
    let size = (modules + 8) * scale;
    let colors = code.to_colors();
    let mut pixels = vec![255u8; size * size];
    for y in 0..modules {
        for x in 0..modules {
            if colors[y * modules + x] == qrcode::Color::Dark {
                for dy in 0..scale {
                    for dx in 0..scale {
                        pixels[((y + 4) * scale + dy) * size + (x + 4) * scale + dx] = 0;
                    }
                }
            }
        }
    }
    (size, pixels)
}

/// The QR text of a licence in a form: a DL1 token, or a bound credential's presentation.
fn text_of(form: Form, licence: &rega_credential::Licence) -> String {
    match form {
        Form::Token => issuer().issue(licence, NOW).expect("signed"),
        Form::Bound => {
            let device = common::key(42);
            let credential = issuer().issue_bound(
                licence,
                DeviceBinding::of_key(device.verifying_key()),
                NOW,
                7,
            );
            present(&credential, &device, NOW as u32)
        }
    }
}

#[test]
fn every_demo_licence_survives_the_qr_round_trip_within_budget() {
    let trust = trust_list();
    for form in [Form::Token, Form::Bound] {
        let mut report = Vec::new();
        for (name, licence) in demo_licences() {
            let text = text_of(form, &licence);
            let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q)
                .expect("fits a QR code");
            let Version::Normal(version) = code.version() else {
                panic!("a normal QR version")
            };
            let (size, pixels) = render(&code);
            let mut image = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| {
                pixels[y * size + x]
            });
            let grids = image.detect_grids();
            assert_eq!(grids.len(), 1, "{name}: one QR code found");
            let (_, decoded) = grids[0].decode().expect("the QR code decodes");
            assert_eq!(decoded, text, "{name}: the scanned text is the signed text");
            let verified = verify(&decoded, &trust, NOW + 5, &Policy::default())
                .expect("the scanned text verifies");
            assert_eq!(verified.form, form);
            assert_eq!(verified.licence().document_number, licence.document_number);
            report.push((name, text.len(), version));
        }
        for (name, chars, version) in &report {
            println!("{form:?} size: {name}: {chars} characters, QR version {version} at level Q");
        }
        let (_, largest_chars, largest_version) = report
            .iter()
            .find(|(n, ..)| n == "largest")
            .expect("a largest fixture");
        assert!(
            *largest_chars <= MAX_TEXT,
            "{form:?}, largest licence: {largest_chars} characters > {MAX_TEXT}"
        );
        assert!(
            *largest_version <= MAX_VERSION,
            "{form:?}, largest licence: version {largest_version} > {MAX_VERSION}"
        );
        assert!(
            report.iter().all(|(_, c, _)| c <= largest_chars),
            "the 'largest' fixture is the largest"
        );
    }
}

#[test]
fn the_qr_text_uses_only_the_alphanumeric_mode_alphabet() {
    for form in [Form::Token, Form::Bound] {
        let text = text_of(form, &common::licence("largest"));
        assert!(
            text.bytes()
                .all(|b| b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(&b))
        );
    }
}
