use super::*;
use std::io::Write;

/// A structurally whole PNG (signature, IHDR, IDAT, IEND).
pub(crate) fn png() -> Vec<u8> {
    let mut out = PNG_SIGNATURE.to_vec();
    for (kind, data) in [
        (&b"IHDR"[..], &[0u8, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0][..]),
        (b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1][..]),
        (b"IEND", &[][..]),
    ] {
        out.extend((data.len() as u32).to_be_bytes());
        out.extend(kind);
        out.extend(data);
        out.extend([0, 0, 0, 0]); // the CRC is not what we judge
    }
    out
}

fn jpeg() -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
    out.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    out.extend([0xFF, 0xD9]);
    out
}

fn pdf_with(stream: &[u8], filter: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n1 0 obj\n<< /Length ".to_vec();
    out.extend(format!("{} {filter} >>\nstream\n", stream.len()).as_bytes());
    out.extend(stream);
    out.extend(b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    out
}

fn deflated(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

#[test]
fn png_jpeg_and_pdf_are_recognised_by_content_whatever_their_name() {
    let a = Attachment::parse("C:\\Users\\tuki\\kuva.pdf", png()).unwrap();
    assert_eq!(a.media_type, MediaType::Png, "a PNG named .pdf is a PNG");
    assert_eq!(
        a.filename, "kuva.png",
        "the path is dropped, the extension told by content"
    );
    assert_eq!(
        Attachment::parse("Kuva.PNG", png()).unwrap().filename,
        "Kuva.PNG"
    );
    assert_eq!(
        Attachment::parse("", png()).unwrap().filename,
        "attachment.png"
    );
    assert_eq!(
        Attachment::parse("virhe.jpeg", jpeg()).unwrap().filename,
        "virhe.jpeg"
    );
    assert_eq!(sniff(&jpeg()), Ok(MediaType::Jpeg));
    let text = pdf_with(
        &deflated(b"BT /F1 12 Tf (Virhe 500) Tj ET"),
        "/Filter /FlateDecode",
    );
    assert_eq!(sniff(&text), Ok(MediaType::Pdf));
}

#[test]
fn an_svg_html_or_zip_is_refused_naming_the_file() {
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
    let e = Attachment::parse("kuva.png", svg.to_vec()).unwrap_err();
    assert!(e.starts_with("`kuva.png` is not a PNG, JPEG or PDF"), "{e}");
    assert!(Attachment::parse("a.pdf", b"<html>%PDF-1.4".to_vec()).is_err());
    assert!(Attachment::parse("a.zip", b"PK\x03\x04rest".to_vec()).is_err());
    assert!(Attachment::parse("empty.png", Vec::new()).is_err());
}

#[test]
fn a_polyglot_with_a_second_file_after_the_image_is_refused() {
    let mut png_zip = png();
    png_zip.extend(b"PK\x03\x04 a zip riding along");
    let e = sniff(&png_zip).unwrap_err();
    assert!(e.contains("after the end"), "{e}");
    let mut jpeg_html = jpeg();
    jpeg_html.extend(b"<html><script>alert(1)</script></html>");
    assert!(sniff(&jpeg_html).is_err());
    let mut pdf_html = pdf_with(b"q Q", "");
    pdf_html.extend(b"<html><script>alert(1)</script></html>");
    assert!(sniff(&pdf_html).is_err());
    assert!(sniff(&png()[..30]).is_err(), "a PNG cut short");
}

#[test]
fn a_pdf_with_scripts_is_refused() {
    let js = pdf_with(
        b"q Q",
        "/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
    );
    assert!(sniff(&js).unwrap_err().contains("scripts"));
}

#[test]
fn a_pdf_that_would_expand_to_gigabytes_is_refused() {
    // 80 MB of zeros, deflated to a few hundred kilobytes: small to send, huge to open.
    let zeros = vec![0u8; 1024 * 1024];
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..80 {
        z.write_all(&zeros).unwrap();
    }
    let bomb = pdf_with(&z.finish().unwrap(), "/Filter /FlateDecode");
    assert!(bomb.len() < MAX_ATTACHMENT_BYTES);
    let e = Attachment::parse("raportti.pdf", bomb).unwrap_err();
    assert!(e.contains("expands to more than 64 MB"), "{e}");
}

#[test]
fn an_attachment_over_five_megabytes_is_refused_naming_the_file() {
    let mut big = png();
    big.resize(MAX_ATTACHMENT_BYTES + 1, 0);
    let e = Attachment::parse("iso.png", big).unwrap_err();
    assert_eq!(e, "`iso.png` is larger than 5 MB");
}
