//! Local wall-clock times to instants. Twice a year the wall clock is not a function of the
//! instant: in spring an hour does not exist, in autumn an hour happens twice.

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound, Utc,
};
use chrono_tz::Tz;

/// The service's time zone (domain §5).
pub const HELSINKI: Tz = chrono_tz::Europe::Helsinki;

/// Which end of a period a time is; decides an ambiguous autumn time (domain §5): a start
/// takes the earlier instant, an end the later, so the period never shrinks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    Start,
    End,
}

/// The instant of `time` on `date` in `tz`. A time in the spring-forward gap does not exist
/// and is an error saying so; an ambiguous one resolves by `edge`.
pub fn at_local(
    tz: Tz,
    date: NaiveDate,
    time: NaiveTime,
    edge: Edge,
) -> Result<DateTime<Utc>, String> {
    let local = date.and_time(time);
    resolve(tz, local, edge)
}

fn resolve(tz: Tz, local: NaiveDateTime, edge: Edge) -> Result<DateTime<Utc>, String> {
    match local.and_local_timezone(tz) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => {
            let (early, late) = if a < b { (a, b) } else { (b, a) };
            Ok(match edge {
                Edge::Start => early,
                Edge::End => late,
            }
            .with_timezone(&Utc))
        }
        LocalResult::None => Err(format!(
            "{} does not exist in {tz}: the clocks skip that hour for daylight saving time; \
             give a time outside it or with an explicit offset",
            local.format("%Y-%m-%d %H:%M")
        )),
    }
}

/// Parses a time given by a person or a client: RFC 3339 with an offset
/// (`2026-11-22T10:05:00Z`, `…+02:00`), or a local time without one
/// (`2026-11-22T12:05`, `2026-11-22 12:05:00`) read in `tz` and resolved by `edge`.
/// Truncated to microseconds, the databases' precision.
pub fn parse_time(text: &str, tz: Tz, edge: Edge) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        written_in_service_years(t.year())?;
        return in_service_years(t.with_timezone(&Utc).trunc_subsecs(6));
    }
    const LOCAL_FORMATS: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ];
    let local = LOCAL_FORMATS
        .iter()
        .filter(|_| local_shape(text))
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .ok_or_else(|| {
            format!(
                "must be a time like 2026-11-22T10:05:00Z, or a {tz} local time like 2026-11-22T12:05"
            )
        })?;
    written_in_service_years(local.year())?;
    resolve(tz, local, edge).and_then(|t| in_service_years(t.trunc_subsecs(6)))
}

/// Parses an RFC 3339 time with its offset (no local times): in the service years, no
/// leap second, truncated to microseconds.
pub fn parse_rfc3339(text: &str) -> Result<DateTime<Utc>, String> {
    let t = DateTime::parse_from_rfc3339(text.trim())
        .map_err(|_| "must be an RFC 3339 time like 2027-01-31T00:00:00Z".to_owned())?;
    written_in_service_years(t.year())?;
    in_service_years(t.with_timezone(&Utc).trunc_subsecs(6))
}

/// The year as written must be a service year too (so that the API's document can say it).
fn written_in_service_years(year: i32) -> Result<(), String> {
    if SERVICE_YEARS.contains(&year) {
        Ok(())
    } else {
        Err(years_error())
    }
}

fn years_error() -> String {
    format!(
        "must fall in the years {}–{}",
        SERVICE_YEARS.start(),
        SERVICE_YEARS.end()
    )
}

/// The years a notice, a window or a token's expiry can fall in. Outside them a time is a
/// typing mistake, and one before year 0 or after 9999 could not even be written back as
/// RFC 3339.
pub const SERVICE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2999;

/// `t` (UTC) when it falls within a day of `SERVICE_YEARS` and is no leap second, else
/// an error saying so.
pub fn in_service_years(t: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    use chrono::Timelike;
    // A time written in a service year may fall a few hours outside it in UTC.
    let utc_years = SERVICE_YEARS.start() - 1..=SERVICE_YEARS.end() + 1;
    if !utc_years.contains(&t.year()) {
        return Err(years_error());
    }
    if t.nanosecond() >= 1_000_000_000 {
        // chrono keeps a leap second (:60) as :59 and a second more; no output could say it.
        return Err("must not be a leap second (:60)".into());
    }
    Ok(t)
}

