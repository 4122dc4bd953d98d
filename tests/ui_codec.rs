//! The link encoding of custom scenarios: compressed links round trip, old links still open,
//! the encoder refuses exactly what the decoder would refuse, and garbage never panics.

use concurrency_kitchen::sim::{lessons, Scenario, Step, Task};
use concurrency_kitchen::ui::codec::{
    base64url, decode, encode, from_base64url, MAX_ENCODED, MAX_LINK_JSON, PREFIX,
};
use proptest::prelude::*;

/// A link body as the codec builds it, without its checks: what a hand-made link could carry.
fn raw_link(json: &str) -> String {
    format!(
        "{PREFIX}{}",
        base64url(&miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6))
    )
}

#[test]
fn base64url_matches_the_standard_alphabet_without_padding() {
    assert_eq!(base64url(b""), "");
    assert_eq!(base64url(b"f"), "Zg");
    assert_eq!(base64url(b"fo"), "Zm8");
    assert_eq!(base64url(b"foo"), "Zm9v");
    assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    assert_eq!(from_base64url("Zm9vYg").unwrap(), b"foob");
    assert_eq!(from_base64url("Zm9vYg==").unwrap(), b"foob");
    assert_eq!(from_base64url("Z"), None);
    assert_eq!(from_base64url("Zm9v!"), None);
}

#[test]
fn every_lesson_scenario_round_trips_through_a_compressed_link() {
    for lesson in lessons::all().iter().filter(|l| l.id != "ten-thousand") {
        let text = encode(&lesson.scenario).unwrap_or_else(|e| panic!("{}: {e}", lesson.id));
        assert!(text.starts_with(PREFIX), "{text}");
        assert!(text.len() <= MAX_ENCODED);
        assert!(text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
        assert_eq!(decode(&text).unwrap(), lesson.scenario, "{}", lesson.id);
    }
}

#[test]
fn one_edit_of_the_ten_thousand_lesson_is_refused_as_a_link_with_a_message() {
    // It used to make a 785 KB address that the app itself refused. Compressed, it is just over
    // the limit, so it is refused up front and shared as a file instead.
    let mut scenario = lessons::by_id("ten-thousand").unwrap().scenario;
    scenario.tasks[0].steps[0].ms += 1.0;
    let e = encode(&scenario).unwrap_err();
    assert!(e.contains("too large for a link"), "{e}");
    let link = raw_link(&serde_json::to_string(&scenario).unwrap());
    assert!(decode(&link).is_err(), "the decoder refuses it as well");
}

#[test]
fn old_uncompressed_links_still_open() {
    // Made by the hand-written encoder before links were compressed (no prefix, raw JSON).
    let old = "eyJ0YXNrcyI6W3sibmFtZSI6IkEiLCJzdGVwcyI6W3sia2luZCI6ImNwdSIsIm1zIjoxMH1dfV0sIm1vZGVscyI6W3siaWQiOiJzeW5jIn1dfQ";
    let s = decode(old).unwrap();
    assert_eq!(s.tasks[0].name, "A");
    assert_eq!(s.tasks[0].steps[0].ms, 10.0);
    // Padded old links too.
    let json = r#"{"tasks":[{"name":"ABC","steps":[{"kind":"cpu","ms":1}]}]}"#;
    let unpadded = base64url(json.as_bytes());
    let padded = format!("{unpadded}{}", "=".repeat((4 - unpadded.len() % 4) % 4));
    assert_ne!(padded, unpadded);
    assert_eq!(decode(&padded).unwrap().tasks[0].name, "ABC");
}

/// A scenario whose JSON barely compresses: task names from a simple generator.
fn noisy(tasks: usize, seed: u64) -> Scenario {
    let mut x = seed | 1;
    let mut name = || {
        (0..12)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'a' + (x % 26) as u8)
            })
            .collect::<String>()
    };
    let mut s = lessons::by_id("three-waits").unwrap().scenario;
    s.tasks = (0..tasks)
        .map(|_| Task::new(&name(), vec![Step::cpu(1.0)]))
        .collect();
    s
}

#[test]
fn too_large_scenarios_are_refused_by_both_sides_with_a_message() {
    let big = noisy(4000, 7);
    let e = encode(&big).unwrap_err();
    assert!(e.contains("too large for a link"), "{e}");
    assert!(e.contains("the limit is 32768"), "{e}");
    let naive = raw_link(&serde_json::to_string(&big).unwrap());
    assert!(naive.len() > MAX_ENCODED);
    assert!(decode(&naive).unwrap_err().contains("too long"));
}

#[test]
fn a_link_that_inflates_past_the_limit_is_refused() {
    // Deflate shrinks a run of spaces a thousandfold: a short link, a huge document.
    let bomb = format!("{{\"tasks\":[]{}}}", " ".repeat(MAX_LINK_JSON + 10));
    let link = raw_link(&bomb);
    assert!(link.len() < MAX_ENCODED);
    let e = decode(&link).unwrap_err();
    assert!(e.contains("too large"), "{e}");
}

#[test]
fn bad_links_say_what_is_wrong() {
    assert!(decode("!!!").unwrap_err().contains("damaged"));
    assert!(decode("z1.!!!").unwrap_err().contains("damaged"));
    assert!(decode("z1.AAAA").unwrap_err().contains("damaged"));
    assert!(decode(&base64url(b"{\"tasks\": 3}"))
        .unwrap_err()
        .contains("invalid"));
    let negative = r#"{"tasks":[{"name":"A","steps":[{"kind":"cpu","ms":-5}]}],"models":[]}"#;
    assert!(decode(&base64url(negative.as_bytes()))
        .unwrap_err()
        .contains("ms"));
    assert!(decode(&raw_link(negative)).unwrap_err().contains("ms"));
    assert!(decode(&"A".repeat(40_000))
        .unwrap_err()
        .contains("too long"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn base64url_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        prop_assert_eq!(from_base64url(&base64url(&bytes)), Some(bytes));
    }

    /// Whatever the size, a link is handed out only if it opens what was encoded, and refused
    /// only when a link carrying it would be refused.
    #[test]
    fn the_encoder_refuses_exactly_what_the_decoder_refuses(tasks in 1usize..4000, seed in any::<u64>()) {
        let s = noisy(tasks, seed);
        match encode(&s) {
            Ok(link) => prop_assert_eq!(decode(&link).unwrap(), s),
            Err(e) => {
                prop_assert!(e.contains("too large"), "{}", e);
                prop_assert!(decode(&raw_link(&serde_json::to_string(&s).unwrap())).is_err());
            }
        }
    }

    #[test]
    fn decoding_garbage_never_panics(text in ".{0,400}") {
        let _ = decode(&text);
        let _ = decode(&format!("{PREFIX}{text}"));
    }

    #[test]
    fn decoding_encoded_garbage_json_never_panics(json in "[\\[\\]{}\":,a-z0-9.\\- ]{0,300}") {
        let _ = decode(&base64url(json.as_bytes()));
        let _ = decode(&raw_link(&json));
    }
}
