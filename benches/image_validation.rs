//! How long validating a 4 MB image takes (format, byte size, pixel size), against the target
//! of the issue: under 1 ms, both for the file's bytes (`inspect` + `check`, what the Iluma
//! multipart selfie goes through) and for its base64 text (`inspect_base64` + `check`, what a
//! Kredibel `faceImage` given as base64 goes through).
//!
//! The image is a realistic phone photo's layout: SOI, a 60 KB APP1/EXIF segment, DQT, SOF0
//! 3024×4032, DHT, SOS, scan data up to 4 MiB, EOI; so the frame header is not in the first
//! bytes, and the base64 path has to decode on demand 60 KB in. The rule is the Kredibel
//! `FaceImage` schema's, read from `openapi/kredibel.yaml`.
//!
//! For scale, the bench also times what validation avoids: decoding the whole base64 text.
//!
//! `cargo bench -p kyc-clients --bench image_validation`

use std::hint::black_box;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kyc_clients::image::{ImageFormat, ImageRule, inspect, inspect_base64};

/// 4 MiB, Kredibel's `faceImage` maximum.
const SIZE: usize = 4_000_000;

/// A 3024×4032 JPEG of exactly `SIZE` bytes, its frame header after 60 KB of EXIF.
fn phone_photo() -> Vec<u8> {
    fn segment(out: &mut Vec<u8>, marker: u8, payload: &[u8]) {
        out.extend_from_slice(&[0xFF, marker]);
        let length = u16::try_from(payload.len() + 2).expect("segment under 64 KB");
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(payload);
    }
    let mut jpeg = Vec::with_capacity(SIZE);
    jpeg.extend_from_slice(&[0xFF, 0xD8]);
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08".to_vec();
    exif.resize(60_000, 0x20);
    segment(&mut jpeg, 0xE1, &exif);
    segment(&mut jpeg, 0xDB, &[0x01; 65]);
    let mut frame = vec![8];
    frame.extend_from_slice(&4032u16.to_be_bytes());
    frame.extend_from_slice(&3024u16.to_be_bytes());
    frame.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    segment(&mut jpeg, 0xC0, &frame);
    segment(&mut jpeg, 0xC4, &[0x02; 180]);
    segment(&mut jpeg, 0xDA, &[3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0]);
    // Scan data: varied bytes, never 0xFF (a real scan stuffs 0xFF as 0xFF 0x00).
    let mut state = 0x9E37_79B9_u32;
    while jpeg.len() < SIZE - 2 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        jpeg.push((state % 0xFF) as u8);
    }
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    jpeg
}

/// The Kredibel `FaceImage` rule, from the spec the client embeds.
fn face_image_rule() -> ImageRule {
    let spec = kyc_clients::kredibel::spec();
    spec.schema("FaceImage")
        .and_then(|schema| spec.image_rule(schema))
        .expect("FaceImage has image rules")
}

fn image_validation(c: &mut Criterion) {
    let jpeg = phone_photo();
    let encoded = STANDARD.encode(&jpeg);
    let rule = face_image_rule();
    assert_eq!(jpeg.len(), SIZE);
    assert_eq!(rule.max_bytes, Some(SIZE));

    // What is measured must be a pass, with the right facts.
    let info = inspect(&jpeg).expect("readable");
    assert_eq!(
        (info.format, info.width, info.height, info.bytes),
        (ImageFormat::Jpeg, Some(3024), Some(4032), SIZE)
    );
    rule.check(&info).expect("within the rule");
    assert_eq!(inspect_base64(&encoded), Ok(info));

    let mut group = c.benchmark_group("validate 4 MB JPEG");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    // No throughput for the bytes: only their headers are read, so bytes per second mean
    // nothing there. The base64 text is read whole (checked, not decoded).
    group.bench_function("raw bytes: inspect + check", |b| {
        b.iter(|| {
            let info = inspect(black_box(&jpeg)).expect("readable");
            rule.check(&info).expect("within the rule");
            info
        });
    });

    group.throughput(Throughput::Bytes(encoded.len() as u64));
    group.bench_function("base64 text: inspect_base64 + check", |b| {
        b.iter(|| {
            let info = inspect_base64(black_box(&encoded)).expect("readable");
            rule.check(&info).expect("within the rule");
            info
        });
    });
    // The reference point: a full decode, which validation does not do.
    group.bench_function("for scale: full base64 decode (base64 crate)", |b| {
        b.iter(|| STANDARD.decode(black_box(&encoded)).expect("valid"));
    });
    group.finish();
}

criterion_group!(benches, image_validation);
criterion_main!(benches);
