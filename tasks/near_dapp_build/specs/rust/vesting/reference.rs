use near_sdk::json_types::{U128, U64};
use near_sdk::{env, near, require, AccountId, NearToken, PanicOnDefault, Promise};

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct Vesting {
    owner_id: AccountId,
    beneficiary_id: AccountId,
    total: u128,
    start: u64,
    cliff: u64,
    end: u64,
    claimed: u128,
    terminated_at: Option<u64>,
}

#[near]
impl Vesting {
    #[init]
    pub fn new(
        owner_id: AccountId,
        beneficiary_id: AccountId,
        total: U128,
        start: U64,
        cliff: U64,
        end: U64,
    ) -> Self {
        require!(
            total.0 > 0 && start.0 <= cliff.0 && cliff.0 <= end.0 && start.0 < end.0,
            "invalid schedule"
        );
        Self {
            owner_id,
            beneficiary_id,
            total: total.0,
            start: start.0,
            cliff: cliff.0,
            end: end.0,
            claimed: 0,
            terminated_at: None,
        }
    }

    pub fn vested_amount(&self) -> U128 {
        U128(self.vested_at(self.terminated_at.unwrap_or_else(env::block_timestamp)))
    }

    pub fn claimable(&self) -> U128 {
        U128(self.vested_amount().0 - self.claimed)
    }

    pub fn claim(&mut self) -> U128 {
        require!(
            env::predecessor_account_id() == self.beneficiary_id,
            "only the beneficiary can claim"
        );
        let amount = self.claimable().0;
        require!(amount > 0, "nothing to claim");
        self.claimed += amount;
        Promise::new(self.beneficiary_id.clone())
            .transfer(NearToken::from_yoctonear(amount))
            .detach();
        U128(amount)
    }

    pub fn terminate(&mut self) -> U128 {
        require!(
            env::predecessor_account_id() == self.owner_id,
            "only the owner can terminate"
        );
        require!(self.terminated_at.is_none(), "already terminated");
        let now = env::block_timestamp();
        self.terminated_at = Some(now);
        let unvested = self.total - self.vested_at(now);
        if unvested > 0 {
            Promise::new(self.owner_id.clone())
                .transfer(NearToken::from_yoctonear(unvested))
                .detach();
        }
        U128(unvested)
    }

    pub fn get_claimed(&self) -> U128 {
        U128(self.claimed)
    }
}

impl Vesting {
    fn vested_at(&self, t: u64) -> u128 {
        if t < self.cliff {
            0
        } else if t >= self.end {
            self.total
        } else {
            self.total * u128::from(t - self.start) / u128::from(self.end - self.start)
        }
    }
}
