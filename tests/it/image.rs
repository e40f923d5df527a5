//! `kyc_clients::image`: format, pixel size and byte size read from the bytes (raw and base64)
//! without decoding, and the specs' image rules checked against them.
//!
//! The fixtures are built here, byte by byte: valid headers with the dimensions wanted,
//! padded to the size wanted. Nothing reads pixels, so nothing else is needed.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use indexmap::IndexMap;
use kyc_clients::image::{
    Base64Problem, ImageError, ImageFormat, ImageInfo, ImageRejection, ImageRule,
    ImageRuleViolation, inspect, inspect_base64,
};
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::json;

/// A JPEG made of the given segments between SOI and a scan of filler, padded to `size`.
struct Jpeg {
    bytes: Vec<u8>,
}

impl Jpeg {
    fn new() -> Self {
        Self {
            bytes: vec![0xFF, 0xD8],
        }
    }

    fn segment(mut self, marker: u8, payload: &[u8]) -> Self {
        self.bytes.extend_from_slice(&[0xFF, marker]);
        self.bytes
            .extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
        self.bytes.extend_from_slice(payload);
        self
    }

    fn raw(mut self, bytes: &[u8]) -> Self {
        self.bytes.extend_from_slice(bytes);
        self
    }

    /// An APP1 segment of `len` bytes of EXIF-looking data.
    fn exif(self, len: usize) -> Self {
        let mut payload = b"Exif\0\0MM\0*".to_vec();
        payload.resize(len, 0x42);
        self.segment(0xE1, &payload)
    }

    fn frame(self, marker: u8, width: u16, height: u16) -> Self {
        let mut payload = vec![8];
        payload.extend_from_slice(&height.to_be_bytes());
        payload.extend_from_slice(&width.to_be_bytes());
        payload.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        self.segment(marker, &payload)
    }

    /// SOS, filler scan data (no 0xFF) up to `size - 2`, EOI.
    fn finish(self, size: usize) -> Vec<u8> {
        let mut bytes = self
            .segment(0xDA, &[3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0])
            .bytes;
        let mut state = 0x2545_F491_u32;
        while bytes.len() + 2 < size {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            bytes.push((state % 0xFF) as u8);
        }
        bytes.extend_from_slice(&[0xFF, 0xD9]);
        bytes
    }
}

/// A baseline JPEG of `width`×`height`, `size` bytes, with a JFIF header.
fn jpeg(width: u16, height: u16, size: usize) -> Vec<u8> {
    Jpeg::new()
        .segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
        .frame(0xC0, width, height)
        .finish(size)
}

/// A PNG of `width`×`height`, `size` bytes (IHDR, then a filler chunk).
fn png(width: u32, height: u32, size: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut bytes, b"IHDR", &ihdr);
    bytes.resize(size.max(bytes.len()), 0);
    bytes
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = 0xFFFF_FFFF_u32;
    for &byte in kind.iter().chain(data) {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    out.extend_from_slice(&(!crc).to_be_bytes());
}

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

fn info(format: ImageFormat, size: Option<(u32, u32)>, bytes: usize) -> ImageInfo {
    ImageInfo {
        format,
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
        bytes,
    }
}

/// Both entry points agree on `bytes`: the same info, or the same error.
fn inspect_both(bytes: &[u8]) -> Result<ImageInfo, ImageError> {
    let raw = inspect(bytes);
    assert_eq!(inspect_base64(&b64(bytes)), raw, "base64 and raw disagree");
    raw
}

#[test]
fn jpeg_frame_header_after_a_large_exif_segment() {
    // 60 KB of EXIF, a quantisation table, then SOF0: the size is far from the first bytes.
    let bytes = Jpeg::new()
        .exif(60_000)
        .segment(0xDB, &[0; 65])
        .frame(0xC0, 3024, 4032)
        .segment(0xC4, &[0; 30])
        .finish(500_000);
    assert_eq!(
        inspect_both(&bytes),
        Ok(info(ImageFormat::Jpeg, Some((3024, 4032)), 500_000))
    );
}

