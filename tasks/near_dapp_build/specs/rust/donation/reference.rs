use near_sdk::json_types::U128;
use near_sdk::store::LookupMap;
use near_sdk::{env, near, require, AccountId, PanicOnDefault, Promise};

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct Donation {
    beneficiary: AccountId,
    donations: LookupMap<AccountId, u128>,
    donors: u32,
    total: u128,
}

#[near]
impl Donation {
    #[init]
    pub fn new(beneficiary: AccountId) -> Self {
        Self {
            beneficiary,
            donations: LookupMap::new(b"d"),
            donors: 0,
            total: 0,
        }
    }

    #[payable]
    pub fn donate(&mut self) -> U128 {
        let amount = env::attached_deposit();
        require!(!amount.is_zero(), "attach a deposit to donate");
        let donor = env::predecessor_account_id();
        let previous = self.donations.get(&donor).copied();
        if previous.is_none() {
            self.donors += 1;
        }
        let new_total = previous.unwrap_or(0) + amount.as_yoctonear();
        self.donations.insert(donor, new_total);
        self.total += amount.as_yoctonear();
        Promise::new(self.beneficiary.clone())
            .transfer(amount)
            .detach();
        U128(new_total)
    }

    pub fn get_donation_for_account(&self, account_id: AccountId) -> U128 {
        U128(self.donations.get(&account_id).copied().unwrap_or(0))
    }

    pub fn number_of_donors(&self) -> u32 {
        self.donors
    }

    pub fn total_donations(&self) -> U128 {
        U128(self.total)
    }

    pub fn get_beneficiary(&self) -> AccountId {
        self.beneficiary.clone()
    }
}
