use near_sdk::json_types::U128;
use near_sdk::store::LookupMap;
use near_sdk::{
    env, near, require, AccountId, Allowance, NearToken, PanicOnDefault, Promise, PublicKey,
};

const MAX_KEYS: usize = 3;

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct SessionKeys {
    owner: AccountId,
    keys: Vec<PublicKey>,
    moves: LookupMap<AccountId, u32>,
}

#[near]
impl SessionKeys {
    #[init]
    pub fn new(owner_id: AccountId) -> Self {
        Self {
            owner: owner_id,
            keys: Vec::new(),
            moves: LookupMap::new(b"m"),
        }
    }

    pub fn add_session_key(&mut self, public_key: PublicKey, allowance: U128) {
        self.assert_owner();
        let allowance = Allowance::limited(NearToken::from_yoctonear(allowance.0))
            .unwrap_or_else(|| env::panic_str("allowance must be positive"));
        require!(!self.keys.contains(&public_key), "key already added");
        require!(self.keys.len() < MAX_KEYS, "too many session keys");
        self.keys.push(public_key.clone());
        let me = env::current_account_id();
        Promise::new(me.clone())
            .add_access_key_allowance(public_key, allowance, me, "play,claim")
            .detach();
    }

    pub fn remove_session_key(&mut self, public_key: PublicKey) {
        self.assert_owner();
        let index = self
            .keys
            .iter()
            .position(|k| *k == public_key)
            .unwrap_or_else(|| env::panic_str("unknown session key"));
        self.keys.remove(index);
        Promise::new(env::current_account_id())
            .delete_key(public_key)
            .detach();
    }

    pub fn session_keys(&self) -> Vec<String> {
        self.keys.iter().map(String::from).collect()
    }

    pub fn play(&mut self) -> u32 {
        let player = env::predecessor_account_id();
        let moves = self.moves.get(&player).copied().unwrap_or(0) + 1;
        self.moves.insert(player, moves);
        moves
    }

    pub fn moves_of(&self, account_id: AccountId) -> u32 {
        self.moves.get(&account_id).copied().unwrap_or(0)
    }
}

impl SessionKeys {
    fn assert_owner(&self) {
        require!(
            env::predecessor_account_id() == self.owner,
            "only the owner can manage keys"
        );
    }
}
