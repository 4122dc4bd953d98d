//! Autosave's browser side (wasm only): the localStorage and sessionStorage calls, every write
//! checked. The rules (keys, the recent list, eviction, wording) are plain Rust in `autosave`.

use wasm_bindgen::JsValue;

use crate::sim::Scenario;

use super::app_state::Answer;
use super::autosave::{self, Summary};
use super::progress::{self, Progress};
use crate::sim::lessons::path::PATH;

fn storage() -> Option<web_sys::Storage> {
    // Sandboxed frames without same-origin access throw here; they simply do not save.
    web_sys::window()?.local_storage().ok().flatten()
}

/// The browser's name for a failed storage call ("QuotaExceededError", "SecurityError"...).
fn error_name(error: &JsValue) -> String {
    js_sys::Reflect::get(error, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_else(|| "Error".into())
}

const TAB_ID_KEY: &str = "concurrency-kitchen:tab-id";

/// This tab's id: kept in sessionStorage, which is per tab and survives reloads; made up on the
/// first save. Without sessionStorage every page load is a tab of its own.
fn tab_id() -> String {
    thread_local! {
        static FALLBACK: String = new_tab_id();
    }
    let session = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
    let Some(session) = session else {
        return FALLBACK.with(Clone::clone);
    };
    if let Ok(Some(id)) = session.get_item(TAB_ID_KEY) {
        if !id.is_empty() && !id.contains(':') {
            return id;
        }
    }
    let id = FALLBACK.with(Clone::clone);
    let _ = session.set_item(TAB_ID_KEY, &id);
    id
}

/// The channel on which open tabs of the app tell each other their ids.
const TABS_CHANNEL: &str = "concurrency-kitchen:tabs";

/// Makes sure no other open tab saves under this tab's id. A duplicated tab (and a page opened
/// with `window.open`) gets a copy of sessionStorage, id included, and the two would overwrite
/// each other's work. At start this tab announces its id; a tab that already uses it answers,
/// and this one then takes a fresh id and carries its save over. Call once.
pub fn claim_tab() {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Ok(channel) = web_sys::BroadcastChannel::new(TABS_CHANNEL) else {
        return;
    };
    let started = js_sys::Date::now();
    let reply = channel.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(text) = e.data().as_string() else {
                return;
            };
            let mine = tab_id();
            if text.strip_prefix("claim:") == Some(mine.as_str()) {
                let _ = reply.post_message(&JsValue::from_str(&format!("taken:{mine}")));
            } else if text.strip_prefix("taken:") == Some(mine.as_str())
                && js_sys::Date::now() - started < 10_000.0
            {
                retake(&mine);
            }
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = channel.post_message(&JsValue::from_str(&format!("claim:{}", tab_id())));
    // The channel stays open for the page's life: its handler answers later tabs.
    std::mem::forget(channel);
}

/// Moves this tab to a fresh id, copying what it had saved under `old`.
fn retake(old: &str) {
    let Some(session) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) else {
        return;
    };
    let new = new_tab_id();
    if session.set_item(TAB_ID_KEY, &new).is_err() {
        return;
    }
    let Some(storage) = storage() else {
        return;
    };
    if let Ok(Some(json)) = storage.get_item(&autosave::scenario_key(old)) {
        let _ = storage.set_item(&autosave::scenario_key(&new), &json);
    }
    if let Ok(Some(meta)) = storage.get_item(&autosave::meta_key(old)) {
        if let Some(mut summary) = Summary::from_json(&meta) {
            summary.tab = new.clone();
            let _ = storage.set_item(&autosave::meta_key(&new), &summary.to_json());
        }
    }
}

fn new_tab_id() -> String {
    let random = (js_sys::Math::random() * 1e12) as u64;
    format!("{:x}-{random:x}", js_sys::Date::now() as u64)
}

/// Every summary stored by any tab, plus the scenario saved before saves were per tab.
fn summaries(storage: &web_sys::Storage) -> Vec<Summary> {
    let n = storage.length().unwrap_or(0);
    let mut out: Vec<Summary> = (0..n)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| autosave::tab_of_meta_key(key).is_some())
        .filter_map(|key| Summary::from_json(&storage.get_item(&key).ok()??))
        .collect();
    if let Some(legacy) = storage
        .get_item(autosave::LEGACY_KEY)
        .ok()
        .flatten()
        .and_then(|json| Scenario::from_json(&json).ok())
    {
        out.push(Summary::new(LEGACY_TAB, 0.0, &legacy));
    }
    out
}