/// Exactly `YYYY-MM-DD`, `T` or a space, `HH:MM`, then optionally `:SS` and a fraction.
/// chrono's own parser would also take a signed year or single digits, which the API's
/// document does not promise (and nobody means).
fn local_shape(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    let head = b.len() >= 16
        && digits(&b[0..4])
        && b[4] == b'-'
        && digits(&b[5..7])
        && b[7] == b'-'
        && digits(&b[8..10])
        && matches!(b[10], b'T' | b' ')
        && digits(&b[11..13])
        && b[13] == b':'
        && digits(&b[14..16]);
    head && match &b[16..] {
        [] => true,
        [b':', s1, s2, rest @ ..] if digits(&[*s1, *s2]) => match rest {
            [] => true,
            [b'.', fraction @ ..] => digits(fraction),
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_local_time_must_be_written_out_in_full() {
        for text in [
            "+2026-01-01T10:00",
            "-0001-01-01T10:00",
            "2026-1-01T10:00",
            "2026-01-01T1:00",
            "2026-01-01T10:00:5",
            "2026-01-01T10:00:05.",
        ] {
            assert!(parse_time(text, HELSINKI, Edge::Start).is_err(), "{text}");
        }
        for text in [
            "2026-01-01T10:00",
            "2026-01-01 10:00:05",
            "2026-01-01T10:00:05.250",
        ] {
            assert!(parse_time(text, HELSINKI, Edge::Start).is_ok(), "{text}");
        }
        for text in ["2026-12-31T23:59:60Z", "2026-12-31T23:59:60.5"] {
            assert!(parse_time(text, HELSINKI, Edge::Start).is_err(), "{text}");
        }
        for text in [
            "0000-01-01T00:20",
            "1999-12-31T23:00:00Z",
            "3000-01-01T00:00",
        ] {
            let e = parse_time(text, HELSINKI, Edge::Start).unwrap_err();
            assert!(e.contains("2000–2999"), "{text}: {e}");
        }
    }

    #[test]
    fn a_time_with_an_offset_is_taken_as_given() {
        let t = parse_time("2027-03-28T03:30:00+02:00", HELSINKI, Edge::Start).unwrap();
        assert_eq!(t, utc("2027-03-28T01:30:00Z"));
    }

    #[test]
    fn a_local_time_in_winter_and_in_summer_gets_the_right_offset() {
        let winter = parse_time("2026-12-01T09:00", HELSINKI, Edge::Start).unwrap();
        assert_eq!(winter, utc("2026-12-01T07:00:00Z"));
        let summer = parse_time("2027-07-01 09:00", HELSINKI, Edge::Start).unwrap();
        assert_eq!(summer, utc("2027-07-01T06:00:00Z"));
    }

    #[test]
    fn a_local_time_in_the_spring_forward_gap_is_rejected() {
        // Last Sunday of March 2027: 03:00 EET becomes 04:00 EEST.
        for text in [
            "2027-03-28T03:00",
            "2027-03-28T03:30",
            "2027-03-28T03:59:59",
        ] {
            let err = parse_time(text, HELSINKI, Edge::Start).unwrap_err();
            assert!(err.contains("does not exist in Europe/Helsinki"), "{err}");
        }
        assert_eq!(
            parse_time("2027-03-28T04:00", HELSINKI, Edge::Start).unwrap(),
            utc("2027-03-28T01:00:00Z")
        );
        assert_eq!(
            parse_time("2027-03-28T02:59", HELSINKI, Edge::Start).unwrap(),
            utc("2027-03-28T00:59:00Z")
        );
    }

    #[test]
    fn an_ambiguous_autumn_time_starts_early_and_ends_late() {
        // Last Sunday of October 2026: 04:00 EEST becomes 03:00 EET; 03:30 happens twice.
        let start = parse_time("2026-10-25T03:30", HELSINKI, Edge::Start).unwrap();
        let end = parse_time("2026-10-25T03:30", HELSINKI, Edge::End).unwrap();
        assert_eq!(start, utc("2026-10-25T00:30:00Z"));
        assert_eq!(end, utc("2026-10-25T01:30:00Z"));
    }

    #[test]
    fn nine_o_clock_is_nine_o_clock_on_both_sides_of_a_change() {
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        let before = NaiveDate::from_ymd_opt(2027, 3, 27).unwrap();
        let after = NaiveDate::from_ymd_opt(2027, 3, 28).unwrap();
        assert_eq!(
            at_local(HELSINKI, before, nine, Edge::Start).unwrap(),
            utc("2027-03-27T07:00:00Z")
        );
        assert_eq!(
            at_local(HELSINKI, after, nine, Edge::Start).unwrap(),
            utc("2027-03-28T06:00:00Z")
        );
    }

    #[test]
    fn garbage_is_refused_with_the_expected_shape() {
        let err = parse_time("next tuesday", HELSINKI, Edge::Start).unwrap_err();
        assert!(err.contains("2026-11-22T10:05:00Z"), "{err}");
    }
}
