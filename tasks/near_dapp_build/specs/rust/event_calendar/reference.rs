use near_sdk::json_types::U64;
use near_sdk::store::{IterableMap, LookupMap};
use near_sdk::{env, near, require, AccountId, PanicOnDefault};

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: u64,
    pub title: String,
    pub description: String,
    pub organizer: AccountId,
    pub start_time: U64,
    pub end_time: U64,
}

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct EventCalendar {
    next_id: u64,
    events: IterableMap<u64, Event>,
    attendees: LookupMap<u64, Vec<AccountId>>,
}

#[near]
impl EventCalendar {
    #[init]
    pub fn new() -> Self {
        Self {
            next_id: 0,
            events: IterableMap::new(b"e"),
            attendees: LookupMap::new(b"a"),
        }
    }

    pub fn create_event(
        &mut self,
        title: String,
        description: String,
        start_time: U64,
        end_time: U64,
    ) -> u64 {
        require!(!title.is_empty(), "title must not be empty");
        require!(
            end_time.0 > start_time.0,
            "end_time must be after start_time"
        );
        let id = self.next_id;
        self.next_id += 1;
        let organizer = env::predecessor_account_id();
        self.events.insert(
            id,
            Event {
                id,
                title,
                description,
                organizer,
                start_time,
                end_time,
            },
        );
        id
    }

    pub fn get_event(&self, event_id: u64) -> Option<Event> {
        self.events.get(&event_id).cloned()
    }

    pub fn list_events(&self, from_time: U64, to_time: U64) -> Vec<Event> {
        let mut found: Vec<Event> = self
            .events
            .values()
            .filter(|e| e.start_time.0 >= from_time.0 && e.start_time.0 < to_time.0)
            .cloned()
            .collect();
        found.sort_by_key(|e| (e.start_time.0, e.id));
        found
    }

    pub fn cancel_event(&mut self, event_id: u64) {
        let event = self.events.get(&event_id).expect("unknown event");
        require!(
            event.organizer == env::predecessor_account_id(),
            "only the organizer can cancel"
        );
        self.events.remove(&event_id);
        self.attendees.remove(&event_id);
    }

    pub fn register(&mut self, event_id: u64) {
        require!(self.events.contains_key(&event_id), "unknown event");
        let who = env::predecessor_account_id();
        let list = self.attendees.entry(event_id).or_default();
        require!(!list.contains(&who), "already registered");
        list.push(who);
    }

    pub fn get_attendees(&self, event_id: u64) -> Vec<AccountId> {
        self.attendees.get(&event_id).cloned().unwrap_or_default()
    }
}
