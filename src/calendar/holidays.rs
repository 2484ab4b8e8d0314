//! Finnish public holidays, for display and suggestions; they never block a send
//! (pharmacies and hospitals work every day).

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// A holiday with its names in Finnish, Swedish and English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    pub names: [&'static str; 3],
}

/// Easter Sunday of `year` by the Gregorian computus (the anonymous algorithm of 1876);
/// none for years before the Gregorian calendar or past chrono's range.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    if year < 1583 {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// The first `weekday` on or after `from`.
fn weekday_from(from: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    let ahead = (7 + weekday.num_days_from_monday() - from.weekday().num_days_from_monday()) % 7;
    from.checked_add_days(Days::new(u64::from(ahead)))
}

/// The public holidays of `year` in date order, with Midsummer Eve and Christmas Eve, which
/// are not official holidays but on which offices are closed (none outside the Gregorian
/// years chrono can hold).
pub fn finnish_holidays(year: i32) -> Vec<Holiday> {
    holidays_of(year).unwrap_or_default()
}

fn holidays_of(year: i32) -> Option<Vec<Holiday>> {
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let easter = easter_sunday(year)?;
    let shift = |days: i64| easter.checked_add_signed(chrono::Duration::days(days));
    let midsummer_day = weekday_from(ymd(6, 20)?, Weekday::Sat)?;
    let mut list = vec![
        Holiday {
            date: ymd(1, 1)?,
            names: ["Uudenvuodenpäivä", "Nyårsdagen", "New Year's Day"],
        },
        Holiday {
            date: ymd(1, 6)?,
            names: ["Loppiainen", "Trettondedag jul", "Epiphany"],
        },
        Holiday {
            date: shift(-2)?,
            names: ["Pitkäperjantai", "Långfredagen", "Good Friday"],
        },
        Holiday {
            date: easter,
            names: ["Pääsiäispäivä", "Påskdagen", "Easter Sunday"],
        },
        Holiday {
            date: shift(1)?,
            names: ["2. pääsiäispäivä", "Annandag påsk", "Easter Monday"],
        },
        Holiday {
            date: ymd(5, 1)?,
            names: ["Vappu", "Första maj", "May Day"],
        },
        Holiday {
            date: shift(39)?,
            names: ["Helatorstai", "Kristi himmelsfärdsdag", "Ascension Day"],
        },
        Holiday {
            date: shift(49)?,
            names: ["Helluntaipäivä", "Pingstdagen", "Whit Sunday"],
        },
        Holiday {
            date: midsummer_day.pred_opt()?,
            names: ["Juhannusaatto", "Midsommarafton", "Midsummer Eve"],
        },
        Holiday {
            date: midsummer_day,
            names: ["Juhannuspäivä", "Midsommardagen", "Midsummer Day"],
        },
        Holiday {
            date: weekday_from(ymd(10, 31)?, Weekday::Sat)?,
            names: ["Pyhäinpäivä", "Alla helgons dag", "All Saints' Day"],
        },
        Holiday {
            date: ymd(12, 6)?,
            names: [
                "Itsenäisyyspäivä",
                "Självständighetsdagen",
                "Independence Day",
            ],
        },
        Holiday {
            date: ymd(12, 24)?,
            names: ["Jouluaatto", "Julafton", "Christmas Eve"],
        },
        Holiday {
            date: ymd(12, 25)?,
            names: ["Joulupäivä", "Juldagen", "Christmas Day"],
        },
        Holiday {
            date: ymd(12, 26)?,
            names: ["Tapaninpäivä", "Annandag jul", "Boxing Day"],
        },
    ];
    list.sort_by_key(|h| h.date);
    Some(list)
}

/// The holiday on `date`, if any.
pub fn holiday_on(date: NaiveDate) -> Option<Holiday> {
    finnish_holidays(date.year())
        .into_iter()
        .find(|h| h.date == date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_falls_on_the_published_dates() {
        // Dates from the Finnish almanac / any Easter table.
        let known = [
            (1961, d(1961, 4, 2)),
            (2000, d(2000, 4, 23)),
            (2008, d(2008, 3, 23)),
            (2011, d(2011, 4, 24)),
            (2019, d(2019, 4, 21)),
            (2024, d(2024, 3, 31)),
            (2025, d(2025, 4, 20)),
            (2026, d(2026, 4, 5)),
            (2027, d(2027, 3, 28)),
            (2038, d(2038, 4, 25)),
            (2285, d(2285, 3, 22)),
        ];
        for (year, date) in known {
            assert_eq!(easter_sunday(year), Some(date), "{year}");
        }
    }

    #[test]
    fn easter_is_always_a_sunday_between_march_22_and_april_25() {
        for year in 1583..=4099 {
            let e = easter_sunday(year).unwrap();
            assert_eq!(e.weekday(), Weekday::Sun, "{year}");
            assert!(e >= d(year, 3, 22) && e <= d(year, 4, 25), "{year}: {e}");
        }
    }

    #[test]
    fn any_date_chrono_can_hold_is_answered_without_a_panic() {
        for year in [i32::MIN, -262_143, -1, 0, 1582, 262_142, i32::MAX] {
            let _ = finnish_holidays(year);
        }
        assert!(
            finnish_holidays(1582).is_empty(),
            "before the Gregorian calendar"
        );
        assert_eq!(holiday_on(NaiveDate::MAX), None);
        assert_eq!(holiday_on(NaiveDate::MIN), None);
        assert_eq!(finnish_holidays(262_142).len(), 15);
    }

    #[test]
    fn the_2027_holidays_are_the_ones_in_the_calendar() {
        let names: Vec<(NaiveDate, &str)> = finnish_holidays(2027)
            .iter()
            .map(|h| (h.date, h.names[2]))
            .collect();
        assert!(names.contains(&(d(2027, 3, 26), "Good Friday")));
        assert!(names.contains(&(d(2027, 3, 29), "Easter Monday")));
        assert!(names.contains(&(d(2027, 5, 6), "Ascension Day")));
        assert!(names.contains(&(d(2027, 5, 16), "Whit Sunday")));
        assert!(names.contains(&(d(2027, 6, 25), "Midsummer Eve")));
        assert!(names.contains(&(d(2027, 6, 26), "Midsummer Day")));
        assert!(names.contains(&(d(2027, 11, 6), "All Saints' Day")));
        assert_eq!(names.len(), 15);
        assert!(names.windows(2).all(|w| w[0].0 < w[1].0), "in date order");
    }

    #[test]
    fn midsummer_and_all_saints_move_to_their_saturdays() {
        for year in 2020..2040 {
            let list = finnish_holidays(year);
            let day = |en: &str| list.iter().find(|h| h.names[2] == en).unwrap().date;
            let mid = day("Midsummer Day");
            assert_eq!(mid.weekday(), Weekday::Sat);
            assert!(mid >= d(year, 6, 20) && mid <= d(year, 6, 26));
            let saints = day("All Saints' Day");
            assert_eq!(saints.weekday(), Weekday::Sat);
            assert!(saints >= d(year, 10, 31) && saints <= d(year, 11, 6));
        }
    }

    #[test]
    fn an_ordinary_day_is_no_holiday() {
        assert_eq!(holiday_on(d(2026, 11, 24)), None);
        assert_eq!(
            holiday_on(d(2026, 12, 6)).unwrap().names[0],
            "Itsenäisyyspäivä"
        );
    }
}
