use near_sdk::json_types::U128;
use near_sdk::mock::MockAction;
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{testing_env, AccountId, NearToken};

fn call_as(i: usize, yocto: u128) {
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .attached_deposit(NearToken::from_yoctonear(yocto))
        .build());
}

fn transfers() -> Vec<(AccountId, u128)> {
    get_created_receipts()
        .into_iter()
        .flat_map(|r| {
            let to = r.receiver_id.clone();
            r.actions.into_iter().filter_map(move |a| match a {
                MockAction::Transfer { deposit, .. } => Some((to.clone(), deposit.as_yoctonear())),
                _ => None,
            })
        })
        .collect()
}

fn pool() -> StakingRewards {
    call_as(0, 0);
    StakingRewards::new(accounts(0))
}

fn stake(p: &mut StakingRewards, who: usize, amount: u128) {
    call_as(who, amount);
    p.stake();
}

fn reward(p: &mut StakingRewards, amount: u128) {
    call_as(0, amount);
    p.distribute_rewards();
}

fn unclaimed(p: &StakingRewards, who: usize) -> u128 {
    p.get_unclaimed_reward(accounts(who)).0
}

#[test]
fn rewards_are_shared_pro_rata() {
    let mut p = pool();
    stake(&mut p, 1, 1_000);
    stake(&mut p, 2, 3_000);
    ::core::assert_eq!(p.total_staked(), U128(4_000));
    ::core::assert_eq!(p.get_stake(accounts(2)), U128(3_000));
    reward(&mut p, 400);
    ::core::assert_eq!((unclaimed(&p, 1), unclaimed(&p, 2)), (100, 300));
    ::core::assert_eq!(unclaimed(&p, 3), 0);
}

#[test]
fn late_staker_gets_only_later_rewards() {
    let mut p = pool();
    stake(&mut p, 1, 1_000);
    reward(&mut p, 500);
    stake(&mut p, 2, 1_000);
    ::core::assert_eq!(unclaimed(&p, 2), 0);
    reward(&mut p, 200);
    ::core::assert_eq!((unclaimed(&p, 1), unclaimed(&p, 2)), (600, 100));
}

#[test]
fn unstaking_keeps_what_was_earned() {
    let mut p = pool();
    stake(&mut p, 1, 2_000);
    stake(&mut p, 2, 2_000);
    reward(&mut p, 1_000);
    call_as(1, 0);
    p.unstake(U128(2_000));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(1), 2_000)]);
    ::core::assert_eq!(p.get_stake(accounts(1)), U128(0));
    ::core::assert_eq!(p.total_staked(), U128(2_000));
    reward(&mut p, 1_000);
    ::core::assert_eq!((unclaimed(&p, 1), unclaimed(&p, 2)), (500, 1_500));
}

#[test]
fn adding_stake_keeps_earlier_rewards() {
    let mut p = pool();
    stake(&mut p, 1, 1_000);
    reward(&mut p, 300);
    stake(&mut p, 1, 2_000);
    ::core::assert_eq!(unclaimed(&p, 1), 300);
    stake(&mut p, 2, 1_000);
    reward(&mut p, 400);
    ::core::assert_eq!((unclaimed(&p, 1), unclaimed(&p, 2)), (600, 100));
}

#[test]
fn shares_round_down() {
    let mut p = pool();
    stake(&mut p, 1, 1);
    stake(&mut p, 2, 2);
    reward(&mut p, 100);
    ::core::assert_eq!((unclaimed(&p, 1), unclaimed(&p, 2)), (33, 66));
}

#[test]
fn claim_pays_and_resets() {
    let mut p = pool();
    stake(&mut p, 1, 1_000);
    stake(&mut p, 2, 1_000);
    reward(&mut p, 600);
    call_as(1, 0);
    ::core::assert_eq!(p.claim_rewards(), U128(300));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(1), 300)]);
    ::core::assert_eq!(unclaimed(&p, 1), 0);
    ::core::assert_eq!(unclaimed(&p, 2), 300);
    reward(&mut p, 200);
    ::core::assert_eq!((unclaimed(&p, 1), unclaimed(&p, 2)), (100, 400));
    ::core::assert_eq!(p.get_stake(accounts(1)), U128(1_000));
}

#[test]
#[should_panic(expected = "nothing to claim")]
fn claiming_twice_panics() {
    let mut p = pool();
    stake(&mut p, 1, 1_000);
    reward(&mut p, 10);
    call_as(1, 0);
    ::core::assert_eq!(p.claim_rewards(), U128(10));
    p.claim_rewards();
}

#[test]
#[should_panic(expected = "only the owner can distribute")]
fn stranger_cannot_distribute() {
    let mut p = pool();
    stake(&mut p, 1, 1_000);
    reward(&mut p, 10);
    ::core::assert_eq!(unclaimed(&p, 1), 10);
    call_as(1, 10);
    p.distribute_rewards();
}

#[test]
#[should_panic(expected = "nothing staked")]
fn distributing_to_nobody_panics() {
    let mut p = pool();
    stake(&mut p, 1, 1_000);
    call_as(1, 0);
    p.unstake(U128(1_000));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(1), 1_000)]);
    reward(&mut p, 10);
}

#[test]
#[should_panic(expected = "not enough staked")]
fn unstaking_more_than_staked_panics() {
    let mut p = pool();
    stake(&mut p, 1, 1_000);
    call_as(1, 0);
    p.unstake(U128(400));
    ::core::assert_eq!(p.get_stake(accounts(1)), U128(600));
    p.unstake(U128(601));
}

#[test]
#[should_panic(expected = "attach a deposit to stake")]
fn staking_nothing_panics() {
    let mut p = pool();
    stake(&mut p, 1, 5);
    ::core::assert_eq!(p.get_stake(accounts(1)), U128(5));
    stake(&mut p, 1, 0);
}

#[test]
#[should_panic(expected = "attach the rewards")]
fn empty_distribution_panics() {
    let mut p = pool();
    stake(&mut p, 1, 5);
    ::core::assert_eq!(p.total_staked(), U128(5));
    reward(&mut p, 0);
}

#[test]
fn one_yocto_amounts_work() {
    let mut p = pool();
    ::core::assert_eq!(p.get_stake(accounts(4)), U128(0));
    stake(&mut p, 3, 10_000_000_000_000);
    ::core::assert_eq!(unclaimed(&p, 3), 0);
    call_as(3, 0);
    p.unstake(U128(10_000_000_000_000));
    stake(&mut p, 1, 1);
    ::core::assert_eq!(p.total_staked(), U128(1));
    reward(&mut p, 1);
    ::core::assert_eq!(unclaimed(&p, 1), 1);
    call_as(1, 0);
    ::core::assert_eq!(p.claim_rewards(), U128(1));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(1), 1)]);
}

#[test]
#[should_panic(expected = "amount must be positive")]
fn unstaking_nothing_panics() {
    let mut p = pool();
    stake(&mut p, 1, 10);
    call_as(1, 0);
    p.unstake(U128(1));
    ::core::assert_eq!(p.get_stake(accounts(1)), U128(9));
    p.unstake(U128(0));
}