#[test]
fn jpeg_markers_that_share_the_sof_range_are_skipped() {
    // DHT (C4), JPG (C8) and DAC (CC) sit in C0..CF but are no frame headers.
    for marker in [0xC4, 0xC8, 0xCC] {
        let bytes = Jpeg::new()
            .segment(marker, &[0xFF; 12])
            .frame(0xC2, 800, 600)
            .finish(2_000);
        assert_eq!(
            inspect_both(&bytes).map(|i| i.dimensions()),
            Ok(Some((800, 600))),
            "marker {marker:#X}"
        );
    }
}

#[test]
fn every_sof_kind_gives_the_size() {
    for marker in (0xC0..=0xCF).filter(|m| ![0xC4, 0xC8, 0xCC].contains(m)) {
        let bytes = Jpeg::new().frame(marker, 640, 480).finish(1_000);
        assert_eq!(inspect_both(&bytes).unwrap().dimensions(), Some((640, 480)));
    }
}

#[test]
fn jpeg_fill_bytes_and_standalone_markers_are_tolerated() {
    let bytes = Jpeg::new()
        .segment(0xE0, b"JFIF\0")
        .raw(&[0xFF, 0xFF, 0xFF]) // fill bytes before the next marker
        .raw(&[0xFF, 0xD0]) // RST0 has no length
        .segment(0xFE, b"a comment")
        .frame(0xC0, 480, 640)
        .finish(3_000);
    assert_eq!(inspect_both(&bytes).unwrap().dimensions(), Some((480, 640)));
}

#[test]
fn jpeg_height_zero_is_left_to_dnl() {
    let bytes = Jpeg::new().frame(0xC0, 640, 0).finish(1_000);
    let found = inspect_both(&bytes).unwrap();
    assert_eq!((found.width, found.height), (Some(640), None));
    let rule = ImageRule {
        min_width: Some(480),
        min_height: Some(640),
        ..ImageRule::default()
    };
    assert_eq!(
        rule.check(&found).unwrap_err().to_string(),
        "is a JPEG whose header does not give its pixel size; the minimum is 480×640"
    );
}

#[test]
fn jpeg_without_frame_header_or_cut_short_is_refused() {
    let scan_first = Jpeg::new().segment(0xE0, b"JFIF\0").finish(500);
    assert!(matches!(
        inspect_both(&scan_first),
        Err(ImageError::Malformed {
            format: ImageFormat::Jpeg,
            offset: 11,
            ..
        })
    ));
    assert_eq!(
        inspect(&scan_first).unwrap_err().to_string(),
        "is a JPEG with a malformed header at byte 11: image data (SOS) before any frame header (SOF)"
    );

    let whole = Jpeg::new().exif(5_000).frame(0xC0, 640, 480).finish(10_000);
    let cut = &whole[..4_000];
    let error = inspect_both(cut).unwrap_err();
    assert_eq!(
        error.to_string(),
        "is a JPEG that ends after 4,000 bytes (4 KB), before its frame header (SOF), which gives its size"
    );
    // A missing marker where one should be.
    // SOI (2), then APP1: marker (2), length (2), 5,000 bytes; the next marker is at 5,006.
    let mut broken = whole.clone();
    broken[5_006] = 0x00;
    assert!(matches!(
        inspect_both(&broken),
        Err(ImageError::Malformed { offset: 5_006, .. })
    ));
    assert!(matches!(
        inspect_both(&[0xFF, 0xD8]),
        Err(ImageError::Truncated {
            format: ImageFormat::Jpeg,
            ..
        })
    ));
}

#[test]
fn every_prefix_of_a_jpeg_header_is_handled_the_same_raw_and_base64() {
    // Each cut point, including the middle of a marker, a length or the frame header.
    let whole = Jpeg::new()
        .segment(0xE0, b"JFIF\0\x01\x01")
        .raw(&[0xFF, 0xFF])
        .frame(0xC0, 1024, 768)
        .finish(120);
    for len in 1..whole.len() {
        let result = inspect_both(&whole[..len]);
        if len >= 2 + 11 + 2 + 2 + 7 {
            assert_eq!(result.unwrap().dimensions(), Some((1024, 768)), "len {len}");
        } else {
            assert!(result.is_err(), "len {len}");
        }
    }
}

