use near_sdk::{env, near, require, AccountId, PanicOnDefault};

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct Counter {
    value: i64,
    owner: AccountId,
}

#[near]
impl Counter {
    #[init]
    pub fn new(start: i64) -> Self {
        Self {
            value: start,
            owner: env::predecessor_account_id(),
        }
    }

    pub fn get_num(&self) -> i64 {
        self.value
    }

    pub fn increment(&mut self) -> i64 {
        self.value = self.value.checked_add(1).expect("counter overflow");
        self.value
    }

    pub fn decrement(&mut self) -> i64 {
        self.value = self.value.checked_sub(1).expect("counter underflow");
        self.value
    }

    pub fn reset(&mut self) {
        require!(
            env::predecessor_account_id() == self.owner,
            "only the owner can reset"
        );
        self.value = 0;
    }
}
