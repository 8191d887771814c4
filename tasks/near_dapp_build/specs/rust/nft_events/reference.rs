use near_sdk::serde_json::{json, Value};
use near_sdk::store::LookupMap;
use near_sdk::{assert_one_yocto, env, log, near, require, AccountId, PanicOnDefault};

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct NftEvents {
    owner_id: AccountId,
    owners: LookupMap<String, AccountId>,
}

fn emit(event: &str, mut data: Value, memo: Option<String>) {
    if let Some(memo) = memo {
        data["memo"] = json!(memo);
    }
    let event = json!({"standard": "nep171", "version": "1.2.0", "event": event, "data": [data]});
    log!("EVENT_JSON:{}", event);
}

#[near]
impl NftEvents {
    #[init]
    pub fn new(owner_id: AccountId) -> Self {
        Self {
            owner_id,
            owners: LookupMap::new(b"o"),
        }
    }

    pub fn nft_mint(&mut self, token_ids: Vec<String>, owner_id: AccountId, memo: Option<String>) {
        require!(
            env::predecessor_account_id() == self.owner_id,
            "only the owner can mint"
        );
        require!(!token_ids.is_empty(), "nothing to mint");
        for id in &token_ids {
            require!(!self.owners.contains_key(id), "token id already exists");
            self.owners.insert(id.clone(), owner_id.clone());
        }
        emit(
            "nft_mint",
            json!({"owner_id": owner_id, "token_ids": token_ids}),
            memo,
        );
    }

    #[payable]
    pub fn nft_transfer(
        &mut self,
        receiver_id: AccountId,
        token_id: String,
        approval_id: Option<u64>,
        memo: Option<String>,
    ) {
        let _ = approval_id;
        let owner = self.owned(&token_id);
        self.owners.insert(token_id.clone(), receiver_id.clone());
        emit(
            "nft_transfer",
            json!({"old_owner_id": owner, "new_owner_id": receiver_id, "token_ids": [token_id]}),
            memo,
        );
    }

    #[payable]
    pub fn nft_burn(&mut self, token_id: String) {
        let owner = self.owned(&token_id);
        self.owners.remove(&token_id);
        emit(
            "nft_burn",
            json!({"owner_id": owner, "token_ids": [token_id]}),
            None,
        );
    }

    pub fn nft_token_owner(&self, token_id: String) -> Option<AccountId> {
        self.owners.get(&token_id).cloned()
    }
}

impl NftEvents {
    fn owned(&self, token_id: &String) -> AccountId {
        assert_one_yocto();
        let owner = self.owners.get(token_id).expect("token not found").clone();
        require!(
            owner == env::predecessor_account_id(),
            "only the token owner can do this"
        );
        owner
    }
}
