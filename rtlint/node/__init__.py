"""Node mode: every file that decides how EdgeCore talks to its runtime, read together."""
