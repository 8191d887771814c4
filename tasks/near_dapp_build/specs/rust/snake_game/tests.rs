use near_sdk::test_utils::{accounts, VMContextBuilder};
use near_sdk::testing_env;

fn p(x: u8, y: u8) -> Point {
    Point { x, y }
}

fn call_as(i: usize) {
    testing_env!(VMContextBuilder::new()
        .predecessor_account_id(accounts(i))
        .build());
}

/// An 8x6 board with a started game for alice: snake (2,3) (1,3) (0,3), food (7,3).
fn started() -> SnakeGame {
    call_as(0);
    let mut g = SnakeGame::new(8, 6);
    g.start_game();
    g
}

fn play(g: &mut SnakeGame, moves: &[&str]) -> GameView {
    let mut last = None;
    for m in moves {
        last = Some(g.make_move(m.to_string()));
    }
    last.expect("at least one move")
}

#[test]
fn start_state() {
    call_as(0);
    let mut g = SnakeGame::new(8, 6);
    let view = g.start_game();
    ::core::assert_eq!(
        view,
        GameView {
            snake: ::std::vec![p(2, 3), p(1, 3), p(0, 3)],
            food: p(7, 3),
            score: 0,
            alive: true,
            moves: 0
        }
    );
    ::core::assert_eq!(g.get_game(accounts(0)), Some(view));
    ::core::assert_eq!(g.get_game(accounts(1)), None);
}

#[test]
fn smallest_board_is_5x5() {
    call_as(0);
    let mut g = SnakeGame::new(5, 5);
    let view = g.start_game();
    ::core::assert_eq!(view.food, p(4, 2));
    ::core::assert_eq!(view.snake, ::std::vec![p(2, 2), p(1, 2), p(0, 2)]);
}

#[test]
#[should_panic(expected = "the board must be at least 5x5")]
fn board_too_narrow_panics() {
    let g = started();
    ::core::assert_eq!(g.get_game(accounts(0)).unwrap().food, p(7, 3));
    SnakeGame::new(4, 10);
}

#[test]
#[should_panic(expected = "the board must be at least 5x5")]
fn board_too_low_panics() {
    let g = started();
    ::core::assert_eq!(g.get_game(accounts(0)).unwrap().food, p(7, 3));
    SnakeGame::new(10, 4);
}

#[test]
#[should_panic(expected = "the snake cannot reverse")]
fn first_move_left_reverses() {
    let mut g = started();
    ::core::assert_eq!(g.get_game(accounts(0)).unwrap().snake[0], p(2, 3));
    g.make_move("left".to_string());
}

#[test]
fn right_and_bottom_walls_end_the_game() {
    let mut g = started();
    let view = play(&mut g, &["right"; 5]);
    ::core::assert_eq!(view.snake[0], p(7, 3));
    let view = play(&mut g, &["right"]);
    ::core::assert!(!view.alive);
    ::core::assert_eq!(view.snake[0], p(7, 3));
    call_as(1);
    g.start_game();
    let view = play(&mut g, &["down", "down"]);
    ::core::assert_eq!((view.snake[0], view.alive), (p(2, 5), true));
    let view = play(&mut g, &["down"]);
    ::core::assert_eq!((view.snake[0], view.alive), (p(2, 5), false));
}

#[test]
fn moving_shifts_the_snake() {
    let mut g = started();
    let view = play(&mut g, &["down"]);
    ::core::assert_eq!(view.snake, ::std::vec![p(2, 4), p(2, 3), p(1, 3)]);
    ::core::assert_eq!(view.moves, 1);
    ::core::assert!(view.alive);
}

#[test]
fn eating_grows_scores_and_places_food() {
    let mut g = started();
    let view = play(&mut g, &["right", "right", "right", "right", "right"]);
    ::core::assert_eq!(view.snake, ::std::vec![p(7, 3), p(6, 3), p(5, 3), p(4, 3)]);
    ::core::assert_eq!(view.score, 1);
    ::core::assert_eq!(view.food, p(0, 0));
    ::core::assert_eq!(view.moves, 5);
    ::core::assert_eq!(g.best_score(accounts(0)), 1);
}

