"""Practice over time: History (every session and write-up), Progress, and drills."""
