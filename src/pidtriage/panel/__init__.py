"""The curated PID gene panel: its model, how it is built, and what can be done with it."""
