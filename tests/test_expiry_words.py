"""Token expiry said in the units a person would use."""

from datetime import datetime, timedelta, timezone

from ar_wizard.expiry import until


def test_twelve_hours_ahead_reads_as_hours_and_tomorrows_clock_time():
    now = datetime(2026, 12, 1, 20, 45).astimezone(timezone.utc)
    expires = now + timedelta(minutes=719)
    assert until(expires, approximate=True, now=now) == f"in about 12 h (tomorrow {expires.astimezone():%H:%M})"


def test_less_than_an_hour_and_a_half_reads_as_minutes_today():
    now = datetime(2026, 12, 1, 9, 0).astimezone(timezone.utc)
    expires = now + timedelta(minutes=59, seconds=30)
    assert until(expires, now=now) == f"in 59 min ({expires.astimezone():%H:%M})"
