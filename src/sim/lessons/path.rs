//! The guided path: every lesson, the simulated ones and the two races on shared data, in the
//! order of `LESSONS.md`, from waiting against computing up to the choice of tool; and the
//! short Socratic question each opens with, asked in the lessons' own words (the chef, the
//! desk, the to-do lists) before anything is shown. It never states a result.

/// Every lesson id in the order a learner should meet them (`LESSONS.md` 1-13, then 15's
/// asyncio changes). Ids are
/// stable; the menu, "Next lesson" and the progress count follow this order.
pub const PATH: [&str; 19] = [
    "three-waits",
    "gather-overlap",
    "blocking-in-async",
    "cpu-in-loop",
    "cpu-threads-gil",
    "io-threads",
    "cpu-processes",
    "refcount-race",
    "counter-race",
    "ten-thousand",
    "convoy",
    "native-release",
    "free-threaded",
    "cpu-interpreters",
    "hybrid-executor",
    "async-to-thread",
    "semaphore-crawler",
    "eager-tasks",
    "task-group",
];

/// Where `id` stands on the path (0-based), if it is on it (a custom scenario is not).
pub fn position(id: &str) -> Option<usize> {
    PATH.iter().position(|&p| p == id)
}

/// The lesson after `id`, if any.
pub fn next(id: &str) -> Option<&'static str> {
    PATH.get(position(id)? + 1).copied()
}

/// The question a lesson opens with, before the prediction: something to think about, not
/// to answer on screen.
pub fn opener(id: &str) -> Option<&'static str> {
    Some(match id {
        "three-waits" => "While a dish is in the oven, what does a good chef do?",
        "gather-overlap" => "You set two kitchen timers at once. Which one rings first?",
        "blocking-in-async" => {
            "What happens to the other dishes if the chef stands staring at the oven instead of walking away?"
        }
        "cpu-in-loop" => "Ten minutes of non-stop chopping: can the chef glance at a timer meanwhile?",
        "cpu-threads-gil" => {
            "Four cooks, but only one desk where the work can be done. Do they finish four times faster?"
        }
        "io-threads" => "A cook who is only waiting for a delivery: does she need the desk while she waits?",
        "cpu-processes" => {
            "Separate kitchens, each with its own desk: what does it cost to open one and carry the food over?"
        }
        "refcount-race" => "Two cooks update one tally at the same moment: can an update get lost?",
        "counter-race" => "counter += 1 is one line of Python. Is it one step for the interpreter?",
        "ten-thousand" => {
            "Ten thousand guests wait for a table: do you hire ten thousand waiters, or keep one list?"
        }
        "convoy" => "Step away from a shared desk for a moment: when do you get it back?",
        "native-release" => "If the heavy work runs in a machine that needs no desk, must the cooks take turns?",
        "free-threaded" => "What if there were no single desk at all: what would change, and what would it cost?",
        "cpu-interpreters" => {
            "Separate desks in one kitchen, each with its own rules: cheaper than separate kitchens?"
        }
        "semaphore-crawler" => {
            "A restaurant with ten tables and fifty guests: how do you serve them all?"
        }
        "async-to-thread" => {
            "A waiter hands a long phone call to an assistant. Can the assistant also cook while the chef cooks?"
        }
        "hybrid-executor" => "A waiter who also has to cook: what happens to his other tables while he cooks?",
        "eager-tasks" => {
            "You hand a cook an order. Does she start at once, or only when you stop talking?"
        }
        "task-group" => {
            "One of four deliveries is cancelled at the door. Do the other three drivers keep driving?"
        }
        _ => return None,
    })
}
