use near_sdk::store::LookupMap;
use near_sdk::{env, near, require, AccountId, PanicOnDefault};

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct CoinFlip {
    points: LookupMap<AccountId, u32>,
}

fn simulate_coin_flip() -> &'static str {
    if env::random_seed()[0].is_multiple_of(2) {
        "heads"
    } else {
        "tails"
    }
}

#[near]
impl CoinFlip {
    #[init]
    pub fn new() -> Self {
        Self {
            points: LookupMap::new(b"p"),
        }
    }

    pub fn flip_coin(&mut self, player_guess: String) -> String {
        require!(
            player_guess == "heads" || player_guess == "tails",
            "guess must be heads or tails"
        );
        let player = env::predecessor_account_id();
        let outcome = simulate_coin_flip();
        let current = self.points.get(&player).copied().unwrap_or(0);
        let updated = if player_guess == outcome {
            current + 1
        } else {
            current.saturating_sub(1)
        };
        self.points.insert(player, updated);
        outcome.to_string()
    }

    pub fn points_of(&self, player: AccountId) -> u32 {
        self.points.get(&player).copied().unwrap_or(0)
    }
}
