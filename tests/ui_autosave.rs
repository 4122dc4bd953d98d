//! Autosave's rules: per-tab keys, the recent list, eviction, and the learner's words for a
//! failed save.

use concurrency_kitchen::sim::lessons;
use concurrency_kitchen::ui::autosave::{
    self, ago, evictions, failure, label, meta_key, recent, scenario_key, tab_of_meta_key, Summary,
    KEEP, KEEP_AT_MOST,
};

fn summary(tab: &str, saved_ms: f64) -> Summary {
    Summary {
        tab: tab.into(),
        saved_ms,
        label: tab.into(),
    }
}

#[test]
fn each_tab_has_its_own_keys() {
    assert_ne!(scenario_key("a"), scenario_key("b"));
    assert_ne!(scenario_key("a"), autosave::LEGACY_KEY);
    assert_eq!(tab_of_meta_key(&meta_key("a1")), Some("a1"));
    assert_eq!(tab_of_meta_key(&scenario_key("a1")), None);
    assert_eq!(tab_of_meta_key("concurrency-kitchen:tab::meta"), None);
    assert_eq!(tab_of_meta_key("other:tab:a:meta"), None);
}

#[test]
fn the_recent_list_is_newest_first_and_short() {
    let all: Vec<Summary> = (0..10)
        .map(|i| summary(&format!("t{i}"), i as f64))
        .collect();
    let list = recent(all);
    assert_eq!(list.len(), KEEP);
    assert_eq!(list[0].tab, "t9");
    assert!(list.windows(2).all(|w| w[0].saved_ms >= w[1].saved_ms));
}

#[test]
fn a_save_evicts_only_old_saves_beyond_the_recent_ones() {
    const DAY: f64 = 24.0 * 3600.0 * 1000.0;
    let now = 100.0 * DAY;
    // Eight saves, one a day: the newest six are kept, and of the two beyond them only the
    // one older than a week goes.
    let all: Vec<Summary> = (0..KEEP + 2)
        .map(|i| summary(&format!("t{i}"), now - (KEEP + 2 - i) as f64 * 0.9 * DAY))
        .collect();
    let gone = evictions(all.clone(), "t7", now);
    assert_eq!(gone, vec!["t0".to_string()]);
    assert!(evictions(all[..3].to_vec(), "t0", now).is_empty());
}

#[test]
fn seven_tabs_open_today_lose_nothing_but_storage_stays_bounded() {
    let now = 1.7e12;
    let fresh: Vec<Summary> = (0..7)
        .map(|i| summary(&format!("t{i}"), now - i as f64))
        .collect();
    assert!(
        evictions(fresh, "t9", now).is_empty(),
        "a tab may still be open on any of them"
    );
    let many: Vec<Summary> = (0..KEEP_AT_MOST + 3)
        .map(|i| summary(&format!("t{i}"), now - i as f64))
        .collect();
    assert_eq!(evictions(many, "new", now).len(), 4);
}

#[test]
fn summaries_round_trip_and_damaged_ones_are_skipped() {
    let s = lessons::by_id("three-waits").unwrap().scenario;
    let sum = Summary::new("tab1", 1.7e12, &s);
    assert_eq!(Summary::from_json(&sum.to_json()), Some(sum.clone()));
    assert_eq!(Summary::from_json("{"), None);
    assert_eq!(label(&s), "3 tasks (A, B, C) · sync, threads, asyncio");
}

#[test]
fn failures_and_ages_read_well() {
    assert!(failure("QuotaExceededError").contains("storage is full"));
    assert!(failure("SecurityError").contains("does not allow"));
    assert!(failure("").contains("not available"));
    assert_eq!(ago(1_000_000.0, 990_000.0), "just now");
    assert_eq!(ago(10.0 * 60_000.0, 0.0), "10 min ago");
    assert_eq!(ago(3.0 * 3_600_000.0, 0.0), "3 h ago");
    assert_eq!(ago(3.0 * 86_400_000.0, 0.0), "3 days ago");
}