#[test]
fn png_size_from_ihdr() {
    let bytes = png(500, 720, 150_000);
    assert_eq!(
        inspect_both(&bytes),
        Ok(info(ImageFormat::Png, Some((500, 720)), 150_000))
    );
}

#[test]
fn png_must_start_with_a_valid_ihdr() {
    let mut not_first = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut not_first, b"tEXt", b"Comment\0hello");
    chunk(&mut not_first, b"IHDR", &[0; 13]);
    assert_eq!(
        inspect_both(&not_first).unwrap_err().to_string(),
        "is a PNG with a malformed header at byte 12: the first chunk is not IHDR"
    );

    let mut bad_crc = png(500, 500, 100);
    bad_crc[29] ^= 1;
    assert!(matches!(
        inspect_both(&bad_crc),
        Err(ImageError::Malformed { offset: 29, .. })
    ));

    let zero_width = png(0, 500, 100);
    assert!(matches!(
        inspect_both(&zero_width),
        Err(ImageError::Malformed { offset: 16, .. })
    ));

    for len in 1..33 {
        assert!(
            matches!(
                inspect_both(&png(500, 500, 33)[..len]),
                Err(ImageError::Truncated {
                    format: ImageFormat::Png,
                    ..
                })
            ),
            "len {len}"
        );
    }
}

#[test]
fn svg_size_from_width_and_height() {
    let svg =
        br#"<svg xmlns="http://www.w3.org/2000/svg" width="480px" height='640'><rect/></svg>"#;
    assert_eq!(
        inspect_both(svg),
        Ok(info(ImageFormat::Svg, Some((480, 640)), svg.len()))
    );
    // Decimals are rounded, as the sandbox does.
    let decimal = br#"<svg height="359.6" width="480.2"/>"#;
    assert_eq!(
        inspect_both(decimal).unwrap().dimensions(),
        Some((480, 360))
    );
}

#[test]
fn svg_falls_back_to_the_view_box() {
    let view_box = br#"<svg viewBox="0 0 800 600"></svg>"#;
    assert_eq!(
        inspect_both(view_box).unwrap().dimensions(),
        Some((800, 600))
    );
    // Units without a pixel size, and percentages, fall back too.
    let units = br#"<svg width="210mm" height="100%" viewBox="0,0,2100,2970"></svg>"#;
    assert_eq!(
        inspect_both(units).unwrap().dimensions(),
        Some((2100, 2970))
    );
    // Neither: no size.
    let no_size = br#"<svg width="10cm"><circle r="1"/></svg>"#;
    assert_eq!(
        inspect_both(no_size),
        Ok(info(ImageFormat::Svg, None, no_size.len()))
    );
}

#[test]
fn svg_after_a_prolog() {
    let svg = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
        <!-- Generator: a drawing program -->\n\
        <!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\" [\n\
          <!ENTITY ns \"http://www.w3.org/2000/svg\">\n\
        ]>\n\
        <svg\n  title=\"a > b\"\n  width = \"1200\"\n  height=\"900px\"><g/></svg>";
    assert_eq!(
        inspect_both(svg.as_bytes()).unwrap().dimensions(),
        Some((1200, 900))
    );
    // A prolog longer than the first window is still read.
    let long = format!(
        "<?xml version=\"1.0\"?><!--{}--><svg width=\"500\" height=\"500\"/>",
        "x".repeat(10_000)
    );
    assert_eq!(
        inspect_both(long.as_bytes()).unwrap().dimensions(),
        Some((500, 500))
    );
}

