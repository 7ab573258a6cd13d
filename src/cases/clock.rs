//! The workspace's clock: every time it writes is milliseconds since the Unix epoch, UTC.

pub(super) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
