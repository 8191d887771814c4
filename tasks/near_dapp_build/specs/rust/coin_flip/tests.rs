use near_sdk::test_utils::{accounts, VMContextBuilder};
use near_sdk::testing_env;

fn flip_as(i: usize, first_seed_byte: u8) {
    let mut seed = [7u8; 32];
    seed[0] = first_seed_byte;
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .random_seed(seed)
        .build());
}

#[test]
fn even_seed_is_heads_odd_is_tails() {
    flip_as(0, 0);
    let mut game = CoinFlip::new();
    ::core::assert_eq!(game.flip_coin("heads".to_string()), "heads");
    flip_as(0, 3);
    ::core::assert_eq!(game.flip_coin("heads".to_string()), "tails");
    flip_as(0, 255);
    ::core::assert_eq!(game.flip_coin("tails".to_string()), "tails");
    flip_as(0, 254);
    ::core::assert_eq!(game.flip_coin("tails".to_string()), "heads");
}

#[test]
fn correct_guess_scores() {
    flip_as(0, 2);
    let mut game = CoinFlip::new();
    game.flip_coin("heads".to_string());
    flip_as(0, 5);
    game.flip_coin("tails".to_string());
    ::core::assert_eq!(game.points_of(accounts(0)), 2);
    ::core::assert_eq!(game.points_of(accounts(1)), 0);
    ::core::assert_eq!(game.points_of(accounts(5)), 0);
}

#[test]
fn wrong_guess_loses_a_point_but_not_below_zero() {
    flip_as(1, 4);
    let mut game = CoinFlip::new();
    game.flip_coin("tails".to_string());
    ::core::assert_eq!(game.points_of(accounts(1)), 0);
    game.flip_coin("heads".to_string());
    game.flip_coin("heads".to_string());
    ::core::assert_eq!(game.points_of(accounts(1)), 2);
    game.flip_coin("tails".to_string());
    ::core::assert_eq!(game.points_of(accounts(1)), 1);
}

#[test]
fn scores_are_per_player() {
    flip_as(1, 8);
    let mut game = CoinFlip::new();
    game.flip_coin("heads".to_string());
    flip_as(2, 8);
    game.flip_coin("tails".to_string());
    ::core::assert_eq!(game.points_of(accounts(1)), 1);
    ::core::assert_eq!(game.points_of(accounts(2)), 0);
}

#[test]
#[should_panic(expected = "guess must be heads or tails")]
fn invalid_guess_panics() {
    flip_as(0, 0);
    let mut game = CoinFlip::new();
    ::core::assert_eq!(game.flip_coin("heads".to_string()), "heads");
    ::core::assert_eq!(game.points_of(accounts(0)), 1);
    game.flip_coin("edge".to_string());
}

#[test]
#[should_panic(expected = "guess must be heads or tails")]
fn guess_is_case_sensitive() {
    flip_as(0, 1);
    let mut game = CoinFlip::new();
    ::core::assert_eq!(game.flip_coin("tails".to_string()), "tails");
    ::core::assert_eq!(game.points_of(accounts(0)), 1);
    game.flip_coin("Heads".to_string());
}