#[test]
fn markup_that_is_not_svg_is_refused() {
    for text in [
        "<html><body><svg width=\"500\" height=\"500\"/></body></html>",
        "<?xml version=\"1.0\"?><svgx/>",
        "<!-- <svg width=\"1\" height=\"1\"/> --><div/>",
    ] {
        assert_eq!(
            inspect_both(text.as_bytes()),
            Err(ImageError::UnsupportedFormat {
                detected: Some("markup document that is not SVG")
            }),
            "{text}"
        );
    }
    assert!(matches!(
        inspect_both(b"<svg width=\"500\" height="),
        Err(ImageError::Truncated {
            format: ImageFormat::Svg,
            ..
        })
    ));
}

#[test]
fn other_formats_are_named() {
    let cases: [(&[u8], &str); 6] = [
        (
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00",
            "is a GIF, not a JPEG, PNG or SVG image",
        ),
        (
            b"RIFF\x10\x00\x00\x00WEBPVP8 ",
            "is a WebP, not a JPEG, PNG or SVG image",
        ),
        (
            b"\x00\x00\x00\x18ftypheic\x00\x00",
            "is an HEIC/HEIF, not a JPEG, PNG or SVG image",
        ),
        (b"%PDF-1.7\n", "is a PDF, not a JPEG, PNG or SVG image"),
        (
            b"II*\x00\x08\x00\x00\x00",
            "is a TIFF, not a JPEG, PNG or SVG image",
        ),
        (
            b"plain text, not an image",
            "is not a JPEG, PNG or SVG image: its first bytes match none of their signatures",
        ),
    ];
    for (bytes, message) in cases {
        assert_eq!(inspect_both(bytes).unwrap_err().to_string(), message);
    }
    assert_eq!(inspect(b""), Err(ImageError::Empty));
    assert_eq!(inspect_base64(""), Err(ImageError::Empty));
}

#[test]
fn base64_size_comes_from_length_and_padding() {
    // 3n, 3n+1 and 3n+2 bytes: no padding, `==`, `=`.
    for size in [3_000, 3_001, 3_002] {
        let bytes = jpeg(640, 480, size);
        let encoded = b64(&bytes);
        assert_eq!(encoded.len() % 4, 0);
        assert_eq!(inspect_base64(&encoded).unwrap().bytes, size);
    }
}

#[test]
fn base64_must_be_standard_padded_one_line() {
    let valid = b64(&jpeg(640, 480, 1_000));
    let with = |position: usize, replacement: &str| {
        let mut text = valid.clone();
        text.replace_range(position..position + 1, replacement);
        text
    };
    let problem = |text: &str| match inspect_base64(text) {
        Err(ImageError::InvalidBase64 {
            position, problem, ..
        }) => (position, problem),
        other => panic!("expected invalid base64, got {other:?}"),
    };
    assert_eq!(
        problem(&with(76, "\n")),
        (Some(76), Base64Problem::LineBreak)
    );
    assert_eq!(
        problem(&with(100, " ")),
        (Some(100), Base64Problem::Whitespace)
    );
    assert_eq!(
        problem(&with(500, "-")),
        (Some(500), Base64Problem::UrlSafeAlphabet)
    );
    assert_eq!(
        problem(&with(8, "=")),
        (Some(8), Base64Problem::MisplacedPadding)
    );
    assert_eq!(
        problem(&with(1_200, "!")),
        (Some(1_200), Base64Problem::OutsideAlphabet)
    );
    assert_eq!(
        problem(&valid[..valid.len() - 1]),
        (None, Base64Problem::Length)
    );
    // "QQ==" is "A"; "QR==" has non-zero bits after it.
    assert_eq!(problem("QR=="), (Some(1), Base64Problem::TrailingBits));
    // Valid base64 ("AB") goes on to format detection.
    assert_eq!(
        inspect_base64("QUI="),
        Err(ImageError::UnsupportedFormat { detected: None })
    );
    assert_eq!(
        inspect_base64(&with(76, "\n")).unwrap_err().to_string(),
        "is not valid base64: character 77 of 1,336 is a line break (standard base64 is one unbroken line)"
    );
    // The same text through the `base64` crate's strict decoder: it refuses all of these too.
    for bad in [
        with(76, "\n"),
        with(500, "-"),
        with(8, "="),
        "QR==".to_string(),
    ] {
        assert!(STANDARD.decode(&bad).is_err());
    }
}

