//! Local wall-clock times to instants. Twice a year the wall clock is not a function of the
//! instant: in spring an hour does not exist, in autumn an hour happens twice.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound, Utc};
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
        return Ok(t.with_timezone(&Utc).trunc_subsecs(6));
    }
    const LOCAL_FORMATS: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ];
    let local = LOCAL_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .ok_or_else(|| {
            format!(
                "must be a time like 2026-11-22T10:05:00Z, or a {tz} local time like 2026-11-22T12:05"
            )
        })?;
    resolve(tz, local, edge).map(|t| t.trunc_subsecs(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
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
