use near_sdk::json_types::U128;
use near_sdk::store::LookupMap;
use near_sdk::{env, near, require, AccountId, NearToken, PanicOnDefault, Promise};

const PRECISION: u128 = 1_000_000_000_000;

#[near(serializers = [borsh])]
#[derive(Clone, Default)]
struct Staker {
    stake: u128,
    debt: u128,
    pending: u128,
}

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct StakingRewards {
    owner_id: AccountId,
    acc: u128,
    total: u128,
    stakers: LookupMap<AccountId, Staker>,
}

fn send(to: AccountId, amount: u128) {
    Promise::new(to)
        .transfer(NearToken::from_yoctonear(amount))
        .detach();
}

#[near]
impl StakingRewards {
    #[init]
    pub fn new(owner_id: AccountId) -> Self {
        Self {
            owner_id,
            acc: 0,
            total: 0,
            stakers: LookupMap::new(b"s"),
        }
    }

    #[payable]
    pub fn stake(&mut self) {
        let deposit = env::attached_deposit().as_yoctonear();
        require!(deposit > 0, "attach a deposit to stake");
        let account = env::predecessor_account_id();
        let staker = self.settled(&account);
        self.set_stake(account, staker, |s| s + deposit);
        self.total += deposit;
    }

    pub fn unstake(&mut self, amount: U128) {
        require!(amount.0 > 0, "amount must be positive");
        let account = env::predecessor_account_id();
        let staker = self.settled(&account);
        require!(staker.stake >= amount.0, "not enough staked");
        self.set_stake(account.clone(), staker, |s| s - amount.0);
        self.total -= amount.0;
        send(account, amount.0);
    }

    #[payable]
    pub fn distribute_rewards(&mut self) {
        require!(
            env::predecessor_account_id() == self.owner_id,
            "only the owner can distribute"
        );
        let deposit = env::attached_deposit().as_yoctonear();
        require!(deposit > 0, "attach the rewards");
        require!(self.total > 0, "nothing staked");
        self.acc += deposit * PRECISION / self.total;
    }

    pub fn claim_rewards(&mut self) -> U128 {
        let account = env::predecessor_account_id();
        let mut staker = self.settled(&account);
        let reward = staker.pending;
        require!(reward > 0, "nothing to claim");
        staker.pending = 0;
        self.stakers.insert(account.clone(), staker);
        send(account, reward);
        U128(reward)
    }

    pub fn get_stake(&self, account_id: AccountId) -> U128 {
        U128(self.stakers.get(&account_id).map_or(0, |s| s.stake))
    }

    pub fn get_unclaimed_reward(&self, account_id: AccountId) -> U128 {
        U128(self.settled(&account_id).pending)
    }

    pub fn total_staked(&self) -> U128 {
        U128(self.total)
    }
}

impl StakingRewards {
    /// The account's record with its reward so far moved into `pending` and `debt` brought up to date.
    fn settled(&self, account: &AccountId) -> Staker {
        let mut staker = self.stakers.get(account).cloned().unwrap_or_default();
        let accrued = staker.stake * self.acc / PRECISION;
        staker.pending += accrued - staker.debt;
        staker.debt = accrued;
        staker
    }

    fn set_stake(&mut self, account: AccountId, mut staker: Staker, change: impl Fn(u128) -> u128) {
        staker.stake = change(staker.stake);
        staker.debt = staker.stake * self.acc / PRECISION;
        self.stakers.insert(account, staker);
    }
}
