//! The compact form of a custom scenario in a link: its JSON (the documented format) in
//! unpadded base64url, so it survives any URL unescaped.

use crate::sim::Scenario;

/// Links longer than this are refused before decoding: browsers and chat apps truncate them.
pub const MAX_ENCODED: usize = 32 * 1024;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encodes bytes as unpadded base64url.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes unpadded (or padded) base64url; `None` for anything else.
pub fn from_base64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for &c in chunk {
            let v = ALPHABET.iter().position(|&a| a == c)? as u32;
            n = (n << 6) | v;
        }
        n <<= 6 * (4 - chunk.len());
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// The link form of a scenario.
pub fn encode(scenario: &Scenario) -> String {
    // Compact JSON: the link form has no reader to format for.
    base64url(
        serde_json::to_string(scenario)
            .expect("a scenario always serialises")
            .as_bytes(),
    )
}

/// Reads a scenario from its link form, validated; the error says what is wrong.
pub fn decode(text: &str) -> Result<Scenario, String> {
    if text.len() > MAX_ENCODED {
        return Err(format!(
            "the scenario in the link is too long ({} characters)",
            text.len()
        ));
    }
    let bytes = from_base64url(text).ok_or("the scenario in the link is damaged")?;
    let json = String::from_utf8(bytes).map_err(|_| "the scenario in the link is damaged")?;
    let scenario = Scenario::from_json(&json)
        .map_err(|e| format!("the scenario in the link is invalid: {e}"))?;
    scenario
        .validate()
        .map_err(|e| format!("the scenario in the link is invalid: {e}"))?;
    Ok(scenario)
}
