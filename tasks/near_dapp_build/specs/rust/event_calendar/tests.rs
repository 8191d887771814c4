use near_sdk::json_types::U64;
use near_sdk::test_utils::{accounts, VMContextBuilder};
use near_sdk::testing_env;

fn call_as(i: usize) {
    testing_env!(VMContextBuilder::new()
        .predecessor_account_id(accounts(i))
        .build());
}

fn calendar() -> EventCalendar {
    call_as(0);
    EventCalendar::new()
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
    assert_eq!(id, 0);
    assert_eq!(
        c.get_event(0),
        Some(Event {
            id: 0,
            title: "Launch".to_string(),
            description: "party".to_string(),
            organizer: accounts(1),
            start_time: U64(100),
            end_time: U64(200),
        })
    );
    assert_eq!(
        c.create_event("Second".to_string(), String::new(), U64(5), U64(6)),
        1
    );
    assert_eq!(c.get_event(9), None);
}

#[test]
#[should_panic]
fn end_before_start_panics() {
    let mut c = calendar();
    c.create_event("Bad".to_string(), String::new(), U64(200), U64(200));
}

#[test]
#[should_panic]
fn empty_title_panics() {
    let mut c = calendar();
    c.create_event(String::new(), String::new(), U64(1), U64(2));
}

#[test]
fn list_filters_and_sorts() {
    let mut c = calendar();
    c.create_event("late".to_string(), String::new(), U64(300), U64(400));
    c.create_event("early".to_string(), String::new(), U64(100), U64(150));
    c.create_event("same-start".to_string(), String::new(), U64(100), U64(120));
    c.create_event("outside".to_string(), String::new(), U64(500), U64(600));
    let titles: Vec<String> = c
        .list_events(U64(100), U64(500))
        .into_iter()
        .map(|e| e.title)
        .collect();
    assert_eq!(
        titles,
        vec![
            "early".to_string(),
            "same-start".to_string(),
            "late".to_string()
        ]
    );
    assert!(c.list_events(U64(0), U64(100)).is_empty());
}

#[test]
fn register_attendees_in_order() {
    let mut c = calendar();
    let id = c.create_event("Meetup".to_string(), String::new(), U64(1), U64(2));
    call_as(2);
    c.register(id);
    call_as(1);
    c.register(id);
    assert_eq!(c.get_attendees(id), vec![accounts(2), accounts(1)]);
    assert!(c.get_attendees(42).is_empty());
}

#[test]
#[should_panic]
fn double_registration_panics() {
    let mut c = calendar();
    let id = c.create_event("Meetup".to_string(), String::new(), U64(1), U64(2));
    c.register(id);
    c.register(id);
}

#[test]
fn organizer_cancels_event() {
    let mut c = calendar();
    call_as(3);
    let id = c.create_event("Gone".to_string(), String::new(), U64(1), U64(2));
    c.register(id);
    c.cancel_event(id);
    assert_eq!(c.get_event(id), None);
    assert!(c.list_events(U64(0), U64(10)).is_empty());
    assert!(c.get_attendees(id).is_empty());
    let next = c.create_event("New".to_string(), String::new(), U64(1), U64(2));
    assert_eq!(next, 1, "ids are never reused");
}

#[test]
#[should_panic]
fn stranger_cannot_cancel() {
    let mut c = calendar();
    call_as(3);
    let id = c.create_event("Mine".to_string(), String::new(), U64(1), U64(2));
    call_as(4);
    c.cancel_event(id);
}
