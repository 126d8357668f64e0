# One date format for English, the same order as Bahasa Indonesia's: day, month, year, never
# month before day ("5 Dec 2026", "5 Dec 2026 13:40"). Input formats stay Django's own.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