/// The pseudo-tab of the scenario saved before saves were per tab.
const LEGACY_TAB: &str = "earlier";

/// Saves this tab's scenario, checking every write. Saves of other tabs are removed first only
/// when old or many (`autosave::evictions`); the error, if any, is a sentence for the learner.
pub fn save_scenario(scenario: &Scenario) -> Result<(), String> {
    let storage = storage().ok_or_else(|| autosave::failure(""))?;
    let tab = tab_id();
    for old in autosave::evictions(summaries(&storage), &tab, js_sys::Date::now()) {
        if old == LEGACY_TAB {
            let _ = storage.remove_item(autosave::LEGACY_KEY);
        } else {
            let _ = storage.remove_item(&autosave::scenario_key(&old));
            let _ = storage.remove_item(&autosave::meta_key(&old));
        }
    }
    let summary = Summary::new(&tab, js_sys::Date::now(), scenario);
    storage
        .set_item(&autosave::scenario_key(&tab), &scenario.to_json())
        .and_then(|()| storage.set_item(&autosave::meta_key(&tab), &summary.to_json()))
        .map_err(|e| autosave::failure(&error_name(&e)))
}

/// This tab's own saved scenario (what `?lesson=custom` reopens), if it is there and valid.
pub fn tab_scenario() -> Option<Scenario> {
    saved_scenario(&tab_id())
}

/// The scenario a tab saved, by the tab id of its summary.
pub fn saved_scenario(tab: &str) -> Option<Scenario> {
    let key = if tab == LEGACY_TAB {
        autosave::LEGACY_KEY.to_string()
    } else {
        autosave::scenario_key(tab)
    };
    Scenario::from_json(&storage()?.get_item(&key).ok()??).ok()
}

/// Saved scenarios, newest first.
pub fn recent_scenarios() -> Vec<Summary> {
    storage()
        .map(|s| autosave::recent(summaries(&s)))
        .unwrap_or_default()
}

/// True for a summary saved by this tab.
pub fn is_this_tab(summary: &Summary) -> bool {
    summary.tab == tab_id()
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The progress kept in this browser (none when storage is missing or unreadable).
pub fn load_progress() -> Progress {
    storage()
        .and_then(|s| s.get_item(progress::KEY).ok().flatten())
        .map_or_else(Progress::default, |text| Progress::parse(&text))
}

/// Keeps `progress` in this browser, merged with what another tab stored meanwhile: `Err`
/// says why it could not (storage full or refused), so the page can say so once.
pub fn save_progress(progress: &Progress) -> Result<(), String> {
    let Some(storage) = storage() else {
        return Err("this browser keeps no storage for this page".into());
    };
    let mut merged = load_progress();
    for id in PATH {
        if progress.is_done(id) {
            merged.mark(id);
        }
    }
    storage
        .set_item(progress::KEY, &merged.to_text())
        .map_err(|e| error_name(&e))
}

/// This tab's prediction for `lesson`, kept in sessionStorage (per tab, across reloads).
fn answer_key(lesson: &str) -> String {
    format!("concurrency-kitchen:answer:{lesson}")
}

/// Keeps this tab's prediction for `lesson` across a reload (`Open` forgets it). A tab
/// without sessionStorage simply forgets on reload.
pub fn save_answer(lesson: &str, answer: Answer) {
    let Some(session) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) else {
        return;
    };
    let _ = match answer {
        Answer::Open => session.remove_item(&answer_key(lesson)),
        Answer::Skipped => session.set_item(&answer_key(lesson), "skipped"),
        Answer::Chose(i) => session.set_item(&answer_key(lesson), &i.to_string()),
    };
}

/// The prediction this tab kept for `lesson`, if any (anything unreadable counts as none).
pub fn saved_answer(lesson: &str) -> Option<Answer> {
    let session = web_sys::window().and_then(|w| w.session_storage().ok().flatten())?;
    let text = session.get_item(&answer_key(lesson)).ok().flatten()?;
    match text.as_str() {
        "skipped" => Some(Answer::Skipped),
        n => n.parse().ok().filter(|&i| i < 26).map(Answer::Chose),
    }
}
