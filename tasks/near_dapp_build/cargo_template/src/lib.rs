// Placeholder contract: `prepare` builds the template once with this file so every dependency is compiled
// into the cache; each sample replaces it.
use near_sdk::{near, PanicOnDefault};

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct Contract {
    value: u64,
}

#[near]
impl Contract {
    #[init]
    pub fn new() -> Self {
        Self { value: 0 }
    }

    pub fn get(&self) -> u64 {
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use near_sdk::test_utils::VMContextBuilder;
    use near_sdk::testing_env;

    #[test]
    fn starts_at_zero() {
        testing_env!(VMContextBuilder::new().build());
        assert_eq!(Contract::new().get(), 0);
    }
}
