//! Public outputs rendered once per change and kept in memory with a gzip copy, served
//! with a strong ETag (a 304 on a match). The cache counts changes to the data the outputs
//! show; entries are tagged with the count they were rendered at, so a change (`changed`)
//! makes the next request render afresh.

use axum::http::HeaderValue;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// One rendered output, with the header values of its answers made once.
#[derive(Debug)]
pub struct Rendered {
    /// Shared, not copied, by every answer.
    pub body: Bytes,
    pub gzip: Bytes,
    /// Strong ETag of the identity body, e.g. `"3f…"`.
    pub etag: HeaderValue,
    /// The gzip copy's: the same with `-gz`.
    pub gzip_etag: HeaderValue,
    pub last_modified: Option<DateTime<Utc>>,
    /// `last_modified` as an HTTP date.
    pub last_modified_http: Option<HeaderValue>,
    pub content_type: HeaderValue,
}

impl Rendered {
    /// Hashes and compresses `body` once.
    pub fn new(
        body: String,
        content_type: &'static str,
        last_modified: Option<DateTime<Utc>>,
    ) -> Self {
        let digest = Sha256::digest(body.as_bytes());
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        // Writing to a Vec cannot fail.
        let _ = gz.write_all(body.as_bytes());
        // Hex digits, quotes and an HTTP date are always valid header values.
        let value = |s: String| HeaderValue::from_str(&s).expect("visible ASCII");
        Self {
            gzip: Bytes::from(gz.finish().unwrap_or_default()),
            body: Bytes::from(body.into_bytes()),
            etag: value(format!("\"{hex}\"")),
            gzip_etag: value(format!("\"{hex}-gz\"")),
            last_modified,
            last_modified_http: last_modified
                .map(|t| value(t.format("%a, %d %b %Y %H:%M:%S GMT").to_string())),
            content_type: HeaderValue::from_static(content_type),
        }
    }
}

/// What an output was rendered from: the data version, and a time bucket for outputs
/// whose horizon moves with the clock (the calendar's 90 days, CAP's 24 hours); 0 for
/// the others.
type Stamp = (u64, i64);

/// Rendered outputs by key (format, language, filters), each with its stamp. One entry
/// per key: a newer rendering replaces the older, so memory stays bounded by the keys.
pub struct OutputCache {
    entries: RwLock<HashMap<String, (Stamp, Arc<Rendered>)>>,
    /// Counts changes to what the outputs show.
    version: AtomicU64,
}

impl Default for OutputCache {
    fn default() -> Self {
        Self {
            entries: RwLock::default(),
            version: AtomicU64::new(1),
        }
    }
}

impl OutputCache {
    /// Marks every output stale: what they show changed (here, or on another daemon).
    pub fn changed(&self) {
        self.version.fetch_add(1, Ordering::AcqRel);
    }

    fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// The output for `key` if it was rendered with `stamp`.
    fn get(&self, key: &str, stamp: Stamp) -> Option<Arc<Rendered>> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(s, _)| *s == stamp)
            .map(|(_, r)| r.clone())
    }

    /// Keeps `rendered` for `key`, rendered with `stamp`.
    fn put(&self, key: String, stamp: Stamp, rendered: Arc<Rendered>) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        entries.insert(key, (stamp, rendered));
    }

    /// The last rendering of `key`, however old.
    fn latest(&self, key: &str) -> Option<Arc<Rendered>> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries.get(key).map(|(_, r)| r.clone())
    }

    /// The output for `key` rendered since the last change and in time bucket `horizon`
    /// (0 for outputs whose content does not move with the clock), rendering it with
    /// `render` (awaited only when needed) and keeping it. When rendering fails — the
    /// database cannot be reached — the last rendering of `key` is answered instead,
    /// however old: the page and feeds stay up through a database outage, showing what
    /// was last known.
    pub async fn render_once<E>(
        &self,
        key: String,
        horizon: i64,
        render: impl Future<Output = Result<Rendered, E>>,
    ) -> Result<Arc<Rendered>, E> {
        let stamp = (self.version(), horizon);
        if let Some(r) = self.get(&key, stamp) {
            return Ok(r);
        }
        match render.await {
            Ok(r) => {
                let r = Arc::new(r);
                self.put(key, stamp, r.clone());
                Ok(r)
            }
            Err(e) => self.latest(&key).ok_or(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Rendered {
        Rendered::new(text.to_owned(), "text/html; charset=utf-8", None)
    }

    #[tokio::test]
    async fn an_output_is_rendered_once_per_change_and_horizon() {
        let cache = OutputCache::default();
        let first = cache
            .render_once("/".into(), 0, async { Ok::<_, ()>(page("a")) })
            .await
            .unwrap();
        let again = cache
            .render_once("/".into(), 0, async { Ok::<_, ()>(page("b")) })
            .await
            .unwrap();
        assert_eq!(
            again.body, first.body,
            "not rendered again while nothing changed"
        );
        cache.changed();
        let newer = cache
            .render_once("/".into(), 0, async { Ok::<_, ()>(page("c")) })
            .await
            .unwrap();
        assert_eq!(&newer.body[..], b"c");
        let later = cache
            .render_once("/".into(), 1, async { Ok::<_, ()>(page("d")) })
            .await
            .unwrap();
        assert_eq!(&later.body[..], b"d", "a new time bucket renders afresh");
    }

    #[tokio::test]
    async fn the_last_rendering_is_answered_when_rendering_fails() {
        let cache = OutputCache::default();
        let failing = async { Err::<Rendered, _>("database unavailable") };
        assert_eq!(
            cache.render_once("/".into(), 0, failing).await.err(),
            Some("database unavailable"),
            "nothing to fall back on"
        );
        cache
            .render_once("/".into(), 0, async { Ok::<_, &str>(page("known")) })
            .await
            .unwrap();
        let failing = async { Err::<Rendered, _>("database unavailable") };
        cache.changed();
        let stale = cache.render_once("/".into(), 7, failing).await.unwrap();
        assert_eq!(&stale.body[..], b"known");
    }
}
