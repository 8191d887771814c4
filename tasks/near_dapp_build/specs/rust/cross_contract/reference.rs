use near_sdk::serde_json::json;
use near_sdk::{
    assert_self, env, near, AccountId, Gas, NearToken, PanicOnDefault, Promise, PromiseError,
};

const CALL_GAS: Gas = Gas::from_tgas(5);

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct GreetingClient {
    greeter: AccountId,
    last_greeting: Option<String>,
}

#[near]
impl GreetingClient {
    #[init]
    pub fn new(greeter: AccountId) -> Self {
        Self {
            greeter,
            last_greeting: None,
        }
    }

    pub fn query_greeting(&self) -> Promise {
        Promise::new(self.greeter.clone())
            .function_call(
                "get_greeting".to_string(),
                vec![],
                NearToken::from_yoctonear(0),
                CALL_GAS,
            )
            .then(
                Self::ext(env::current_account_id())
                    .with_static_gas(CALL_GAS)
                    .query_greeting_callback(),
            )
    }

    #[private]
    pub fn query_greeting_callback(
        &mut self,
        #[callback_result] call_result: Result<String, PromiseError>,
    ) -> String {
        assert_self();
        match call_result {
            Ok(greeting) => {
                self.last_greeting = Some(greeting.clone());
                greeting
            }
            Err(_) => String::new(),
        }
    }

    pub fn change_greeting(&mut self, new_greeting: String) -> Promise {
        let args = json!({ "greeting": new_greeting }).to_string().into_bytes();
        Promise::new(self.greeter.clone())
            .function_call(
                "set_greeting".to_string(),
                args,
                NearToken::from_yoctonear(0),
                CALL_GAS,
            )
            .then(
                Self::ext(env::current_account_id())
                    .with_static_gas(CALL_GAS)
                    .change_greeting_callback(),
            )
    }

    #[private]
    pub fn change_greeting_callback(
        &mut self,
        #[callback_result] call_result: Result<(), PromiseError>,
    ) -> bool {
        assert_self();
        call_result.is_ok()
    }

    pub fn get_last_greeting(&self) -> Option<String> {
        self.last_greeting.clone()
    }
}
