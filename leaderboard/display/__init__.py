"""Column declarations, cell formatting, CSS and plots for the leaderboard UI."""
