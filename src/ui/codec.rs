//! The compact form of a custom scenario in a link.
//!
//! Current links carry `z1.` followed by the scenario's compact JSON (the documented format),
//! deflated (`miniz_oxide`) and then encoded as unpadded base64url (the `base64` crate), so they
//! survive any URL unescaped. Links made before compression carry the JSON in base64url with no
//! prefix; they still decode. The prefix cannot start an old link: base64url has no `.`.
//!
//! One rule keeps links honest: `encode` refuses any scenario whose link `decode` would refuse
//! (it decodes its own output before handing it out), so the app never shows or copies a link it
//! cannot open. Such scenarios are shared as a file (Export JSON).

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

use crate::sim::Scenario;

/// Links longer than this are refused before decoding: browsers, chat apps and static servers
/// truncate or refuse longer addresses (HTTP 414). The encoder refuses them too.
pub const MAX_ENCODED: usize = 32 * 1024;

/// The most JSON a link may inflate to: a bound on what a small link can make the page hold.
pub const MAX_LINK_JSON: usize = 1024 * 1024;

/// Marks the compressed form, version 1.
pub const PREFIX: &str = "z1.";

/// Unpadded base64url out; padded or unpadded in (old links were hand-encoded without padding).
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Deflate level: 9 makes links a few percent shorter than 6 for many times the work.
const LEVEL: u8 = 6;

/// Encodes bytes as unpadded base64url.
pub fn base64url(bytes: &[u8]) -> String {
    BASE64URL.encode(bytes)
}

/// Decodes unpadded (or padded) base64url; `None` for anything else.
pub fn from_base64url(text: &str) -> Option<Vec<u8>> {
    BASE64URL.decode(text).ok()
}

/// The link form of a scenario, or, when a link could not carry it, why (in the learner's words).
pub fn encode(scenario: &Scenario) -> Result<String, String> {
    // Compact JSON: the link form has no reader to format for.
    let json = serde_json::to_string(scenario).expect("a scenario always serialises");
    if json.len() > MAX_LINK_JSON {
        return Err(too_large(format!(
            "{} KB of JSON; a link holds at most {} KB",
            json.len().div_ceil(1024),
            MAX_LINK_JSON / 1024
        )));
    }
    let text = format!(
        "{PREFIX}{}",
        base64url(&miniz_oxide::deflate::compress_to_vec(
            json.as_bytes(),
            LEVEL
        ))
    );
    if text.len() > MAX_ENCODED {
        return Err(too_large(format!(
            "its link would be {} characters; the limit is {}",
            text.len(),
            MAX_ENCODED
        )));
    }
    // The decoder has the last word: a link is handed out only if it opens what was encoded.
    match decode(&text) {
        Ok(back) if back == *scenario => Ok(text),
        Ok(_) => Err("this scenario does not survive a link unchanged".to_string()),
        Err(e) => Err(e),
    }
}

fn too_large(detail: String) -> String {
    format!("this scenario is too large for a link ({detail})")
}

/// Reads a scenario from its link form (compressed or old), validated; the error says what is
/// wrong.
pub fn decode(text: &str) -> Result<Scenario, String> {
    if text.len() > MAX_ENCODED {
        return Err(format!(
            "the scenario in the link is too long ({} characters; the limit is {MAX_ENCODED})",
            text.len()
        ));
    }
    if text.trim().is_empty() {
        return Err("the link's scenario is empty".into());
    }
    let damaged = || "the scenario in the link is damaged".to_string();
    let json = match text.strip_prefix(PREFIX) {
        Some(body) => {
            let packed = from_base64url(body).ok_or_else(damaged)?;
            miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_LINK_JSON).map_err(
                |e| match e.status {
                    miniz_oxide::inflate::TINFLStatus::HasMoreOutput => format!(
                        "the scenario in the link is too large (over {} KB of JSON)",
                        MAX_LINK_JSON / 1024
                    ),
                    _ => damaged(),
                },
            )?
        }
        None => from_base64url(text).ok_or_else(damaged)?,
    };
    let json = String::from_utf8(json).map_err(|_| damaged())?;
    let scenario = Scenario::from_json(&json)
        .map_err(|e| format!("the scenario in the link is invalid: {e}"))?;
    scenario
        .validate()
        .map_err(|e| format!("the scenario in the link is invalid: {e}"))?;
    Ok(scenario)
}