#[test]
fn base64_data_url_prefix_is_refused_with_the_fix() {
    let encoded = format!("data:image/png;base64,{}", b64(&png(640, 480, 200)));
    let error = inspect_base64(&encoded).unwrap_err();
    assert_eq!(error, ImageError::DataUrlPrefix);
    assert_eq!(
        error.to_string(),
        "starts with a `data:...;base64,` prefix: send the base64 text alone, without the prefix"
    );
}

#[test]
fn messages_never_contain_the_content() {
    // A secret-looking marker in the metadata and in the base64 text.
    let marker = "NIK3275031210930027";
    let mut exif = marker.as_bytes().to_vec();
    exif.resize(2_000, b'Z');
    let cut = Jpeg::new().segment(0xE1, &exif).finish(10);
    let cut = &cut[..1_000];
    let mut messages = vec![
        inspect(cut).unwrap_err().to_string(),
        inspect_base64(&b64(cut)).unwrap_err().to_string(),
    ];
    let mut text = b64(&jpeg(640, 480, 3_000));
    text.insert_str(40, &format!("!{marker}"));
    text.truncate(text.len() / 4 * 4);
    messages.push(inspect_base64(&text).unwrap_err().to_string());
    let rule = ImageRule {
        formats: vec![ImageFormat::Png],
        ..ImageRule::default()
    };
    messages.push(
        rule.validate(&jpeg(640, 480, 3_000))
            .unwrap_err()
            .to_string(),
    );
    for message in messages {
        assert!(!message.contains(marker), "{message}");
        assert!(!message.contains(&text[..40]), "{message}");
    }
}

#[test]
fn rule_messages_give_the_rule_and_the_size_or_shape() {
    let rule = ImageRule {
        formats: vec![ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::Svg],
        min_bytes: Some(102_400),
        max_bytes: Some(4_000_000),
        min_width: Some(480),
        min_height: Some(640),
    };
    let small = inspect(&jpeg(480, 640, 52_431)).unwrap();
    assert_eq!(
        rule.check(&small),
        Err(ImageRuleViolation::TooSmall {
            bytes: 52_431,
            min_bytes: 102_400
        })
    );
    assert_eq!(
        rule.check(&small).unwrap_err().to_string(),
        "is 52,431 bytes; the minimum is 102,400 bytes (100 KB)"
    );
    let large = inspect(&png(480, 640, 4_000_001)).unwrap();
    assert_eq!(
        rule.check(&large).unwrap_err().to_string(),
        "is 4,000,001 bytes; the maximum is 4,000,000 bytes (4 MB)"
    );
    let tiny = inspect(&jpeg(320, 240, 200_000)).unwrap();
    assert_eq!(
        rule.check(&tiny).unwrap_err().to_string(),
        "is 320×240 pixels; the minimum is 480×640"
    );
    // Landscape where portrait is asked: each side has its own minimum.
    let landscape = inspect(&jpeg(640, 480, 200_000)).unwrap();
    assert!(rule.check(&landscape).is_err());
    assert_eq!(
        rule.validate(b"GIF89a\x01\x00\x01\x00")
            .unwrap_err()
            .to_string(),
        "is a GIF; accepted: jpeg, png, svg"
    );
    let iluma = ImageRule {
        formats: vec![ImageFormat::Jpeg, ImageFormat::Png],
        ..ImageRule::default()
    };
    let svg = br#"<svg width="600" height="600"/>"#;
    assert_eq!(
        iluma.validate(svg).unwrap_err().to_string(),
        "is an SVG; accepted: jpeg, png"
    );
    // Boundaries are inclusive.
    let exact = inspect(&jpeg(480, 640, 102_400)).unwrap();
    assert_eq!(rule.check(&exact), Ok(()));
    let exact_max = inspect(&png(480, 640, 4_000_000)).unwrap();
    assert_eq!(rule.check(&exact_max), Ok(()));
}

