use near_sdk::store::Vector;
use near_sdk::{assert_self, env, near, require, AccountId, PanicOnDefault};

#[near(serializers = [borsh])]
pub struct OldBoard {
    pub owner: AccountId,
    pub messages: Vec<String>,
}

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub author: AccountId,
    pub text: String,
}

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct MessageBoard {
    owner: AccountId,
    messages: Vector<Message>,
}

#[near]
impl MessageBoard {
    #[init]
    pub fn new(owner_id: AccountId) -> Self {
        Self {
            owner: owner_id,
            messages: Vector::new(b"m"),
        }
    }

    #[init(ignore_state)]
    pub fn migrate() -> Self {
        assert_self();
        let old: OldBoard =
            env::state_read().unwrap_or_else(|| env::panic_str("no state to migrate"));
        let mut messages = Vector::new(b"m");
        for text in old.messages {
            messages.push(Message {
                author: old.owner.clone(),
                text,
            });
        }
        Self {
            owner: old.owner,
            messages,
        }
    }

    pub fn add_message(&mut self, text: String) {
        require!(!text.is_empty(), "message must not be empty");
        self.messages.push(Message {
            author: env::predecessor_account_id(),
            text,
        });
    }

    pub fn get_messages(&self, from_index: u32, limit: u32) -> Vec<Message> {
        self.messages
            .iter()
            .skip(from_index as usize)
            .take(limit as usize)
            .cloned()
            .collect()
    }

    pub fn get_owner(&self) -> AccountId {
        self.owner.clone()
    }

    pub fn total_messages(&self) -> u32 {
        self.messages.len()
    }
}
