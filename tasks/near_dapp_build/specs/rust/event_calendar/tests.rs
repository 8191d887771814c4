use near_sdk::json_types::U64;
use near_sdk::test_utils::{accounts, VMContextBuilder};
use near_sdk::testing_env;

fn call_as(i: usize) {
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .build());
}

fn calendar() -> EventCalendar {
    call_as(0);
    EventCalendar::new()
}

fn titles(c: &EventCalendar, from: u64, to: u64) -> Vec<String> {
    c.list_events(U64(from), U64(to))
        .into_iter()
        .map(|e| e.title)
        .collect()
}

#[test]
fn create_and_get() {
    let mut c = calendar();
    call_as(1);
    let id = c.create_event(
        "Launch".to_string(),
        "party".to_string(),
        U64(100),
        U64(200),
    );
    ::core::assert_eq!(id, 0);
    let e = c.get_event(0).expect("event 0");
    ::core::assert_eq!(
        (
            e.id,
            e.title,
            e.description,
            e.organizer,
            e.start_time,
            e.end_time
        ),
        (
            0,
            "Launch".to_string(),
            "party".to_string(),
            accounts(1),
            U64(100),
            U64(200)
        )
    );
    ::core::assert_eq!(
        c.create_event("Second".to_string(), String::new(), U64(5), U64(6)),
        1
    );
    ::core::assert_eq!(c.get_event(1).unwrap().title, "Second");
    ::core::assert!(c.get_event(9).is_none());
}

#[test]
#[should_panic(expected = "end_time must be after start_time")]
fn end_not_after_start_panics() {
    let mut c = calendar();
    ::core::assert_eq!(
        c.create_event("Ok".to_string(), String::new(), U64(200), U64(201)),
        0
    );
    c.create_event("Bad".to_string(), String::new(), U64(200), U64(200));
}

#[test]
#[should_panic(expected = "title must not be empty")]
fn empty_title_panics() {
    let mut c = calendar();
    ::core::assert_eq!(
        c.create_event("Ok".to_string(), String::new(), U64(1), U64(2)),
        0
    );
    c.create_event(String::new(), String::new(), U64(1), U64(2));
}

#[test]
fn list_filters_and_sorts() {
    let mut c = calendar();
    c.create_event("late".to_string(), String::new(), U64(300), U64(400));
    c.create_event("early".to_string(), String::new(), U64(100), U64(150));
    c.create_event("same-start".to_string(), String::new(), U64(100), U64(120));
    c.create_event("at-end".to_string(), String::new(), U64(500), U64(600));
    c.create_event("before".to_string(), String::new(), U64(99), U64(600));
    ::core::assert_eq!(
        titles(&c, 100, 500),
        ["early", "same-start", "late"].map(String::from).to_vec()
    );
    ::core::assert_eq!(titles(&c, 0, 100), ::std::vec!["before".to_string()]);
    ::core::assert_eq!(titles(&c, 500, 501), ::std::vec!["at-end".to_string()]);
    ::core::assert!(titles(&c, 600, 1000).is_empty());
}

#[test]
fn register_attendees_in_order() {
    let mut c = calendar();
    let id = c.create_event("Meetup".to_string(), String::new(), U64(1), U64(2));
    let other = c.create_event("Other".to_string(), String::new(), U64(1), U64(2));
    call_as(2);
    c.register(id);
    call_as(1);
    c.register(id);
    c.register(other);
    ::core::assert_eq!(c.get_attendees(id), ::std::vec![accounts(2), accounts(1)]);
    ::core::assert_eq!(c.get_attendees(other), ::std::vec![accounts(1)]);
    ::core::assert!(c.get_attendees(42).is_empty());
}

#[test]
#[should_panic(expected = "already registered")]
fn double_registration_panics() {
    let mut c = calendar();
    let id = c.create_event("Meetup".to_string(), String::new(), U64(1), U64(2));
    c.register(id);
    ::core::assert_eq!(c.get_attendees(id), ::std::vec![accounts(0)]);
    c.register(id);
}

#[test]
#[should_panic(expected = "unknown event")]
fn registering_for_unknown_event_panics() {
    let mut c = calendar();
    let id = c.create_event("Meetup".to_string(), String::new(), U64(1), U64(2));
    c.register(id);
    ::core::assert_eq!(c.get_attendees(id), ::std::vec![accounts(0)]);
    c.register(id + 1);
}

#[test]
fn organizer_cancels_event() {
    let mut c = calendar();
    call_as(3);
    let id = c.create_event("Gone".to_string(), String::new(), U64(1), U64(2));
    c.register(id);
    ::core::assert_eq!(c.get_attendees(id).len(), 1);
    c.cancel_event(id);
    ::core::assert!(c.get_event(id).is_none());
    ::core::assert!(c.list_events(U64(0), U64(10)).is_empty());
    ::core::assert!(c.get_attendees(id).is_empty());
    let next = c.create_event("New".to_string(), String::new(), U64(1), U64(2));
    ::core::assert_eq!(next, 1, "ids are never reused");
}

#[test]
#[should_panic(expected = "only the organizer can cancel")]
fn stranger_cannot_cancel() {
    let mut c = calendar();
    call_as(3);
    let id = c.create_event("Mine".to_string(), String::new(), U64(1), U64(2));
    ::core::assert_eq!(c.get_event(id).unwrap().organizer, accounts(3));
    call_as(4);
    c.cancel_event(id);
}

#[test]
#[should_panic(expected = "unknown event")]
fn cancelling_twice_panics() {
    let mut c = calendar();
    let id = c.create_event("Once".to_string(), String::new(), U64(1), U64(2));
    c.cancel_event(id);
    ::core::assert!(c.get_event(id).is_none());
    c.cancel_event(id);
}