#[test]
fn svg_pixel_rule_applies_to_the_declared_size() {
    let rule = ImageRule {
        min_width: Some(480),
        min_height: Some(640),
        ..ImageRule::default()
    };
    let small = br#"<svg width="100" height="100"/>"#;
    assert_eq!(
        rule.validate(small).unwrap_err().to_string(),
        "is 100×100 pixels; the minimum is 480×640"
    );
    let by_view_box = br#"<svg viewBox="0 0 480 640"/>"#;
    assert!(rule.validate(by_view_box).is_ok());
    // No size at all, or only in units with no pixel size: drawn at whatever size the reader
    // wants, so the minimum cannot be checked and the image is refused, as the sandbox does.
    for no_size in [
        &br#"<svg xmlns="http://www.w3.org/2000/svg"><circle r="5"/></svg>"#[..],
        br#"<svg width="10cm" height="15cm"/>"#,
    ] {
        assert_eq!(
            rule.validate(no_size),
            Err(ImageRejection::Violation(
                ImageRuleViolation::SvgWithoutSize {
                    min_width: Some(480),
                    min_height: Some(640),
                }
            ))
        );
    }
    assert_eq!(
        rule.validate_base64(&b64(br#"<svg><g/></svg>"#))
            .unwrap_err()
            .to_string(),
        "is an SVG that declares no pixel size (no `width` and `height` in pixels, no \
         `viewBox`), so its size cannot be checked; the minimum is 480×640"
    );
    // Without a minimum-pixels rule an SVG needs no size.
    let formats_only = ImageRule {
        formats: vec![ImageFormat::Svg],
        ..ImageRule::default()
    };
    assert!(formats_only.validate(br#"<svg><g/></svg>"#).is_ok());
}

#[test]
fn validate_base64_matches_validate() {
    let rule = ImageRule {
        formats: vec![ImageFormat::Jpeg],
        min_bytes: Some(1_000),
        max_bytes: Some(5_000),
        min_width: Some(100),
        min_height: Some(100),
    };
    for bytes in [
        jpeg(100, 100, 2_000),
        jpeg(99, 100, 2_000),
        jpeg(100, 100, 999),
        jpeg(100, 100, 5_001),
        png(100, 100, 2_000),
        b"GIF87a".to_vec(),
    ] {
        assert_eq!(rule.validate_base64(&b64(&bytes)), rule.validate(&bytes));
    }
    assert!(matches!(
        rule.validate_base64("not base64!"),
        Err(ImageRejection::Unreadable(ImageError::InvalidBase64 { .. }))
    ));
}

#[test]
fn image_formats_parse_as_the_specs_write_them() {
    for format in ImageFormat::ALL {
        assert_eq!(format.as_str().parse::<ImageFormat>(), Ok(format));
        assert_eq!(format.to_string(), format.as_str());
    }
    assert_eq!("JPG".parse::<ImageFormat>(), Ok(ImageFormat::Jpeg));
    assert_eq!(ImageFormat::Svg.mime_type(), "image/svg+xml");
    assert_eq!(
        "gif".parse::<ImageFormat>().unwrap_err().to_string(),
        "`gif` is not an image format this client reads (jpeg, png, svg)"
    );
}

#[test]
fn rules_from_extensions() {
    let extensions: IndexMap<String, serde_json::Value> = [
        ("x-image-formats".to_string(), json!(["jpeg", "png", "bmp"])),
        ("x-max-bytes".to_string(), json!(512_000)),
        ("x-min-pixels".to_string(), json!({"width": 500})),
        ("x-pii".to_string(), json!("image")),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        ImageRule::from_extensions(|key| extensions.get(key)),
        Some(ImageRule {
            formats: vec![ImageFormat::Jpeg, ImageFormat::Png],
            min_bytes: None,
            max_bytes: Some(512_000),
            min_width: Some(500),
            min_height: None,
        })
    );
    let not_an_image: IndexMap<String, serde_json::Value> =
        [("x-pii".to_string(), json!("name"))].into_iter().collect();
    assert_eq!(
        ImageRule::from_extensions(|key| not_an_image.get(key)),
        None
    );
}

/// Every image rule of a spec, by `Schema` or `Schema.property` name.
fn image_rules(spec: &OpenAPI) -> Vec<(String, ImageRule)> {
    let mut rules = Vec::new();
    let components = spec.components.as_ref().expect("components");
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        rules.extend(rule_of(name, schema));
        if let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind {
            for (property, schema) in &object.properties {
                if let ReferenceOr::Item(schema) = schema {
                    rules.extend(rule_of(&format!("{name}.{property}"), schema));
                }
            }
        }
    }
    rules.sort_by(|a, b| a.0.cmp(&b.0));
    rules
}

fn rule_of(name: &str, schema: &Schema) -> Option<(String, ImageRule)> {
    ImageRule::from_extensions(|key| schema.schema_data.extensions.get(key))
        .map(|rule| (name.to_string(), rule))
}

fn load(file: &str) -> OpenAPI {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    kyc_codegen::load_spec(&path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_specs_image_rules_are_the_documented_limits() {
    let all = || ImageFormat::ALL.to_vec();
    let rule = |formats, min: Option<usize>, max: usize, pixels: Option<(u32, u32)>| ImageRule {
        formats,
        min_bytes: min,
        max_bytes: Some(max),
        min_width: pixels.map(|p| p.0),
        min_height: pixels.map(|p| p.1),
    };
    // Face comparison and text recognition: "JPG, JPEG, PNG; max 2 MB".
    let vision = || {
        rule(
            vec![ImageFormat::Jpeg, ImageFormat::Png],
            None,
            2_000_000,
            None,
        )
    };
    assert_eq!(
        image_rules(&load("openapi/kredibel.yaml")),
        vec![
            (
                "BiometricFaceImage".to_string(),
                rule(all(), None, 1_000_000, None)
            ),
            ("ComparedImage".to_string(), vision()),
            ("DocumentImage".to_string(), vision()),
            (
                "FaceImage".to_string(),
                rule(all(), Some(102_400), 4_000_000, Some((480, 640)))
            ),
            ("HandheldImage".to_string(), vision()),
            (
                "IdentityCardImage".to_string(),
                rule(all(), Some(102_400), 2_000_000, Some((480, 360)))
            ),
        ]
    );
    assert_eq!(
        image_rules(&load("openapi/iluma.yaml")),
        vec![(
            "KtpSelfie".to_string(),
            rule(
                vec![ImageFormat::Jpeg, ImageFormat::Png],
                Some(102_400),
                500_000,
                Some((500, 500))
            )
        )]
    );
}

#[test]
fn the_sandbox_samples_read_the_same() {
    // The sample writer the sandbox's tests and the tour use (`kyc_spec::image::sample`, as
    // `kyc_sandbox::samples`): written apart from the reader, sharing only `ImageFormat`.
    use kyc_sandbox::samples::Image;
    for (sample, format, size) in [
        (Image::jpeg(640, 480), ImageFormat::Jpeg, (640, 480)),
        (Image::png(500, 720), ImageFormat::Png, (500, 720)),
        (Image::svg(480, 640), ImageFormat::Svg, (480, 640)),
    ] {
        let sample = sample.with_trigger("no_face_detected");
        let bytes = sample.bytes(120 * 1024);
        let found = inspect(&bytes).unwrap();
        assert_eq!(found, info(format, Some(size), 120 * 1024));
        let encoded = sample.base64(120 * 1024);
        // Its hand-written encoder agrees with the `base64` crate's.
        assert_eq!(encoded, b64(&bytes));
        assert_eq!(inspect_base64(&encoded), Ok(found));
        assert_eq!(sample.format(), format);
    }
}