#[test]
fn hitting_the_wall_ends_the_game() {
    let mut g = started();
    let view = play(&mut g, &["up", "up", "up", "up"]);
    ::core::assert!(!view.alive);
    ::core::assert_eq!(view.snake, ::std::vec![p(2, 0), p(2, 1), p(2, 2)]);
    ::core::assert_eq!(view.moves, 4);
}

#[test]
#[should_panic(expected = "the game is over")]
fn moving_after_game_over_panics() {
    let mut g = started();
    let view = play(&mut g, &["up", "up", "up", "up"]);
    ::core::assert!(!view.alive);
    g.make_move("right".to_string());
}

#[test]
#[should_panic(expected = "the snake cannot reverse")]
fn reversing_panics() {
    let mut g = started();
    let view = play(&mut g, &["up", "right"]);
    ::core::assert_eq!(view.snake, ::std::vec![p(3, 2), p(2, 2), p(2, 3)]);
    g.make_move("left".to_string());
}

#[test]
#[should_panic(expected = "direction must be up, down, left or right")]
fn unknown_direction_panics() {
    let mut g = started();
    ::core::assert_eq!(play(&mut g, &["down"]).moves, 1);
    g.make_move("north".to_string());
}

#[test]
fn chasing_the_tail_is_allowed() {
    let mut g = started();
    play(&mut g, &["right", "right", "right", "right", "right"]);
    let view = play(&mut g, &["down", "left", "up"]);
    ::core::assert!(view.alive);
    ::core::assert_eq!(view.snake, ::std::vec![p(6, 3), p(6, 4), p(7, 4), p(7, 3)]);
}

#[test]
fn biting_the_body_ends_the_game() {
    let mut g = started();
    play(&mut g, &["right"; 5]);
    play(&mut g, &["up"; 3]);
    let view = play(&mut g, &["left"; 7]);
    ::core::assert_eq!(view.score, 2);
    ::core::assert_eq!(view.snake.len(), 5);
    ::core::assert_eq!(view.food, p(5, 0));
    let view = play(&mut g, &["down", "right", "up"]);
    ::core::assert!(!view.alive);
    ::core::assert_eq!(view.moves, 18);
    ::core::assert_eq!(g.best_score(accounts(0)), 2);
}

#[test]
fn games_are_per_player() {
    let mut g = started();
    play(&mut g, &["right"; 5]);
    call_as(1);
    ::core::assert_eq!(g.best_score(accounts(1)), 0);
    let view = g.start_game();
    ::core::assert_eq!(view.score, 0);
    ::core::assert_eq!(g.get_game(accounts(0)).unwrap().score, 1);
}

#[test]
#[should_panic(expected = "no game: call start_game first")]
fn move_without_game_panics() {
    let mut g = started();
    ::core::assert_eq!(play(&mut g, &["up"]).moves, 1);
    call_as(2);
    g.make_move("up".to_string());
}

#[test]
fn best_score_survives_a_restart() {
    let mut g = started();
    ::core::assert_eq!(play(&mut g, &["right"; 5]).score, 1);
    ::core::assert_eq!(g.best_score(accounts(0)), 1);
    let fresh = g.start_game();
    ::core::assert_eq!((fresh.score, fresh.moves, fresh.alive), (0, 0, true));
    ::core::assert_eq!(g.get_game(accounts(0)).unwrap().score, 0);
    ::core::assert_eq!(g.best_score(accounts(0)), 1);
    // A worse new game does not lower the best score.
    let view = play(&mut g, &["up", "up", "up", "up"]);
    ::core::assert!(!view.alive);
    ::core::assert_eq!(g.best_score(accounts(0)), 1);
}
