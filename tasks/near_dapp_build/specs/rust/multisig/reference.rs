use std::collections::HashSet;

use near_sdk::json_types::U128;
use near_sdk::store::{LookupMap, LookupSet};
use near_sdk::{env, near, require, AccountId, NearToken, PanicOnDefault, Promise};

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub proposer: AccountId,
    pub receiver_id: AccountId,
    pub amount: U128,
    pub confirmations: u32,
}

#[near(serializers = [borsh])]
struct Pending {
    request: Request,
    confirmed_by: HashSet<AccountId>,
}

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct Multisig {
    members: LookupSet<AccountId>,
    num_confirmations: u32,
    next_id: u64,
    requests: LookupMap<u64, Pending>,
}

#[near]
impl Multisig {
    #[init]
    pub fn new(members: Vec<AccountId>, num_confirmations: u32) -> Self {
        let distinct: HashSet<AccountId> = members.into_iter().collect();
        require!(
            num_confirmations >= 1 && num_confirmations as usize <= distinct.len(),
            "confirmations must be between 1 and the number of members"
        );
        let mut set = LookupSet::new(b"m");
        set.extend(distinct);
        Self {
            members: set,
            num_confirmations,
            next_id: 0,
            requests: LookupMap::new(b"r"),
        }
    }

    pub fn add_request(&mut self, receiver_id: AccountId, amount: U128) -> u64 {
        let proposer = self.assert_member();
        require!(amount.0 > 0, "amount must be positive");
        let id = self.next_id;
        self.next_id += 1;
        self.requests.insert(
            id,
            Pending {
                request: Request {
                    proposer,
                    receiver_id,
                    amount,
                    confirmations: 0,
                },
                confirmed_by: HashSet::new(),
            },
        );
        self.confirm(id);
        id
    }

    pub fn confirm(&mut self, request_id: u64) -> bool {
        let member = self.assert_member();
        let needed = self.num_confirmations;
        let pending = self.requests.get_mut(&request_id).expect("unknown request");
        require!(pending.confirmed_by.insert(member), "already confirmed");
        pending.request.confirmations += 1;
        if pending.request.confirmations < needed {
            return false;
        }
        let request = pending.request.clone();
        self.requests.remove(&request_id);
        Promise::new(request.receiver_id)
            .transfer(NearToken::from_yoctonear(request.amount.0))
            .detach();
        true
    }

    pub fn delete_request(&mut self, request_id: u64) {
        let member = self.assert_member();
        let pending = self.requests.get(&request_id).expect("unknown request");
        require!(
            pending.request.proposer == member,
            "only the proposer can delete"
        );
        self.requests.remove(&request_id);
    }

    pub fn get_request(&self, request_id: u64) -> Option<Request> {
        self.requests.get(&request_id).map(|p| p.request.clone())
    }
}

impl Multisig {
    fn assert_member(&self) -> AccountId {
        let caller = env::predecessor_account_id();
        require!(self.members.contains(&caller), "only members");
        caller
    }
}
