//! The Embed dialog's choices, natively: which models, theme, start moment, compact or full,
//! height, and the link and snippet they build.

use concurrency_kitchen::sim::{lessons, Micros, ModelId};
use concurrency_kitchen::ui::embed::{self, EmbedOptions, COMPACT_HEIGHT, FULL_HEIGHT};
use concurrency_kitchen::ui::params::{parse, Theme, View};
use concurrency_kitchen::ui::state::Playhead;

fn convoy() -> (View, Vec<ModelId>) {
    let view = parse("?lesson=convoy&speed=2&theme=dark");
    let all = lessons::by_id("convoy")
        .unwrap()
        .scenario
        .models
        .iter()
        .map(|m| m.id)
        .collect();
    (view, all)
}

#[test]
fn the_first_choice_is_the_page_as_shown_from_the_beginning_compact() {
    let (view, all) = convoy();
    let options = EmbedOptions::new(&view, &all);
    assert_eq!(options.models, all);
    assert_eq!(options.theme, Some(Theme::Dark));
    assert_eq!(
        (options.start, options.full, options.height),
        (None, false, COMPACT_HEIGHT)
    );
    let embed = options.view(&view, &all);
    assert_eq!(
        embed.to_query(),
        "?lesson=convoy&speed=2&theme=dark&embed=1"
    );
    // The link opens what the dialog promised.
    assert_eq!(parse(&embed.to_query()), embed);
    // A page showing one model offers that one.
    let one = parse("?lesson=convoy&model=threads");
    assert_eq!(EmbedOptions::new(&one, &all).models, vec![ModelId::Threads]);
}

#[test]
fn models_keep_the_lessons_order_and_at_least_one() {
    let (view, all) = convoy();
    let mut options = EmbedOptions::new(&view, &all);
    for m in &all[1..] {
        options.toggle(*m, &all);
    }
    assert_eq!(options.models, vec![all[0]]);
    options.toggle(all[0], &all);
    assert_eq!(options.models, vec![all[0]], "the last model stays");
    assert!(all.len() >= 3, "convoy compares three models");
    options.toggle(all[2], &all);
    assert_eq!(
        options.models,
        vec![all[0], all[2]],
        "in the lesson's order"
    );
    options.toggle(all[1], &all);
    options.toggle(all[2], &all);
    let query = options.view(&view, &all).to_query();
    assert!(query.contains("models="), "{query}");
    let back = parse(&query);
    assert_eq!(back.shown(), all[..2].to_vec());
}

#[test]
fn theme_start_layout_and_height_reach_the_link_and_the_snippet() {
    let (view, all) = convoy();
    let mut options = EmbedOptions::new(&view, &all);
    options.theme = None;
    options.start = Some(Playhead {
        time: Micros(66_000),
        ordinal: Some(2),
    });
    options.set_full(true);
    assert_eq!(
        options.height, FULL_HEIGHT,
        "the default height follows the layout"
    );
    let query = options.view(&view, &all).to_query();
    assert_eq!(query, "?lesson=convoy&t=66~2&speed=2&embed=full");
    options.set_height(700.4);
    options.set_full(false);
    assert_eq!(options.height, 701, "a height the blogger chose stays");
    options.set_height(1e9);
    assert_eq!(options.height, embed::MAX_HEIGHT);
    options.set_height(f64::NAN);
    assert_eq!(
        options.height,
        embed::MAX_HEIGHT,
        "no number keeps the height"
    );
    options.set_height(-5.0);
    assert_eq!(options.height, embed::MIN_HEIGHT);
    assert!(options.question, "the question is asked by default");
    options.question = false;
    let query = options.view(&view, &all).to_query();
    assert!(query.ends_with("&question=0"), "{query}");
    let snippet = embed::snippet("https://example.org/?lesson=convoy&embed=1", "Convoy", 480);
    assert!(snippet.contains("height=\"480\""), "{snippet}");
}

#[test]
fn a_custom_scenario_embeds_as_itself() {
    let scenario = lessons::by_id("gather-overlap").unwrap().scenario;
    let view = View {
        scenario: Some(scenario.clone()),
        ..View::default()
    };
    let all: Vec<ModelId> = scenario.models.iter().map(|m| m.id).collect();
    let embed = EmbedOptions::new(&view, &all).view(&view, &all);
    let back = parse(&embed.to_query());
    assert_eq!(back.scenario, Some(scenario));
    assert!(back.embed);
}
