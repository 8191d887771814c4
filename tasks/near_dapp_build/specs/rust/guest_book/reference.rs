use near_sdk::store::Vector;
use near_sdk::{env, near, require, AccountId, NearToken, PanicOnDefault};

const PREMIUM_DEPOSIT: NearToken = NearToken::from_millinear(100);

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct PostedMessage {
    pub premium: bool,
    pub sender: AccountId,
    pub text: String,
}

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct GuestBook {
    messages: Vector<PostedMessage>,
}

#[near]
impl GuestBook {
    #[init]
    pub fn new() -> Self {
        Self {
            messages: Vector::new(b"m"),
        }
    }

    #[payable]
    pub fn add_message(&mut self, text: String) {
        require!(!text.is_empty(), "message text must not be empty");
        let premium = env::attached_deposit() >= PREMIUM_DEPOSIT;
        self.messages.push(PostedMessage {
            premium,
            sender: env::predecessor_account_id(),
            text,
        });
    }

    pub fn get_messages(&self, from_index: Option<u32>, limit: Option<u32>) -> Vec<PostedMessage> {
        let from = from_index.unwrap_or(0) as usize;
        let limit = limit.unwrap_or(10) as usize;
        self.messages
            .iter()
            .skip(from)
            .take(limit)
            .cloned()
            .collect()
    }

    pub fn total_messages(&self) -> u32 {
        self.messages.len()
    }
}
