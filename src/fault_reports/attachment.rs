//! Attachments of a fault report (a screenshot, an error dialog saved as PDF), judged by
//! their content, never by their name: only whole PNG, JPEG and PDF files are kept.

use std::io::Read;

/// Attachments per report.
pub const MAX_ATTACHMENTS: usize = 3;
/// Bytes per attachment: a full-screen screenshot is well under this.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
/// A PDF whose compressed streams would expand beyond this when opened is refused (a
/// decompression bomb aimed at whoever opens it).
const MAX_PDF_INFLATED: u64 = 64 * 1024 * 1024;
/// Characters of a file name kept.
const MAX_NAME_CHARS: usize = 120;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// What an attachment is, by its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    Png,
    Jpeg,
    Pdf,
}

impl MediaType {
    /// The MIME type it is served as.
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Pdf => "application/pdf",
        }
    }

    /// Parses a stored MIME type.
    pub fn parse(mime: &str) -> Option<Self> {
        [MediaType::Png, MediaType::Jpeg, MediaType::Pdf]
            .into_iter()
            .find(|m| m.mime() == mime)
    }

    fn extension(self) -> &'static str {
        match self {
            MediaType::Png => "png",
            MediaType::Jpeg => "jpg",
            MediaType::Pdf => "pdf",
        }
    }
}

/// A checked attachment.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub media_type: MediaType,
    pub content: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("media_type", &self.media_type)
            .field("bytes", &self.content.len())
            .finish()
    }
}

impl Attachment {
    /// Checks a file as sent: its size and its content. The error names the file.
    pub fn parse(filename: &str, content: Vec<u8>) -> Result<Self, String> {
        let filename = clean_name(filename);
        if content.len() > MAX_ATTACHMENT_BYTES {
            return Err(format!(
                "`{filename}` is larger than {} MB",
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            ));
        }
        let media_type = sniff(&content).map_err(|why| format!("`{filename}` {why}"))?;
        let filename = with_extension(&filename, media_type);
        Ok(Self {
            filename,
            media_type,
            content,
        })
    }

    /// An attachment read back from the store (checked when it was stored).
    pub fn restore(filename: String, media_type: MediaType, content: Vec<u8>) -> Self {
        Self {
            filename,
            media_type,
            content,
        }
    }
}

/// `name` with the extension of what the file really is (a PNG sent as `kuva.pdf` is
/// kept as `kuva.png`, so that it opens in the right program).
fn with_extension(name: &str, media_type: MediaType) -> String {
    let stem = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 5 => stem,
        _ => name,
    };
    let stem = if stem.is_empty() { "attachment" } else { stem };
    match (
        media_type,
        name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()),
    ) {
        (MediaType::Jpeg, Some(e)) if e == "jpeg" => name.to_owned(),
        (_, Some(e)) if e == media_type.extension() => name.to_owned(),
        _ => format!("{stem}.{}", media_type.extension()),
    }
}

/// The last path segment of a name, without control characters, at most `MAX_NAME_CHARS`.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    base.chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The type of a whole, well-formed file; anything else is refused with the reason.
pub fn sniff(content: &[u8]) -> Result<MediaType, &'static str> {
    const NOT_ACCEPTED: &str = "is not a PNG, JPEG or PDF file (judged by its content)";
    if content.starts_with(PNG_SIGNATURE) {
        return png_ends_where_it_should(content).map(|()| MediaType::Png);
    }
    if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        // Anything after the end-of-image marker would be a second file riding along.
        return match content.ends_with(&[0xFF, 0xD9]) {
            true => Ok(MediaType::Jpeg),
            false => Err("has data after the end of its image, or is cut short"),
        };
    }
    if content.starts_with(b"%PDF-") {
        return pdf_is_safe(content).map(|()| MediaType::Pdf);
    }
    Err(NOT_ACCEPTED)
}

/// Walks the PNG's chunks: the first is `IHDR`, and the file ends right after `IEND`.
fn png_ends_where_it_should(content: &[u8]) -> Result<(), &'static str> {
    const BROKEN: &str = "is not a whole PNG image";
    let mut at = PNG_SIGNATURE.len();
    let mut first = true;
    loop {
        let header = content.get(at..at + 8).ok_or(BROKEN)?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        if first && kind != b"IHDR" {
            return Err(BROKEN);
        }
        first = false;
        let end = at
            .checked_add(12)
            .and_then(|n| n.checked_add(len))
            .ok_or(BROKEN)?;
        if end > content.len() {
            return Err(BROKEN);
        }
        if kind == b"IEND" {
            return match end == content.len() {
                true => Ok(()),
                false => Err("has data after the end of its image"),
            };
        }
        at = end;
    }
}

/// A PDF must end with `%%EOF`, hold no scripts or launch actions, and its compressed
/// streams must not expand beyond `MAX_PDF_INFLATED`.
fn pdf_is_safe(content: &[u8]) -> Result<(), &'static str> {
    let end = content.trim_ascii_end();
    if !end.ends_with(b"%%EOF") {
        return Err("is not a whole PDF document, or has data after its end");
    }
    if find(content, b"/JavaScript").is_some() || find(content, b"/Launch").is_some() {
        return Err("is a PDF with scripts or actions; print it to a plain PDF first");
    }
    let mut inflated = 0u64;
    let mut rest = content;
    while let Some(at) = find(rest, b"stream") {
        let dict_start = at.saturating_sub(512);
        let flate = find(&rest[dict_start..at], b"/FlateDecode").is_some();
        let mut body = &rest[at + b"stream".len()..];
        body = body.strip_prefix(b"\r").unwrap_or(body);
        body = body.strip_prefix(b"\n").unwrap_or(body);
        let len = find(body, b"endstream").unwrap_or(body.len());
        if flate {
            let budget = MAX_PDF_INFLATED - inflated;
            let mut decoder = flate2::read::ZlibDecoder::new(&body[..len]).take(budget + 1);
            // A stream that does not inflate cleanly is counted as far as it went.
            let n = std::io::copy(&mut decoder, &mut std::io::sink()).unwrap_or(0);
            inflated += n;
            if inflated > MAX_PDF_INFLATED {
                return Err("is a PDF that expands to more than 64 MB when opened");
            }
        }
        rest = &body[len..];
        rest = rest.get(b"endstream".len()..).unwrap_or(&[]);
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
#[path = "attachment_tests.rs"]
pub(crate) mod tests;
