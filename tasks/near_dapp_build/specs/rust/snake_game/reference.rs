use near_sdk::store::LookupMap;
use near_sdk::{env, near, require, AccountId, PanicOnDefault};

#[near(serializers = [json, borsh])]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: u8,
    pub y: u8,
}

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct GameView {
    pub snake: Vec<Point>,
    pub food: Point,
    pub score: u32,
    pub alive: bool,
    pub moves: u32,
}

#[near(serializers = [borsh])]
#[derive(Clone)]
struct Game {
    view: GameView,
    heading: (i16, i16),
}

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct SnakeGame {
    width: u8,
    height: u8,
    games: LookupMap<AccountId, Game>,
    best: LookupMap<AccountId, u32>,
}

fn delta(direction: &str) -> (i16, i16) {
    match direction {
        "up" => (0, -1),
        "down" => (0, 1),
        "left" => (-1, 0),
        "right" => (1, 0),
        _ => env::panic_str("direction must be up, down, left or right"),
    }
}

#[near]
impl SnakeGame {
    #[init]
    pub fn new(width: u8, height: u8) -> Self {
        require!(width >= 5 && height >= 5, "the board must be at least 5x5");
        Self {
            width,
            height,
            games: LookupMap::new(b"g"),
            best: LookupMap::new(b"b"),
        }
    }

    pub fn start_game(&mut self) -> GameView {
        let h = self.height / 2;
        let view = GameView {
            snake: vec![
                Point { x: 2, y: h },
                Point { x: 1, y: h },
                Point { x: 0, y: h },
            ],
            food: Point {
                x: self.width - 1,
                y: h,
            },
            score: 0,
            alive: true,
            moves: 0,
        };
        self.games.insert(
            env::predecessor_account_id(),
            Game {
                view: view.clone(),
                heading: (1, 0),
            },
        );
        view
    }

    pub fn make_move(&mut self, direction: String) -> GameView {
        let (dx, dy) = delta(&direction);
        let player = env::predecessor_account_id();
        let (width, height) = (i16::from(self.width), i16::from(self.height));
        let game = self
            .games
            .get_mut(&player)
            .expect("no game: call start_game first");
        require!(game.view.alive, "the game is over");
        require!(
            (dx, dy) != (-game.heading.0, -game.heading.1),
            "the snake cannot reverse"
        );
        game.heading = (dx, dy);
        game.view.moves += 1;
        let head = game.view.snake[0];
        let (nx, ny) = (i16::from(head.x) + dx, i16::from(head.y) + dy);
        if nx < 0 || ny < 0 || nx >= width || ny >= height {
            game.view.alive = false;
            return game.view.clone();
        }
        let new_head = Point {
            x: nx as u8,
            y: ny as u8,
        };
        let eating = new_head == game.view.food;
        let body_len = if eating {
            game.view.snake.len()
        } else {
            game.view.snake.len() - 1
        };
        if game.view.snake[..body_len].contains(&new_head) {
            game.view.alive = false;
            return game.view.clone();
        }
        game.view.snake.truncate(body_len);
        game.view.snake.insert(0, new_head);
        if eating {
            game.view.score += 1;
            let free = (0..height)
                .flat_map(|y| {
                    (0..width).map(move |x| Point {
                        x: x as u8,
                        y: y as u8,
                    })
                })
                .find(|p| !game.view.snake.contains(p));
            match free {
                Some(food) => game.view.food = food,
                None => game.view.alive = false,
            }
        }
        let view = game.view.clone();
        if view.score > self.best.get(&player).copied().unwrap_or(0) {
            self.best.insert(player, view.score);
        }
        view
    }

    pub fn get_game(&self, player: AccountId) -> Option<GameView> {
        self.games.get(&player).map(|g| g.view.clone())
    }

    pub fn best_score(&self, player: AccountId) -> u32 {
        self.best.get(&player).copied().unwrap_or(0)
    }
}
