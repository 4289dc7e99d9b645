"""History and replay in the app: time travel, a period replayed, what changed, a deal's timeline."""
