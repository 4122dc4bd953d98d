//! The link encoding of custom scenarios: round trips, and garbage never panics.

use concurrency_kitchen::sim::lessons;
use concurrency_kitchen::ui::codec::{base64url, decode, encode, from_base64url};
use proptest::prelude::*;

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
fn every_lesson_scenario_round_trips_through_a_link() {
    for lesson in lessons::all()
        .iter()
        .filter(|l| l.scenario.tasks.len() < 100)
    {
        let text = encode(&lesson.scenario);
        assert!(text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode(&text).unwrap(), lesson.scenario, "{}", lesson.id);
    }
}

#[test]
fn bad_links_say_what_is_wrong() {
    assert!(decode("!!!").unwrap_err().contains("damaged"));
    assert!(decode(&base64url(b"{\"tasks\": 3}"))
        .unwrap_err()
        .contains("invalid"));
    let negative = r#"{"tasks":[{"name":"A","steps":[{"kind":"cpu","ms":-5}]}],"models":[]}"#;
    assert!(decode(&base64url(negative.as_bytes()))
        .unwrap_err()
        .contains("ms"));
    assert!(decode(&"A".repeat(40_000))
        .unwrap_err()
        .contains("too long"));
}

proptest! {
    #[test]
    fn base64url_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        prop_assert_eq!(from_base64url(&base64url(&bytes)), Some(bytes));
    }

    #[test]
    fn decoding_garbage_never_panics(text in ".{0,400}") {
        let _ = decode(&text);
    }

    #[test]
    fn decoding_encoded_garbage_json_never_panics(json in "[\\[\\]{}\":,a-z0-9.\\- ]{0,300}") {
        let _ = decode(&base64url(json.as_bytes()));
    }
}
